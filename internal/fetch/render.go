package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/go-rod/rod/lib/utils"

	"github.com/pb-archive/pb/internal/cookies"
)

// RenderConfig configures the headless browser.
type RenderConfig struct {
	// Chromium is the browser binary; it is never downloaded.
	Chromium string
	// Tabs bounds how many pages render at once.
	Tabs int
	// ModalTimeout bounds the wait for one modal to appear after its click.
	ModalTimeout time.Duration
	// PageTimeout bounds the time the browser works on one page while none
	// of its requests is in flight: a page whose scripts never let it load
	// (an endless loop) fails after it. Waiting for the forum's answers
	// (the politeness schedule, retries) has its own limits and does not
	// count.
	PageTimeout time.Duration
	// StartTimeout bounds Chromium's start, and the opening of a tab.
	StartTimeout time.Duration
	UserAgent    string
	// Cookies are set in the browser too (its requests go through the
	// HTTP stack, which has them, but page scripts may read document.cookie).
	Cookies []cookies.Cookie
	// Hosts are the forum's hosts: a rendered page may load scripts and
	// make requests on their sites only; everything else is blocked.
	Hosts *Hosts
	// TempDir is where the browser's throw-away profile is made, in a
	// pb-chromium-UID folder ("" = $TMPDIR).
	TempDir string
	Log     Logf
}

// FindChromium returns path if set, else the system browser found by
// rod's launcher.LookPath, or an error saying how to get one.
func FindChromium(path string) (string, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("--chromium %s: %w", path, err)
		}
		return path, nil
	}
	if p, ok := launcher.LookPath(); ok {
		return p, nil
	}
	return "", errors.New("--render needs Chromium: install it (apt-get install chromium) or pass --chromium PATH")
}

// BrowserError is a failure of the browser itself (it cannot start, or it
// stopped working), not of the page being rendered: the run must stop
// rather than charge every page an attempt.
type BrowserError struct{ Err error }

func (e *BrowserError) Error() string { return e.Err.Error() }
func (e *BrowserError) Unwrap() error { return e.Err }

// Browser is one headless Chromium, started by Start or on first use and
// shared by every render. Close kills it and removes its profile.
type Browser struct {
	cfg  RenderConfig
	tabs chan struct{}

	mu      sync.Mutex
	started bool
	err     error
	proc    *chromiumProcess
	b       *rod.Browser
	profile *browserProfile
	closed  bool
}

// NewBrowser returns a Browser that starts on first use.
func NewBrowser(cfg RenderConfig) *Browser {
	if cfg.Tabs < 1 {
		cfg.Tabs = 1
	}
	if cfg.ModalTimeout <= 0 {
		cfg.ModalTimeout = time.Minute
	}
	if cfg.PageTimeout <= 0 {
		cfg.PageTimeout = time.Minute
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	return &Browser{cfg: cfg, tabs: make(chan struct{}, cfg.Tabs)}
}

// launcherFlags are Chromium's flags, kept by go-rod's launcher: headless,
// sandboxed unless root, the profile's data dir, no background traffic,
// no crash reports.
func (b *Browser) launcherFlags(p *browserProfile) *launcher.Launcher {
	l := launcher.New().Bin(b.cfg.Chromium).UserDataDir(p.data).Leakless(false).Headless(true).
		Set("disable-gpu").Set("disable-background-networking").Set("disable-component-update").
		Set("disable-sync").Set("no-first-run").Set("mute-audio").
		Set("disable-breakpad").Set("disable-crash-reporter")
	if os.Geteuid() == 0 {
		l = l.NoSandbox(true) // Chromium refuses to run sandboxed as root
	}
	return l
}

// Start launches Chromium unless it is running: a failure is a setup
// error (a *BrowserError saying what failed and what to do). It is safe
// to call more than once; only the first call tries.
func (b *Browser) Start() error {
	_, err := b.start()
	return err
}

// start launches Chromium once, in a fresh profile of pb's own (see
// newProfile), with the kernel set to kill it if we die.
func (b *Browser) start() (*rod.Browser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, &BrowserError{errors.New("browser closed")}
	}
	if b.started {
		return b.b, b.err
	}
	b.started = true
	err := func() error {
		p, err := newProfile(b.cfg.TempDir, b.cfg.Log)
		if err != nil {
			return err
		}
		b.profile = p
		proc, u, err := launchChromium(b.cfg.Chromium, b.launcherFlags(p), p, b.cfg.StartTimeout)
		if err != nil {
			if hint := socketHint(os.TempDir()); hint != "" {
				return fmt.Errorf("%s: %w", hint, err)
			}
			return err
		}
		b.proc = proc
		br := rod.New().ControlURL(u)
		if err := br.Connect(); err != nil {
			return fmt.Errorf("connecting to it: %w", err)
		}
		b.b = br
		if cs := browserCookies(b.cfg.Cookies); len(cs) > 0 {
			if err := br.SetCookies(cs); err != nil {
				return fmt.Errorf("setting cookies in it: %w", err)
			}
		}
		return nil
	}()
	if err != nil {
		b.err = &BrowserError{fmt.Errorf("--render: Chromium (%s) could not be started: %w\n"+
			"Check that it runs (%s --headless --version), or pass another with --chromium PATH, or leave out --render",
			b.cfg.Chromium, err, b.cfg.Chromium)}
	}
	return b.b, b.err
}

