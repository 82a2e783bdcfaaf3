package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
)

// Options are pb-fetch's flags.
type Options struct {
	Flags        `embed:""`
	MaxBody      ByteSize      `help:"Largest page accepted; bigger ones fail with an error." default:"50MB" name:"max-body"`
	Render       bool          `help:"Load url records flagged \"render\": true in headless Chromium and open their JavaScript modals (poll voters, moderators, likes)."`
	Chromium     string        `help:"Chromium binary for --render (default: the system's, found on $PATH or in /usr/bin)." env:"PB_CHROMIUM" placeholder:"PATH"`
	Tabs         int           `help:"How many pages Chromium renders at once." default:"2"`
	ModalTimeout time.Duration `help:"How long to wait for one modal to appear after its click." default:"60s" name:"modal-timeout"`

	// TempDir is where Chromium's throw-away profile goes ("" = $TMPDIR); tests set it.
	TempDir string `kong:"-"`
}

// Run is pb-fetch: it reads url records, fetches them concurrently through
// the fetch stack and writes one page record per url record, in completion
// order. Other records pass through untouched.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	if o.Tabs < 1 {
		return cli.ExitUsage, errors.New("--tabs must be at least 1")
	}
	errw := &SyncWriter{W: stderr}
	logf := func(format string, args ...any) { fmt.Fprintf(errw, "pb-fetch: "+format+"\n", args...) }
	stack, err := New(Config{
		Flags: o.Flags, Tool: "pb-fetch", MaxBody: int64(o.MaxBody),
		Render: o.Render, Chromium: o.Chromium, Tabs: o.Tabs, ModalTimeout: o.ModalTimeout,
		TempDir: o.TempDir, Log: logf,
	})
	if err != nil {
		return cli.ExitUsage, err
	}
	defer stack.Close()
	if o.Render {
		// A closed stdout (| head) must end the run through this function,
		// which closes the browser, rather than kill the process on SIGPIPE.
		pipe := make(chan os.Signal, 1)
		signal.Notify(pipe, syscall.SIGPIPE)
		defer signal.Stop(pipe)
	}
	stats := stack.Stats

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !o.Quiet && (o.Progress || IsTerminal(stderr)) {
		every := 10 * time.Second
		if IsTerminal(stderr) {
			every = time.Second
		}
		stop := ShowProgress(ctx, errw, "pb-fetch", "pages", stats, every)
		defer stop()
	}

	w := record.NewWriter(stdout)
	var writeErr atomic.Pointer[error]
	emit := func(write func() error) {
		err := write()
		if err == nil {
			err = w.Flush() // a page is big and downstream is waiting for it
		}
		if err != nil && writeErr.CompareAndSwap(nil, &err) {
			cancel()
		}
	}

	type job struct {
		line record.Line
		req  *Request
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				resp, err := stack.Fetch(ctx, j.req)
				if err != nil && ctx.Err() != nil {
					continue // interrupted: no record, the page stays pending
				}
				page, failed := pageRecord(j.req, resp, err)
				stats.Finished(failed, page.Rendered)
				out, merr := record.Merge(j.line.Raw, page)
				if merr != nil { // cannot happen: the line was read as a JSON object
					out, _ = record.Merge([]byte(`{}`), page)
				}
				emit(func() error { return w.WriteRaw(out) })
			}
		}()
	}

	lines := ReadLines(ctx, stdin)
	bad, queued, dropped := 0, 0, 0
	var readErr error
feed:
	for {
		var it LineOrErr
		var ok bool
		select {
		case it, ok = <-lines:
		case <-ctx.Done():
			break feed
		}
		if !ok {
			break
		}
		if it.Err != nil {
			var le *record.LineError
			if errors.As(it.Err, &le) {
				logf("%v", le)
				bad++
				continue
			}
			readErr = it.Err
			break
		}
		l := it.Line
		if l.Type != record.TypeURL {
			emit(func() error { return w.WriteRaw(l.Raw) })
			continue
		}
		req, err := urlRequest(l)
		if err != nil {
			logf("%v", err)
			bad++
			continue
		}
		stack.Hosts.Add(req.URL)
		select {
		case jobs <- job{line: l, req: req}:
			queued++
		case <-ctx.Done():
			dropped++
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	cancel()

	if !o.Quiet {
		for _, l := range strings.Split(stats.Summary("pages"), "\n") {
			logf("%s", l)
		}
	}
	if p := writeErr.Load(); p != nil {
		if cli.IsBrokenPipe(*p) {
			return cli.ExitOK, nil
		}
		return cli.ExitPartial, fmt.Errorf("writing: %w", *p)
	}
	if readErr != nil {
		return cli.ExitPartial, fmt.Errorf("reading: %w", readErr)
	}
	if done := stats.done.Load(); done < int64(queued) || dropped > 0 {
		return cli.ExitPartial, fmt.Errorf("interrupted: %d of the url records read were not fetched; run again to fetch them", int64(queued+dropped)-done)
	}
	if bad > 0 || stats.Failed() > 0 {
		if bad > 0 {
			logf("%d bad input lines skipped", bad)
		}
		return cli.ExitPartial, nil
	}
	return cli.ExitOK, nil
}

// urlRequest reads a url record into a request.
func urlRequest(l record.Line) (*Request, error) {
	var u record.URL
	if err := l.Decode(&u); err != nil {
		return nil, err
	}
	p, err := url.Parse(u.URL)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return nil, &record.LineError{N: l.N, Msg: fmt.Sprintf("url record needs an absolute http(s) \"url\", got %q", u.URL)}
	}
	return &Request{URL: u.URL, Render: u.Render}, nil
}

// pageRecord turns a fetch result into the fields of a page record.
func pageRecord(req *Request, resp *Response, err error) (record.Page, bool) {
	if resp == nil {
		resp = &Response{URL: req.URL, FinalURL: req.URL}
	}
	p := record.Page{
		Type: record.TypePage, URL: req.URL, FinalURL: resp.FinalURL, Render: req.Render,
		Rendered: resp.Rendered, Status: resp.Status, ContentType: resp.ContentType(),
		Attempts: max(resp.Attempts, 1),
	}
	if p.FinalURL == "" {
		p.FinalURL = req.URL
	}
	at := resp.FetchedAt
	if at.IsZero() {
		at = time.Now()
	}
	p.FetchedAt = at.UnixMilli()
	if resp.Rendered {
		p.Body = string(resp.Body) // the DOM, serialised as UTF-8
	} else {
		p.Body = DecodeBody(resp.Body, p.ContentType)
	}
	switch {
	case err != nil:
		p.Error = err.Error()
	case !resp.OK():
		p.Error = fmt.Sprintf("HTTP %d %s", resp.Status, http.StatusText(resp.Status))
	case loginRedirect(req.URL, p.FinalURL):
		p.Error = fmt.Sprintf("redirected to the login page %s: this page needs a logged-in session (pass --cookies)", p.FinalURL)
	}
	return p, p.Error != ""
}

// loginRedirect reports a request that ended on a login page it did not ask for.
func loginRedirect(asked, final string) bool {
	if asked == final {
		return false
	}
	a, err1 := url.Parse(asked)
	f, err2 := url.Parse(final)
	if err1 != nil || err2 != nil {
		return false
	}
	isLogin := func(u *url.URL) bool {
		return strings.HasPrefix(u.Host, "login.") || u.Path == "/login" || strings.HasPrefix(u.Path, "/login/")
	}
	return isLogin(f) && !isLogin(a)
}
