package fetch

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LimitDirNone as --limit-dir keeps every host's schedule in its process.
const LimitDirNone = "none"

// DefaultLimitDir is where the schedule files go by default:
// $XDG_RUNTIME_DIR (private to the user), else the temporary directory.
func DefaultLimitDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return os.TempDir()
}

// sharedSchedules keeps the cross-process part of every host's schedule:
// one small file per host, dir/pb-limit-<sha1(host)>, locked with flock
// while a process reads and updates it. It holds the earliest next start
// (set by whichever process started last, with its own delay, long pause
// included), a pause the host asked for (Retry-After), and how many
// requests have started, which decides the long pause. So pb-fetch and
// pb-images in one pipeline, or two pipelines, send a host one stream of
// requests, as one process would.
type sharedSchedules struct {
	dir string
	log Logf

	mu     sync.Mutex
	files  map[string]*os.File
	broken map[string]bool // hosts whose file cannot be used; reported once
}

func newSharedSchedules(dir string, log Logf) *sharedSchedules {
	if log == nil {
		log = func(string, ...any) {}
	}
	return &sharedSchedules{dir: dir, log: log, files: map[string]*os.File{}, broken: map[string]bool{}}
}

// sharedState is a schedule file's content. Times are Unix nanoseconds.
type sharedState struct {
	next, paused, count int64
}

// stateSize is the length of a schedule file: three fixed-width numbers,
// so that every write replaces the whole content in place.
const stateSize = 3*20 + 3

func (s sharedState) bytes() []byte {
	return []byte(fmt.Sprintf("%020d %020d %020d\n", s.next, s.paused, s.count))
}

// parseState reads a schedule file; a new (empty) or foreign one starts afresh.
func parseState(b []byte) sharedState {
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return sharedState{}
	}
	var v [3]int64
	for i := range f {
		n, err := strconv.ParseInt(f[i], 10, 64) // base 10: the zero padding is no octal prefix
		if err != nil {
			return sharedState{}
		}
		v[i] = n
	}
	return sharedState{next: v[0], paused: v[1], count: v[2]}
}

// path is the schedule file of host.
func (s *sharedSchedules) path(host string) string {
	sum := sha1.Sum([]byte(host))
	return filepath.Join(s.dir, "pb-limit-"+hex.EncodeToString(sum[:]))
}

// file returns host's open schedule file, or nil when it cannot be used
// (the schedule then stays in this process; said once per host).
func (s *sharedSchedules) file(host string) *os.File {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[host]; f != nil || s.broken[host] {
		return f
	}
	f, err := openLockFile(s.path(host))
	if err != nil {
		s.broken[host] = true
		s.log("%s: cannot share its schedule with other pb processes (%v); it is kept in this process only (see --limit-dir)", host, err)
		return nil
	}
	s.files[host] = f
	return f
}

// update runs fn on host's state under the file lock and writes back what
// fn returns when it says so. It reports false when the file is unusable.
func (s *sharedSchedules) update(host string, fn func(st sharedState) (sharedState, bool)) bool {
	f := s.file(host)
	if f == nil {
		return false
	}
	if err := lockFile(f); err != nil {
		s.fail(host, err)
		return false
	}
	defer unlockFile(f)
	buf := make([]byte, 2*stateSize)
	n, _ := f.ReadAt(buf, 0)
	st, write := fn(parseState(buf[:n]))
	if write {
		if _, err := f.WriteAt(st.bytes(), 0); err != nil {
			s.fail(host, err)
			return false
		}
	}
	return true
}

func (s *sharedSchedules) fail(host string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[host]; f != nil {
		f.Close()
		delete(s.files, host)
	}
	if !s.broken[host] {
		s.broken[host] = true
		s.log("%s: its shared schedule file failed (%v); the schedule is kept in this process only", host, err)
	}
}

// claim takes the next start slot of host when it is due: it returns wait 0
// with the delay and long-pause flag delayFor chose for the request count,
// having recorded the start, or the time left before the slot. A host that
// has been left alone for rest (the long pause) since its slot opened
// starts counting afresh, so a file left by an earlier run never puts a
// long pause out of turn. ok is false when the file is unusable.
func (s *sharedSchedules) claim(host string, rest time.Duration, delayFor func(count int64) (time.Duration, bool)) (wait, d time.Duration, long, ok bool) {
	ok = s.update(host, func(st sharedState) (sharedState, bool) {
		now := time.Now()
		until := max(st.next, st.paused)
		if w := time.Duration(until - now.UnixNano()); w > 0 {
			wait = w
			return st, false
		}
		if time.Duration(now.UnixNano()-st.next) >= rest {
			st.count = 0
		}
		st.count++
		d, long = delayFor(st.count)
		st.next = now.Add(d).UnixNano()
		return st, true
	})
	return wait, d, long, ok
}

// pause makes every process wait for host until until.
func (s *sharedSchedules) pause(host string, until time.Time) {
	s.update(host, func(st sharedState) (sharedState, bool) {
		if u := until.UnixNano(); u > st.paused {
			st.paused = u
			return st, true
		}
		return st, false
	})
}

// Close closes the schedule files (their content stays for the next run).
func (s *sharedSchedules) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h, f := range s.files {
		f.Close()
		delete(s.files, h)
	}
	return nil
}