// socketHint explains a temp dir too long for Chromium's singleton socket
// ($TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket must fit the 108
// bytes of a socket address).
func socketHint(tmp string) string {
	if n := len(filepath.Join(tmp, "org.chromium.Chromium.XXXXXX", "SingletonSocket")); n >= 108 {
		return fmt.Sprintf("the temp dir %s is too long for Chromium's socket (%d bytes of at most 107): set TMPDIR to a shorter folder", tmp, n)
	}
	return ""
}

// Close ends the browser and everything it started and removes its
// profile. It is safe to call more than once, and when it never started.
func (b *Browser) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	if b.b != nil {
		_ = b.b.Close()
	}
	if b.proc != nil {
		// Browser.close ends Chromium and its helpers; kill the process
		// group only if it does not go.
		select {
		case <-b.proc.exited:
		case <-time.After(3 * time.Second):
			if !b.proc.kill() {
				b.cfg.Log("Chromium (pid %d) did not exit", b.proc.pid)
			}
		}
		// Helpers that outlive the browser process would go on writing
		// to the profile.
		killProcessGroup(b.proc.pid)
	}
	if b.profile != nil {
		return b.profile.remove()
	}
	return nil
}

func browserCookies(cs []cookies.Cookie) []*proto.NetworkCookieParam {
	var out []*proto.NetworkCookieParam
	for _, c := range cs {
		p := &proto.NetworkCookieParam{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly}
		if c.Subdomains {
			p.Domain = "." + c.Domain
		} else {
			scheme := "http"
			if c.Secure {
				scheme = "https"
			}
			p.URL = scheme + "://" + c.Domain + c.Path
		}
		if !c.Expires.IsZero() {
			p.Expires = proto.TimeSinceEpoch(c.Expires.Unix())
		}
		out = append(out, p)
	}
	return out
}

// Render loads requests flagged Render in the browser, opens every
// JavaScript modal on the page and returns the resulting DOM; other
// requests, and all requests when b is nil, go to plain (render ones are
// then returned with Rendered false).
//
// The browser never touches the network itself: every request it makes is
// intercepted and made through plain, so it gets the same politeness
// schedule, retries, robots rules, cookies and User-Agent as everything
// else. Images, fonts, stylesheets and media are not loaded (the DOM is all
// we keep), nor anything off the forum's sites.
func Render(plain Fetcher, b *Browser) Fetcher {
	if b == nil {
		return plain
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		if !req.Render {
			return plain.Fetch(ctx, req)
		}
		select {
		case b.tabs <- struct{}{}:
		case <-ctx.Done():
			return &Response{URL: req.URL, FinalURL: req.URL}, ctx.Err()
		}
		defer func() { <-b.tabs }()
		return b.render(ctx, plain, req)
	})
}

