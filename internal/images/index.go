package images

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/pb-archive/pb/internal/record"
)

// IndexName is the file in the images folder that remembers what each URL
// gave, so that a later run (the next pass of a crawl, a rerun) does not
// download again an image it already has, nor retry a link that is dead.
const IndexName = ".pb-images-index.ndjson"

// Result is what downloading one URL gave; it is also one line of the index.
type Result struct {
	URL      string `json:"url"`
	Filename string `json:"filename,omitempty"`
	MD5Hash  string `json:"md5_hash,omitempty"`
	Size     int64  `json:"size,omitempty"`
	// Status is "ok", "http NNN", "not an image", "too large" or "unreachable: <reason>".
	Status     string `json:"status"`
	HTTPStatus int    `json:"http_status,omitempty"`
	// FetchedAt is when the download was made, in ms since the epoch (0 for
	// a data: URL, which is not downloaded).
	FetchedAt int64 `json:"fetched_at,omitempty"`
}

// final reports whether a result will not change on a later try: a file,
// or a permanent answer (record.ImageRetryable). Only those go in the
// index. "too large" is not kept: a rerun with a larger --max-size may want it.
func (r Result) final() bool {
	return r.Status != "" && r.Status != StatusTooLarge && !record.ImageRetryable(r.URL, r.Status, r.HTTPStatus)
}

// Index is the images folder's memory of earlier runs.
type Index struct {
	mu  sync.Mutex
	m   map[string]Result
	f   *os.File
	err error
}

// OpenIndex reads dir's index and opens it for appending. A line cut short
// by a killed run is ignored.
func OpenIndex(dir string) (*Index, error) {
	path := filepath.Join(dir, IndexName)
	ix := &Index{m: map[string]Result{}}
	if f, err := os.Open(path); err == nil {
		r := bufio.NewReader(f)
		for {
			line, err := r.ReadBytes('\n')
			var res Result
			// A line cut short by a killed run does not decode: skip it.
			if json.Unmarshal(line, &res) == nil && res.URL != "" {
				ix.m[res.URL] = res
			}
			if err != nil {
				f.Close()
				if !errors.Is(err, io.EOF) {
					return nil, err
				}
				break
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	ix.f = f
	return ix, nil
}

// Get returns what an earlier run found for url.
func (ix *Index) Get(url string) (Result, bool) {
	if ix == nil {
		return Result{}, false
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r, ok := ix.m[url]
	return r, ok
}

// Add remembers a final result (others are tried again next time).
func (ix *Index) Add(r Result) error {
	if ix == nil || !r.final() {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.m[r.URL] = r
	if ix.err != nil {
		return ix.err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	// One write of one whole line: O_APPEND keeps lines from interleaving.
	w := bufio.NewWriterSize(ix.f, len(b)+1)
	w.Write(b)
	w.WriteByte('\n')
	ix.err = w.Flush()
	return ix.err
}

// Close closes the index file.
func (ix *Index) Close() error {
	if ix == nil {
		return nil
	}
	return ix.f.Close()
}
