package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/cookies"
	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// Options are pb-fetch's flags.
type Options struct {
	Flags        `embed:""`
	MaxBody      ByteSize      `help:"Largest page accepted; bigger ones fail with an error (at most the default, the largest page pb-parse reads)." default:"16MB" name:"max-body"`
	Render       bool          `help:"Load url records flagged \"render\": true in headless Chromium and open their JavaScript modals (poll voters, moderators, likes)."`
	Chromium     string        `help:"Chromium binary for --render (default: the system's, found on $PATH or in /usr/bin)." env:"PB_CHROMIUM" placeholder:"PATH"`
	Tabs         int           `help:"How many pages Chromium renders at once." default:"2"`
	ModalTimeout time.Duration `help:"How long to wait for one modal to appear after its click." default:"60s" name:"modal-timeout"`
	// RenderTimeout is RenderConfig.PageTimeout: it stops a page that never settles, not a slow forum.
	RenderTimeout time.Duration `help:"How long Chromium may work on one page with none of its requests in flight (a script that never ends) before the page fails; waiting for the forum does not count." default:"60s" name:"render-timeout"`

	Login          string   `help:"Log in to the forum as this member (email address) before fetching, as a browser would. The password is asked on the terminal (best), or read from --password-fd or --password-file, or from $PB_PASSWORD, which other processes of yours (and root) can read in /proc/PID/environ for the whole run, even after pb-fetch unsets it." placeholder:"EMAIL"`
	PasswordFD     *int     `help:"Read the --login password from this inherited file descriptor (first line), e.g. --password-fd 3 3< <(pass show forum)." name:"password-fd" placeholder:"N"`
	PasswordFile   string   `help:"Read the --login password from the first line of this file (keep it mode 0600)." name:"password-file" placeholder:"FILE"`
	Site           string   `help:"The forum's URL, where --login logs in (default: the site of the first url record)." env:"PB_SITE" placeholder:"URL"`
	SaveCookies    string   `help:"Write the session's cookies to this Netscape cookies.txt file (mode 0600) after logging in and at exit, for --cookies next time." name:"save-cookies" placeholder:"FILE"`
	BoardPassword  []string `help:"Password of a password-protected board, ID=PASSWORD (repeatable; --board-passwords keeps it out of ps)." name:"board-password" placeholder:"ID=PASS" sep:"none"`
	BoardPasswords string   `help:"File of ID=PASSWORD lines, one per password-protected board." name:"board-passwords" type:"existingfile" placeholder:"FILE"`

	// TempDir is where Chromium's throw-away profile goes ("" = $TMPDIR); tests set it.
	TempDir string `kong:"-"`
}

// Validate refuses out-of-range flags of pb-fetch's own (kong calls it;
// Flags.Validate checks the network flags).
func (o *Options) Validate() error {
	var c cli.Checks
	c.Size("--max-body", o.MaxBody, 1, record.MaxBody)
	c.Between("--tabs", o.Tabs, 1, 64)
	c.Positive("--modal-timeout", o.ModalTimeout)
	c.Positive("--render-timeout", o.RenderTimeout)
	return c.Err()
}

