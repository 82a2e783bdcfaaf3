package images

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fetch"
	"github.com/pb-archive/pb/internal/record"
)

// Options are pb-images' flags.
type Options struct {
	fetch.Flags `embed:""`
	Out         string         `help:"Folder for the images (created if needed)." short:"o" default:"images"`
	MaxSize     fetch.ByteSize `help:"Largest image kept; bigger ones get status \"too large\"." default:"20MB" name:"max-size"`
	Site        []string       `help:"The forum's URL (repeatable): its hosts get the forum's politeness schedule (hosts of url, link and outcome records passing by are added)." env:"PB_SITE" placeholder:"URL"`
	NoIndex     bool           `help:"Neither use nor update the folder's index of URLs already downloaded (.pb-images-index.ndjson): download everything again." name:"no-index"`
	Window      int            `help:"How many records may wait, in order, behind a slow download." default:"1024"`

	// Now is the clock that stamps fetched_at (default time.Now).
	Now func() time.Time `kong:"-"`
}

// MaxImageSize is the most --max-size allows: a download is held in
// memory, and forum images are a few MB at most.
const MaxImageSize = 256 << 20

// Validate refuses out-of-range flags of pb-images' own (kong calls it;
// fetch.Flags.Validate checks the network flags).
func (o *Options) Validate() error {
	var c cli.Checks
	c.Size("--max-size", o.MaxSize, 1, MaxImageSize)
	c.Between("--window", o.Window, 1, 1<<20)
	return c.Err()
}