// jsSetup marks every element that opens a modal with data-pb-click=N and
// returns [{kind, id, noVotes}] in that order. It also starts recording the elements
// added to (or shown in) the document, and stops clicks on marked links
// from navigating away (their own handlers still run).
const jsSetup = `() => {
  const w = window;
  if (!w.__pb) {
    w.__pb = {added: []};
    new MutationObserver(ms => {
      for (const m of ms) {
        if (m.type === 'childList') {
          m.addedNodes.forEach(n => { if (n.nodeType === 1) w.__pb.added.push(n); });
        } else if (m.target.nodeType === 1) {
          w.__pb.added.push(m.target);
        }
      }
    }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
      attributeFilter: ['style', 'class', 'hidden', 'open', 'aria-hidden']});
    w.addEventListener('click', e => {
      if (e.target.closest && e.target.closest('[data-pb-click]')) e.preventDefault();
    }, true);
  }
  // The data-for id: for likes the post row's id (post-123); else the
  // nearest ancestor id within the poll for voters; else the element's
  // own id (moderators-link); else the kind's name ("poll" for voters).
  const forID = (el, kind) => {
    if (kind === 'likes') {
      const post = el.closest('[id^="post-"]');
      if (post) return post.id;
    }
    const scope = kind === 'likes' ? el.closest('tr, .post') : kind === 'voters' ? el.closest('.poll') : null;
    if (scope) {
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (p.id) return p.id;
        if (p === scope) break;
      }
    }
    if (el.id) return el.id;
    return kind === 'voters' ? 'poll' : kind;
  };
  // A poll whose vote counts all say 0 has no voters to list.
  const noVotes = el => {
    const poll = el.closest('.poll');
    if (!poll) return false;
    const counts = Array.from(poll.querySelectorAll('.votes'), v => v.textContent.replace(/[\s,.]/g, ''));
    return counts.length > 0 && counts.every(c => /^0+$/.test(c));
  };
  const found = [];
  const mark = (el, kind) => {
    if (el.hasAttribute('data-pb-click') || el.closest('.pb-modal')) return;
    el.setAttribute('data-pb-click', String(found.length));
    found.push({kind: kind, id: forID(el, kind), noVotes: kind === 'voters' && noVotes(el)});
  };
  document.querySelectorAll('a#moderators-link').forEach(el => mark(el, 'moderators'));
  document.querySelectorAll('a').forEach(el => {
    if (el.matches('a.view-voters, .poll a.voters, .poll a.view-votes-link') ||
        /^\s*view\s+voters\s*$/i.test(el.textContent)) mark(el, 'voters');
  });
  document.querySelectorAll('a.view-likes').forEach(el => mark(el, 'likes'));
  return found;
}`

// jsClick clicks the N-th marked element after forgetting what was added so far.
const jsClick = `(i) => {
  const el = document.querySelector('[data-pb-click="' + i + '"]');
  if (!el) return false;
  window.__pb.added = [];
  el.click();
  return true;
}`

// jsFind looks for the modal opened by click N and marks it
// data-pb-found=N: the outermost visible element added (or shown) since
// the click, preferring known dialog containers; never the clicked
// element, anything around it, scripts, or earlier copies. It returns
// "found"; or "empty" when the only candidate is a known dialog container
// with nothing in it (a voters list without voters); or "none".
const jsFind = `(i) => {
  const known = '#poll-voters, .ui-dialog, [role="dialog"], [aria-modal="true"], .modal, dialog';
  const clicked = document.querySelector('[data-pb-click="' + i + '"]');
  const skip = n => !n.isConnected || !document.body.contains(n) || n.closest('.pb-modal') ||
    /^(SCRIPT|STYLE|LINK|META|TEMPLATE|IFRAME|NOSCRIPT)$/.test(n.tagName) ||
    (clicked && (clicked.contains(n) || n.contains(clicked)));
  const visible = el => el.getClientRects().length > 0 || (el.tagName === 'DIALOG' && el.open);
  let best = null, empty = null;
  for (const n of window.__pb.added) {
    if (skip(n)) continue;
    let top = n.closest(known);
    if (!top) {
      if (!n.matches || n.matches('[data-pb-click]')) continue;
      // An attribute change on an ordinary element is not a modal opening.
      top = n;
    }
    if (skip(top) || !visible(top)) continue;
    const k = top.matches(known);
    if (top.textContent.trim() === '' && !top.querySelector('a, img')) {
      if (k && (!empty || top.contains(empty))) empty = top;
      continue;
    }
    if (!best || (k && !best.matches(known)) || (k === best.matches(known) && top !== best && top.contains(best))) best = top;
  }
  document.querySelectorAll('[data-pb-found]').forEach(e => e.removeAttribute('data-pb-found'));
  const el = best || empty;
  if (!el) return 'none';
  el.setAttribute('data-pb-found', String(i));
  return best ? 'found' : 'empty';
}`

