package fakeforum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// AccessRecorder keeps the access log in memory, for tests and tools that
// run the forum in-process and want to check what was requested (how often,
// how far apart). Set it as Config.AccessLog; it is safe for concurrent use.
type AccessRecorder struct {
	mu      sync.Mutex
	partial []byte // an incomplete last line, should a writer split one
	entries []AccessEntry
}

// Write parses the NDJSON lines the forum writes. A line that is not an
// AccessEntry is an error: the recorder is only meant for Config.AccessLog.
func (a *AccessRecorder) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.partial = append(a.partial, p...)
	for {
		i := bytes.IndexByte(a.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := a.partial[:i]
		a.partial = a.partial[i+1:]
		var e AccessEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return len(p), fmt.Errorf("access log line %q: %w", line, err)
		}
		a.entries = append(a.entries, e)
	}
}

// Entries returns a copy of the log so far, ordered by request start time
// (lines are written when a handler returns, so file order is finish order).
func (a *AccessRecorder) Entries() []AccessEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := append([]AccessEntry(nil), a.entries...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].TimeNS < out[j].TimeNS })
	return out
}

// Take is Entries, and forgets them: the next call sees only later requests.
func (a *AccessRecorder) Take() []AccessEntry {
	out := a.Entries()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = a.entries[len(out):]
	return out
}