// Run is pb-images. It copies every record to stdout in input order; an
// image record with a url and no file yet is enriched (record.Merge, so
// unknown fields stay) with filename (<md5>.<ext>), md5_hash, size, status
// "ok" and http_status, or with the status that says why there is no file,
// and with fetched_at, the time of the download.
//
// Each URL is downloaded once per run, whatever the number of records
// naming it, and once per folder: what a URL gave is remembered in the
// folder's index, so the next pass of a crawl or a rerun downloads nothing
// it already has (nor dead links again). Only final results are remembered
// (record.ImageRetryable): an image that failed for a passing reason is
// downloaded again when a record names it again, as `pb-urls pending` does
// on the crawl's next pass. A record that already names a file present in
// the folder passes through untouched.
//
// Exit status 1 means bad input lines, images that could not be reached or
// were refused for now, e.g. with a 503 (they may be later: run again), or
// files that could not be written;
// dead links, non-images and oversized files are results, recorded in
// their records, not failures.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	if o.Window < 1 {
		return cli.ExitUsage, errors.New("--window must be at least 1")
	}
	errw := &cli.SyncWriter{W: stderr}
	logf := func(format string, args ...any) { fmt.Fprintf(errw, "pb-images: "+format+"\n", args...) }
	hosts := fetch.NewHosts()
	for _, s := range o.Site {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return cli.ExitUsage, fmt.Errorf("--site %q is not a URL like https://name.proboards.com", s)
		}
		hosts.Add(s)
	}
	stack, err := fetch.New(fetch.Config{
		Flags: o.Flags, Tool: "pb-images", MaxBody: int64(o.MaxSize), Hosts: hosts,
		RedirectAnywhere: true, Log: logf,
	})
	if err != nil {
		return cli.ExitUsage, err
	}
	defer stack.Close()
	store, err := OpenStore(o.Out)
	if err != nil {
		return cli.ExitUsage, err
	}
	var index *Index
	if !o.NoIndex {
		if index, err = OpenIndex(o.Out); err != nil {
			return cli.ExitUsage, fmt.Errorf("images index: %w", err)
		}
		defer index.Close()
	}
	stats := stack.Stats
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !o.Quiet && (o.Progress || cli.IsTerminal(stderr)) {
		every := 10 * time.Second
		if cli.IsTerminal(stderr) {
			every = time.Second
		}
		defer fetch.ShowProgress(ctx, errw, "pb-images", "image", stats, every)()
	}

	now := o.Now
	if now == nil {
		now = time.Now
	}
	d := &downloader{f: stack, store: store, maxSize: int64(o.MaxSize), now: now}
	var c counts
	jobs := make(chan *future)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				res, written, err := d.get(ctx, f.url)
				f.res, f.err = res, err
				if err == nil {
					stats.Finished(res.Status != StatusOK, false)
					if written {
						c.written.Add(1)
					} else if res.Status == StatusOK {
						c.present.Add(1)
					}
					if ierr := index.Add(res); ierr != nil {
						logf("images index: %v", ierr)
					}
				}
				close(f.done)
			}
		}()
	}

	// The writer prints items in input order, each when its download is done.
	out := make(chan item, o.Window)
	var writeErr error
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		w := record.NewWriter(stdout)
		defer w.Flush()
		for it := range out {
			if writeErr != nil {
				continue // drain, so the reader never blocks
			}
			raw := it.raw
			if it.f != nil {
				select {
				case <-it.f.done:
				case <-ctx.Done():
					continue
				}
				if it.f.err != nil && ctx.Err() != nil {
					continue // interrupted
				}
				var err error
				if raw, err = enrich(it, logf, &c); err != nil {
					writeErr = err
					cancel()
					continue
				}
			}
			if err := w.WriteRaw(raw); err != nil {
				writeErr = err
				cancel()
				continue
			}
			if len(out) == 0 { // nothing ready: let downstream have what we have
				if err := w.Flush(); err != nil {
					writeErr = err
					cancel()
				}
			}
		}
	}()

	futures := map[string]*future{}
	bad := 0
	readErr := cli.EachLine(ctx, stdin, func(le *record.LineError) { logf("%v", le); bad++ }, func(l record.Line) bool {
		next := item{raw: l.Raw, n: l.N}
		switch l.Type {
		case record.TypeImage:
			var im struct {
				URL      string `json:"url"`
				Filename string `json:"filename"`
			}
			if err := l.Decode(&im); err != nil {
				logf("%v", err)
				bad++
				break
			}
			u, problem := imageURL(im.URL)
			if problem != "" {
				logf("line %d: image record %s; passed on as it is", l.N, problem)
				bad++
				break
			}
			if im.Filename != "" && store.Has(im.Filename, -1) {
				c.kept.Add(1)
				break // already archived: nothing to do
			}
			f := futures[u]
			if f == nil {
				f = &future{url: u, done: make(chan struct{})}
				futures[u] = f
				if r, ok := index.Get(u); ok && (r.Status != StatusOK || store.Has(r.Filename, r.Size)) {
					f.res, f.fromIndex = r, true
					c.indexed.Add(1)
					close(f.done)
				} else {
					select {
					case jobs <- f:
					case <-ctx.Done():
						return false
					}
				}
			} else {
				c.repeats.Add(1)
			}
			next.f = f
		case record.TypeLink, record.TypeOutcome, record.TypeURL:
			// The pages the records speak of are on the forum's hosts.
			var p struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(l.Raw, &p) == nil && p.URL != "" {
				hosts.Add(p.URL)
			}
		}
		select {
		case out <- next:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(jobs)
	wg.Wait()
	close(out)
	<-writerDone
	interrupted := ctx.Err() != nil && writeErr == nil
	cancel()

	if !o.Quiet {
		logf("%s", stats.Summary("image"))
		logf("%s in %s, %d already there, %d known from earlier runs, %s, %s already archived",
			cli.Count(c.written.Load(), "new file"), o.Out, c.present.Load(), c.indexed.Load(),
			cli.Count(c.repeats.Load(), "repeated URL"), cli.Count(c.kept.Load(), "record"))
	}
	switch {
	case writeErr != nil && cli.IsBrokenPipe(writeErr):
		return cli.ExitOK, nil
	case writeErr != nil:
		return cli.ExitPartial, writeErr
	case readErr != nil:
		return cli.ExitPartial, fmt.Errorf("reading: %w", readErr)
	case interrupted:
		return cli.ExitPartial, errors.New("interrupted; records after the last one written were not passed on")
	}
	if bad > 0 {
		logf("%s", cli.Count(bad, "bad input line"))
	}
	if bad > 0 || c.unreachable.Load() > 0 || c.writeFailed.Load() > 0 {
		return cli.ExitPartial, nil
	}
	return cli.ExitOK, nil
}

// imageURL checks an image record's url: absolute http(s), or data:.
// Protocol-relative URLs get http (pb-parse should have resolved them).
func imageURL(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", "has no url"
	}
	if strings.HasPrefix(s, "data:") {
		return s, ""
	}
	if strings.HasPrefix(s, "//") {
		s = "http:" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Sprintf("has a url that is not absolute http(s): %q", raw)
	}
	return s, ""
}

// future is the download of one URL, shared by every record naming it.
type future struct {
	url       string
	done      chan struct{}
	res       Result
	err       error
	fromIndex bool
}

// item is one record waiting for its turn to be written.
type item struct {
	raw []byte
	n   int
	f   *future
}

type counts struct {
	written, present, indexed, repeats, kept, unreachable, writeFailed atomic.Int64
}

// enrich returns an image record with its download's result.
func enrich(it item, logf func(string, ...any), c *counts) ([]byte, error) {
	f := it.f
	if f.err != nil {
		logf("line %d: %s: %v", it.n, f.url, f.err)
		c.writeFailed.Add(1)
		return it.raw, nil
	}
	r := f.res
	// Unreachable hosts and answers like 503 may give the file later.
	if strings.HasPrefix(r.Status, "unreachable") || record.ImageRetryable(f.url, r.Status, r.HTTPStatus) {
		c.unreachable.Add(1)
	}
	patch := struct {
		Filename   *string `json:"filename,omitempty"`
		MD5Hash    *string `json:"md5_hash,omitempty"`
		Size       *int64  `json:"size,omitempty"`
		Status     string  `json:"status"`
		HTTPStatus *int    `json:"http_status,omitempty"`
		FetchedAt  *int64  `json:"fetched_at,omitempty"`
	}{Status: r.Status}
	if r.FetchedAt != 0 {
		patch.FetchedAt = &r.FetchedAt
	}
	if r.Status == StatusOK {
		patch.Filename, patch.MD5Hash, patch.Size = &r.Filename, &r.MD5Hash, &r.Size
	}
	if r.HTTPStatus != 0 {
		patch.HTTPStatus = &r.HTTPStatus
	}
	raw := it.raw
	if r.Status != StatusOK {
		// A stale file name from an earlier run must not survive a failure.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err == nil {
			_, a := m["filename"]
			_, b := m["md5_hash"]
			_, s := m["size"]
			if a || b || s {
				delete(m, "filename")
				delete(m, "md5_hash")
				delete(m, "size")
				raw, _ = json.Marshal(m)
			}
		}
	}
	return record.Merge(raw, patch)
}