// jsCopy appends <div class="pb-modal" data-for="ID">copy of the modal</div> to body.
const jsCopy = `(i, id) => {
  const el = document.querySelector('[data-pb-found="' + i + '"]');
  if (!el) return false;
  el.removeAttribute('data-pb-found');
  const wrap = document.createElement('div');
  wrap.className = 'pb-modal';
  wrap.setAttribute('data-for', id);
  wrap.appendChild(el.cloneNode(true));
  document.body.appendChild(wrap);
  return true;
}`

// jsSerialize removes our marks and returns the document as HTML.
const jsSerialize = `() => {
  document.querySelectorAll('[data-pb-click]').forEach(e => e.removeAttribute('data-pb-click'));
  const dt = document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\n' : '';
  return dt + document.documentElement.outerHTML;
}`

// docResult is the main document's response, as fetched through plain.
type docResult struct {
	once sync.Once
	resp *Response
	err  error
	done chan struct{}
}

func (b *Browser) render(ctx context.Context, plain Fetcher, req *Request) (*Response, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	doc := &docResult{done: make(chan struct{})}
	fail := func(err error) (*Response, error) {
		if ctx.Err() != nil {
			err = context.Cause(ctx) // the watchdog's reason, or the run's
		}
		r := &Response{URL: req.URL, FinalURL: req.URL}
		select {
		case <-doc.done: // the page came, the rendering failed: say how the page came
			r = &Response{URL: req.URL, FinalURL: doc.resp.FinalURL, Status: doc.resp.Status,
				Header: doc.resp.Header, Attempts: doc.resp.Attempts, FetchedAt: doc.resp.FetchedAt}
		default:
		}
		return r, fmt.Errorf("render: %w", err)
	}
	br, err := b.start()
	if err != nil {
		return &Response{URL: req.URL, FinalURL: req.URL}, err
	}
	// Opening a tab is the browser's own work, bounded like its start (a
	// timer rather than a deadline: the tab lives in this context).
	errNoTab := fmt.Errorf("it did not open a tab within %v", b.cfg.StartTimeout)
	tabTimer := time.AfterFunc(b.cfg.StartTimeout, func() { stop(errNoTab) })
	page, err := br.Context(ctx).Page(proto.TargetCreateTarget{})
	tabTimer.Stop()
	if err != nil {
		if ctx.Err() == nil || context.Cause(ctx) == errNoTab {
			// A browser that cannot open a tab is broken, not the page.
			if ctx.Err() != nil {
				err = errNoTab
			}
			return &Response{URL: req.URL, FinalURL: req.URL}, &BrowserError{fmt.Errorf("--render: Chromium cannot open a tab (did it crash?): %w", err)}
		}
		return fail(err)
	}
	defer b.closePage(br, page)
	page = page.Context(ctx).Sleeper(func() utils.Sleeper {
		return utils.BackoffSleeper(20*time.Millisecond, 250*time.Millisecond, nil)
	})
	// Dialogs (alert, confirm, prompt, beforeunload) would stop the page's
	// scripts until someone answers: answer at once, as a user in a hurry.
	go page.EachEvent(func(e *proto.PageJavascriptDialogOpening) {
		accept := e.Type == proto.PageDialogTypeAlert || e.Type == proto.PageDialogTypeBeforeunload
		_ = proto.PageHandleJavaScriptDialog{Accept: accept}.Call(page)
	})()
	if b.cfg.UserAgent != "" {
		_ = page.SetUserAgent(&proto.NetworkSetUserAgentOverride{UserAgent: b.cfg.UserAgent})
	}

	requests := newInflight()
	go requests.watch(ctx, b.cfg.PageTimeout, func() {
		stop(fmt.Errorf("the page did not settle: the browser worked on it for %v with no request in flight (a script that never ends?); --render-timeout sets this limit", b.cfg.PageTimeout))
	})
	var docSeen atomic.Bool
	router := page.HijackRequests()
	if err := router.Add("*", "", func(h *rod.Hijack) {
		b.serve(ctx, plain, req, h, doc, &docSeen, requests)
	}); err != nil {
		return fail(err)
	}
	go router.Run()
	defer func() { _ = router.Stop() }()

	if err := page.Navigate(req.URL); err != nil {
		select {
		case <-doc.done:
			if doc.err != nil {
				return doc.resp, doc.err // the fetch failed: report it as such
			}
		default:
		}
		return fail(err)
	}
	select {
	case <-doc.done:
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	if ct := doc.resp.ContentType(); doc.err != nil || !doc.resp.OK() || ct != "" && !strings.Contains(ct, "html") {
		return doc.resp, doc.err // nothing to render: retries were done below
	}
	if err := page.WaitLoad(); err != nil {
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		return fail(fmt.Errorf("waiting for the page to load: %w", err))
	}
	res, err := page.Eval(jsSetup)
	if err != nil {
		return fail(err)
	}
	for i, m := range res.Value.Arr() {
		mo := modal{i: i, kind: m.Get("kind").Str(), id: m.Get("id").Str(), noVotes: m.Get("noVotes").Bool()}
		if err := b.openModal(ctx, page, mo, requests); err != nil {
			return fail(err)
		}
	}
	out, err := page.Eval(jsSerialize)
	if err != nil {
		return fail(err)
	}
	resp := *doc.resp
	resp.Body = []byte(out.Value.Str())
	resp.Rendered = true
	resp.FetchedAt = time.Now()
	return &resp, nil
}

// closePage closes a tab from the browser's side, which works even when
// the page's scripts never return (Page.close would wait for them), and
// waits a bounded time for it.
func (b *Browser) closePage(br *rod.Browser, page *rod.Page) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := (proto.TargetCloseTarget{TargetID: page.TargetID}).Call(br.Context(ctx)); err != nil {
		b.cfg.Log("closing a Chromium tab: %v", err)
	}
}