// Run is pb-fetch: it reads url records, fetches them concurrently through
// the fetch stack and writes one page record per url record, in completion
// order. Other records pass through untouched.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	if o.Tabs < 1 {
		return cli.ExitUsage, errors.New("--tabs must be at least 1")
	}
	errw := &cli.SyncWriter{W: stderr}
	logf := func(format string, args ...any) { fmt.Fprintf(errw, "pb-fetch: "+format+"\n", args...) }
	passwords, err := ParseBoardPasswords(o.BoardPassword, o.BoardPasswords)
	if err != nil {
		return cli.ExitUsage, err
	}
	login := &loginOnce{email: o.Login, site: o.Site, saveTo: o.SaveCookies, log: logf, done: o.Login == ""}
	if o.Login != "" || o.PasswordFD != nil || o.PasswordFile != "" {
		fd := -1
		if o.PasswordFD != nil {
			fd = *o.PasswordFD
		}
		if login.password, err = LoginPassword(o.Login, fd, o.PasswordFile); err != nil {
			return cli.ExitUsage, err
		}
		// A forum's page may quote the password: no message shows it.
		errw.W = RedactWriter(stderr, login.password)
	}
	stack, err := New(Config{
		Flags: o.Flags, Tool: "pb-fetch", MaxBody: int64(o.MaxBody),
		Render: o.Render, Chromium: o.Chromium, Tabs: o.Tabs, ModalTimeout: o.ModalTimeout,
		RenderTimeout: o.RenderTimeout, TempDir: o.TempDir, BoardPasswords: passwords, Log: logf,
	})
	if err != nil {
		return cli.ExitUsage, err
	}
	defer stack.Close()
	if stack.Browser != nil {
		// A browser that cannot start is a setup error: say so before
		// reading anything, rather than fail every page it should render.
		if err := stack.Browser.Start(); err != nil {
			return cli.ExitUsage, err
		}
	}
	login.stack = stack
	if o.Site != "" {
		if err := login.at(ctx, o.Site); err != nil {
			return cli.ExitUsage, err
		}
	}
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
	if !o.Quiet && (o.Progress || cli.IsTerminal(stderr)) {
		every := 10 * time.Second
		if cli.IsTerminal(stderr) {
			every = time.Second
		}
		stop := ShowProgress(ctx, errw, "pb-fetch", "page", stats, every)
		defer stop()
	}

	w := record.NewWriter(stdout)
	var writeErr atomic.Pointer[error]
	var browserErr atomic.Pointer[error] // the browser broke: stop, charge no page
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
				var be *BrowserError
				if errors.As(err, &be) {
					if browserErr.CompareAndSwap(nil, &err) {
						cancel()
					}
					continue // not the page's fault: no record, it stays pending
				}
				page, wall, detail := pageRecord(j.req, resp, err)
				if o.MaxBody > 0 && len(page.Body) > int(o.MaxBody) {
					// Decoding to UTF-8, or rendering, can grow a page past
					// the limit that pb-parse reads: one limit for both.
					page.Error = fmt.Sprintf("%v: %d bytes as UTF-8, over --max-body %v", ErrTooLarge, len(page.Body), o.MaxBody)
					page.Body = ""
				}
				failed := page.Error != ""
				if wall != "" && stats.wall(wall, detail) {
					what := page.Error
					if what == "" {
						what = "board " + detail + " asks for a password"
					}
					logf("%s: %s. %s (said once per run; the summary counts them all)", j.req.URL, what, capitalize(advice(wall, detail, false)))
				}
				stats.Finished(failed, page.Rendered)
				out, merr := record.Merge(j.line.Raw, page)
				if merr != nil { // cannot happen: the line was read as a JSON object
					out, _ = record.Merge([]byte(`{}`), page)
				}
				emit(func() error { return w.WriteRaw(out) })
			}
		}()
	}

	bad, queued, dropped := 0, 0, 0
	var loginErr error
	readErr := cli.EachLine(ctx, stdin, func(le *record.LineError) { logf("%v", le); bad++ }, func(l record.Line) bool {
		if l.Type != record.TypeURL {
			emit(func() error { return w.WriteRaw(l.Raw) })
			return true
		}
		req, err := urlRequest(l)
		if err != nil {
			logf("%v", err)
			bad++
			return true
		}
		stack.Hosts.Add(req.URL)
		if err := login.at(ctx, req.URL); err != nil {
			loginErr = err
			return false
		}
		select {
		case jobs <- job{line: l, req: req}:
			queued++
			return true
		case <-ctx.Done():
			dropped++
			return false
		}
	})
	close(jobs)
	wg.Wait()
	stopped := ctx.Err() != nil // interrupted, or stdout closed
	cancel()
	if loginErr != nil {
		return cli.ExitUsage, loginErr
	}
	if p := browserErr.Load(); p != nil {
		return cli.ExitUsage, *p
	}
	if !login.done && readErr == nil && !stopped {
		return cli.ExitUsage, errors.New("--login: no forum to log in to; give --site URL (or url records on stdin)")
	}
	saveFailed := false
	if o.SaveCookies != "" {
		if err := cookies.Save(o.SaveCookies, stack.Jar); err != nil {
			logf("%v", err)
			saveFailed = true
		}
	}

	if !o.Quiet {
		for _, l := range strings.Split(stats.Summary("page"), "\n") {
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
		left := int64(queued+dropped) - done
		were := "were"
		if left == 1 {
			were = "was"
		}
		return cli.ExitPartial, fmt.Errorf("interrupted: %d of the url records read %s not fetched; run again to fetch them", left, were)
	}
	if bad > 0 || stats.Failed() > 0 || saveFailed {
		if bad > 0 {
			logf("%s skipped", cli.Count(bad, "bad input line"))
		}
		return cli.ExitPartial, nil
	}
	return cli.ExitOK, nil
}

// loginOnce logs in once per run (--login), at the forum of --site or else
// at the site of the first url record, before anything is fetched, and
// saves the session at once when asked to (--save-cookies).
type loginOnce struct {
	stack           *Stack
	email, password string
	site            string // --site, or ""
	saveTo          string
	log             Logf
	done            bool // logged in, or no login asked for
}

// at logs in, unless that is done, at the forum of rawURL (or --site).
func (l *loginOnce) at(ctx context.Context, rawURL string) error {
	if l.done {
		return nil
	}
	l.done = true
	if l.site != "" {
		rawURL = l.site
	}
	u, err := forumurl.Site(rawURL)
	if err != nil {
		return err
	}
	site := u.String()
	l.stack.Hosts.Add(site)
	if err := l.stack.Login(ctx, site, l.email, l.password); err != nil {
		return err
	}
	l.log("logged in to %s as %s", site, l.email)
	if l.saveTo != "" {
		return cookies.Save(l.saveTo, l.stack.Jar)
	}
	return nil
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

// pageRecord turns a fetch result into the fields of a page record, and
// names the wall the page met, if any (see pageWall).
func pageRecord(req *Request, resp *Response, err error) (record.Page, Wall, string) {
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
	addWire(&p, resp)
	wall, pageErr, detail := pageWall(req, resp, err)
	p.Error = pageErr
	return p, wall, detail
}

// capitalize upper-cases the first letter of a sentence.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
