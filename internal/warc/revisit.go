package warc

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
)

// DigestIndexName is the file in a WARC folder that remembers, per URL,
// the payload digest of the last full response archived, so that an
// unchanged page fetched again becomes a revisit record. Each line is one
// JSON object; writers append, the last line for a URL wins, and a torn
// last line is ignored.
const DigestIndexName = ".pb-warc-digests.ndjson"

type digestEntry struct {
	URL    string `json:"url"`
	Digest string `json:"digest"`
	Date   string `json:"date"`
	ID     string `json:"id"`
}

type digestIndex struct {
	mu sync.Mutex
	m  map[string]digestEntry
	f  *os.File
}

func openDigestIndex(dir string) (*digestIndex, error) {
	path := filepath.Join(dir, DigestIndexName)
	idx := &digestIndex{m: map[string]digestEntry{}}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var e digestEntry
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.URL != "" {
				idx.m[e.URL] = e
			}
		}
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	idx.f = f
	return idx, nil
}

func (d *digestIndex) get(url string) (digestEntry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.m[url]
	return e, ok
}

// put records e; one write per line, so concurrent appenders interleave
// whole lines.
func (d *digestIndex) put(e digestEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[e.URL] = e
	_, err = d.f.Write(append(b, '\n'))
	return err
}

func (d *digestIndex) close() error { return d.f.Close() }