// modal is one element that opens a modal, as jsSetup found it.
type modal struct {
	i        int
	kind, id string
	// noVotes: a poll whose counts all say 0 (its voters list is empty,
	// whether or not a modal says so).
	noVotes bool
}

// emptySettle is how long a modal that opened empty (a voters list of a
// poll without votes), or a poll without votes whose link opened nothing,
// must stay so, with no request in flight, to be taken as the answer.
func (b *Browser) emptySettle() time.Duration {
	return min(b.cfg.ModalTimeout, 2*time.Second)
}

// openModal clicks marked element m.i, waits for its modal and for the
// requests the page made to finish, and copies it. The wait ends with an
// error after ModalTimeout without the modal and without a request in
// flight (a request may sit out a long pause or a Retry-After of the
// forum's; PageTimeout bounds that). A modal that opens empty is an
// answer (no voters) once it has stayed empty for emptySettle; so is no
// modal at all for a poll without votes.
func (b *Browser) openModal(ctx context.Context, page *rod.Page, m modal, requests *inflight) error {
	res, err := page.Eval(jsClick, m.i)
	if err != nil {
		return err
	}
	if !res.Value.Bool() {
		return fmt.Errorf("the %s link vanished before it could be clicked", m.kind)
	}
	// find polls for the modal until it is "found"; "empty" (only an
	// empty dialog came) or "none" for a poll without votes are the
	// answer once they have been so for emptySettle while no request was
	// in flight.
	find := func() (string, error) {
		settle := b.emptySettle()
		var quietSince time.Time // since when the answer may be "empty" or "none"
		start := time.Now()      // of the ModalTimeout wait
		sleep := utils.BackoffSleeper(20*time.Millisecond, 250*time.Millisecond, nil)
		for {
			res, err := page.Eval(jsFind, m.i)
			if err != nil {
				return "", err
			}
			state := res.Value.Str()
			if state == "found" {
				return state, nil
			}
			now := time.Now()
			busy := requests.busy()
			switch {
			case busy:
				quietSince, start = time.Time{}, now
			case state == "empty" || m.noVotes:
				if quietSince.IsZero() {
					quietSince = now
				} else if now.Sub(quietSince) >= settle {
					return state, nil
				}
			}
			if !busy && now.Sub(start) >= b.cfg.ModalTimeout {
				return "", fmt.Errorf("the %s modal (%s) did not appear within %v", m.kind, m.id, b.cfg.ModalTimeout)
			}
			if err := sleep(ctx); err != nil {
				return "", err
			}
		}
	}
	state, err := find()
	if err != nil {
		return err
	}
	if state == "found" {
		// Let whatever the page still asked for arrive, then look again:
		// the answer may have filled the modal in.
		select {
		case <-requests.idle():
		case <-ctx.Done():
			return ctx.Err()
		}
		if state, err = find(); err != nil {
			return err
		}
	}
	if state == "none" {
		return nil // a poll without votes whose link opened nothing
	}
	res, err = page.Eval(jsCopy, m.i, m.id)
	if err != nil {
		return err
	}
	if !res.Value.Bool() {
		return fmt.Errorf("the %s modal (%s) vanished before it could be copied", m.kind, m.id)
	}
	return nil
}

// blockedTypes are resources a DOM does not need.
var blockedTypes = map[proto.NetworkResourceType]bool{
	proto.NetworkResourceTypeImage: true, proto.NetworkResourceTypeMedia: true,
	proto.NetworkResourceTypeFont: true, proto.NetworkResourceTypeStylesheet: true,
	proto.NetworkResourceTypeTextTrack: true, proto.NetworkResourceTypeManifest: true,
	proto.NetworkResourceTypePing: true, proto.NetworkResourceTypeCSPViolationReport: true,
	proto.NetworkResourceTypeEventSource: true, proto.NetworkResourceTypeWebSocket: true,
}

// forwardHeaders are the browser's request headers worth passing on
// (cookies and User-Agent come from the HTTP stack).
var forwardHeaders = []string{"Accept", "Content-Type", "X-Requested-With", "Referer"}

// serve answers one intercepted browser request through plain.
func (b *Browser) serve(ctx context.Context, plain Fetcher, req *Request, h *rod.Hijack, doc *docResult, docSeen *atomic.Bool, requests *inflight) {
	typ := h.Request.Type()
	u := h.Request.URL()
	isDoc := typ == proto.NetworkResourceTypeDocument && docSeen.CompareAndSwap(false, true)
	if !isDoc {
		if typ == proto.NetworkResourceTypeDocument || blockedTypes[typ] ||
			(u.Scheme != "http" && u.Scheme != "https") || !b.cfg.Hosts.SameSite(u.Host) {
			h.Response.Fail(proto.NetworkErrorReasonBlockedByClient)
			return
		}
	}
	requests.add()
	defer requests.done()
	r := &Request{URL: u.String(), Method: h.Request.Method()}
	if isDoc {
		r = &Request{URL: req.URL}
	} else {
		r.Header = http.Header{}
		for _, k := range forwardHeaders {
			if v := h.Request.Header(k); v != "" {
				r.Header.Set(k, v)
			}
		}
		if body := h.Request.Body(); body != "" {
			r.Body = []byte(body)
		}
	}
	resp, err := plain.Fetch(ctx, r)
	if isDoc {
		doc.once.Do(func() {
			doc.resp, doc.err = resp, err
			if doc.resp == nil {
				doc.resp = &Response{URL: req.URL, FinalURL: req.URL}
			}
			close(doc.done)
		})
	}
	if err != nil || resp == nil {
		h.Response.Fail(proto.NetworkErrorReasonConnectionFailed)
		return
	}
	h.Response.Payload().ResponseCode = resp.Status
	for k, vs := range resp.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection", "Set-Cookie":
			continue
		}
		for _, v := range vs {
			h.Response.SetHeader(k, v)
		}
	}
	h.Response.SetBody(resp.Body)
}

// inflight counts the page's requests still being fetched.
type inflight struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed while n == 0
	last time.Time     // when n last changed
}

func newInflight() *inflight {
	z := make(chan struct{})
	close(z)
	return &inflight{zero: z, last: time.Now()}
}

func (f *inflight) add() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		f.zero = make(chan struct{})
	}
	f.n++
	f.last = time.Now()
}

func (f *inflight) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 {
		close(f.zero)
	}
	f.last = time.Now()
}

// busy reports whether a request is in flight.
func (f *inflight) busy() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n > 0
}

// idle returns a channel closed once no request is in flight.
func (f *inflight) idle() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.zero
}

// quietFor is how long no request has been in flight (0 while one is).
func (f *inflight) quietFor() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n > 0 {
		return 0
	}
	return time.Since(f.last)
}

// watch calls stalled, and returns, once no request has been in flight
// for limit; it returns when ctx ends.
func (f *inflight) watch(ctx context.Context, limit time.Duration, stalled func()) {
	tick := time.NewTicker(min(max(limit/20, 10*time.Millisecond), time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if f.quietFor() >= limit {
				stalled()
				return
			}
		}
	}
}
