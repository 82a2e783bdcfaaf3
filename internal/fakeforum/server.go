package fakeforum

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Forum is a generated ProBoards forum; it is an http.Handler.
type Forum struct {
	cfg   Config
	w     *world
	gen   atomic.Int32
	dice  *faultDice
	key   []byte // signs PoW challenges, login tokens and the session cookie
	logMu sync.Mutex
	pow   *powState
	skew  atomic.Int64 // added to the clock of PoW challenges; tests move time with it
}

// New builds the forum's structure (pages are generated on demand).
func New(cfg Config) (*Forum, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Account.UserID < 1 || cfg.Account.UserID > int64(sizes[cfg.Size].users) {
		return nil, fmt.Errorf("account user id %d is not a member of the %s forum (1..%d)",
			cfg.Account.UserID, cfg.Size, sizes[cfg.Size].users)
	}
	f := &Forum{cfg: cfg, w: buildWorld(cfg)}
	sum := sha256.Sum256([]byte("fakeforum secret " + strconv.FormatInt(cfg.Seed, 10)))
	f.key = sum[:]
	f.dice = newFaultDice(cfg.Seed, cfg.Faults)
	f.pow = newPowState(cfg.Seed)
	f.gen.Store(int32(cfg.Generation))
	return f, nil
}

// SetGeneration switches the content served (and written by WriteTruth) to
// generation g (0 or 1) at once, as if the forum had moved on.
func (f *Forum) SetGeneration(g int) {
	if g < 0 {
		g = 0
	}
	if g > 1 {
		g = 1
	}
	f.gen.Store(int32(g))
}

// Generation returns the generation being served.
func (f *Forum) Generation() int { return int(f.gen.Load()) }

// AccessEntry is one line of the access log.
type AccessEntry struct {
	TimeNS int64  `json:"time_ns"` // when the request started, ns since the epoch
	Method string `json:"method"`
	Host   string `json:"host"`
	Path   string `json:"path"`   // path and query, e.g. "/board/2/x?page=2"
	Status int    `json:"status"` // 0 when the connection was reset without a response
	Fault  string `json:"fault,omitempty"`
}

// ServeHTTP serves the forum, its images and its faults.
func (f *Forum) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	fault := ""
	defer func() { f.logAccess(start, r, rec.status, fault) }()

	path := r.URL.Path
	if path == "/robots.txt" {
		serveBytes(rec, r, http.StatusOK, "text/plain; charset=utf-8", []byte(robotsTxt))
		return
	}
	roll := f.dice.roll(path)
	switch roll.exclusive {
	case Fault429, Fault503:
		fault = roll.exclusive
		code := http.StatusTooManyRequests
		if fault == Fault503 {
			code = http.StatusServiceUnavailable
		}
		rec.Header().Set("Retry-After", "1")
		serveBytes(rec, r, code, "text/html; charset=utf-8",
			[]byte(fmt.Sprintf("<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body><h1>%s</h1><p>Please try again in a moment.</p></body></html>\n",
				code, http.StatusText(code), http.StatusText(code))))
		return
	case FaultReset:
		fault = FaultReset
		rec.status = 0
		resetConnection(w)
		return
	case FaultSlow:
		fault = FaultSlow
		t := time.NewTimer(f.cfg.SlowDelay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	case FaultTruncate:
		fault = FaultTruncate
		buf := &bufferWriter{header: http.Header{}}
		f.serveGated(buf, r, roll, &fault)
		rec.status = buf.status
		truncateResponse(w, r, buf)
		return
	}
	f.serveGated(rec, r, roll, &fault)
}

// serveGated applies the PoW and login gates, then routes.
func (f *Forum) serveGated(w http.ResponseWriter, r *http.Request, roll faultRoll, fault *string) {
	if roll.pow && isHTMLPage(r.URL.Path) && !f.powSolved(r) {
		if *fault == "" {
			*fault = FaultPoW
		}
		f.serveChallenge(w, r)
		return
	}
	if roll.login && isMemberPage(r.URL.Path) && !f.loggedIn(r) {
		if *fault == "" {
			*fault = FaultLogin
		}
		w.Header().Set("Location", "/login?forum="+itoa(f.w.forumID))
		serveBytes(w, r, http.StatusFound, "text/html; charset=utf-8",
			[]byte(`<!DOCTYPE html><html><body><a href="/login">Please log in</a></body></html>`+"\n"))
		return
	}
	f.route(w, r)
}

// isHTMLPage reports whether the PoW gate guards path: forum pages, not
// images, the stylesheet, the AJAX endpoints or the login flow.
func isHTMLPage(path string) bool {
	switch {
	case path == "/", path == "/members", strings.HasPrefix(path, "/board/"), strings.HasPrefix(path, "/thread/"),
		strings.HasPrefix(path, "/user/"), strings.HasPrefix(path, "/post/"):
		return true
	}
	return false
}

// isMemberPage reports whether the login gate guards path.
func isMemberPage(path string) bool {
	return path == "/members" || strings.HasPrefix(path, "/user/")
}

var (
	boardRoute  = regexp.MustCompile(`^/board/(\d+)(?:/[^/]*)?/?$`)
	threadRoute = regexp.MustCompile(`^/thread/(\d+)(?:/[^/]*)?/?$`)
	userRoute   = regexp.MustCompile(`^/user/(\d+)/?$`)
	postRoute   = regexp.MustCompile(`^/post/(\d+)(?:/thread)?/?$`)
)

// route serves one request's content.
func (f *Forum) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	v := &view{w: f.w, gen: f.Generation(), h: requestHosts(r), viewer: f.viewer(r), unlocked: f.unlockedBoards(r)}
	switch {
	case path == "/login" || path == "/forum_submit/login" || path == "/login/complete" || path == "/logout":
		f.serveLogin(w, r, v)
		return
	case strings.HasPrefix(path, "/fake-api/"):
		f.serveAPI(w, r, v)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if m := boardRoute.FindStringSubmatch(path); m != nil && r.Method == http.MethodPost {
			// A password attempt on a protected board's form.
			if b := f.board(m[1]); b != nil && b.password {
				f.serveBoardPassword(w, r, v, b)
				return
			}
		}
		w.Header().Set("Allow", "GET, HEAD")
		serveBytes(w, r, http.StatusMethodNotAllowed, "text/plain; charset=utf-8", []byte("method not allowed\n"))
		return
	}
	page := pageParam(r)
	switch {
	case path == "/":
		servePage(w, r, http.StatusOK, v.home())
		return
	case path == "/members" || path == "/members/":
		if pv, ok := v.members(page); ok {
			servePage(w, r, http.StatusOK, pv)
			return
		}
	case path == "/css/theme.css":
		var b bytes.Buffer
		writeCSS(&b, v.h, f.w.odd)
		serveBytes(w, r, http.StatusOK, "text/css; charset=utf-8", b.Bytes())
		return
	}
	if m := boardRoute.FindStringSubmatch(path); m != nil {
		if b := f.board(m[1]); b != nil {
			if b.redirect != "" {
				// A redirect board has no page: ProBoards sends its visitors on.
				http.Redirect(w, r, b.redirect, http.StatusFound)
				return
			}
			if pv, ok := v.board(b, page); ok {
				servePage(w, r, http.StatusOK, pv)
				return
			}
		}
	}
	if m := threadRoute.FindStringSubmatch(path); m != nil {
		if t := f.thread(m[1], v.gen); t != nil {
			if !v.reaches(t.board) {
				pv, _ := v.board(t.board, 1)
				servePage(w, r, http.StatusOK, pv)
				return
			}
			if pv, ok := v.thread(t, page); ok {
				servePage(w, r, http.StatusOK, pv)
				return
			}
		}
	}
	if m := userRoute.FindStringSubmatch(path); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if u := f.w.user(id); u != nil {
			servePage(w, r, http.StatusOK, v.profile(u))
			return
		}
		servePage(w, r, http.StatusNotFound, v.missingMember(id))
		return
	}
	if m := postRoute.FindStringSubmatch(path); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if t, ok := f.w.postExists(id, v.gen); ok && v.reaches(t.board) {
			idx := 0
			for i, pid := range f.w.postIDs(t, v.gen) {
				if pid == id {
					idx = i
				}
			}
			loc := t.path()
			if p := idx/postsPerPage + 1; p > 1 {
				loc += fmt.Sprintf("?page=%d", p)
			}
			w.Header().Set("Location", loc+"#post-"+m[1])
			serveBytes(w, r, http.StatusFound, "text/html; charset=utf-8", []byte("<!DOCTYPE html><html><body>Moved</body></html>\n"))
			return
		}
	}
	if kind, data, ok := f.w.imageFor(path, v.gen); ok && kind != imgDead {
		serveBytes(w, r, http.StatusOK, kind.contentType(), data)
		return
	}
	servePage(w, r, http.StatusNotFound, v.errorPage("Page not found", "The page you requested does not exist.", nil))
}

func (f *Forum) board(idText string) *board {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id < 1 || id > int64(len(f.w.boards)) {
		return nil
	}
	return f.w.boards[id-1]
}

func (f *Forum) thread(idText string, gen int) *thread {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id < 1 {
		return nil
	}
	if id <= int64(len(f.w.threads)) {
		return f.w.threads[id-1]
	}
	if nt := f.w.gen1.newThread; nt != nil && nt.id == id && gen >= nt.gen {
		return nt
	}
	return nil
}

// pageParam is ?page=N, 1 when absent; an unparsable value gives 0 (no such page).
func pageParam(r *http.Request) int {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// requestHosts are the hosts a request's pages link to.
func requestHosts(r *http.Request) hosts {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return newHosts(scheme, r.Host)
}

// serveAPI answers the AJAX endpoints that fill the JavaScript modals.
func (f *Forum) serveAPI(w http.ResponseWriter, r *http.Request, v *view) {
	id, _ := strconv.ParseInt(r.URL.Query().Get(map[string]string{
		"/fake-api/moderators": "board", "/fake-api/voters": "thread", "/fake-api/likes": "post"}[r.URL.Path]), 10, 64)
	var buf bytes.Buffer
	var err error
	switch r.URL.Path {
	case "/fake-api/moderators":
		if id >= 1 && id <= int64(len(f.w.boards)) && len(f.w.boards[id-1].moderators) > 0 {
			var us []userView
			for _, uid := range f.w.boards[id-1].moderators {
				us = append(us, v.userRef(f.w.user(uid)))
			}
			err = renderFragment(&buf, "moderators", us)
		}
	case "/fake-api/voters":
		if t := f.thread(strconv.FormatInt(id, 10), v.gen); t != nil && t.poll != nil && v.reaches(t.board) {
			var us []userView
			for _, uid := range t.poll.voters {
				us = append(us, v.userRef(f.w.user(uid)))
			}
			err = renderFragment(&buf, "voters", us)
		}
	case "/fake-api/likes":
		if t, ok := f.w.postExists(id, v.gen); ok && v.reaches(t.board) {
			p := f.w.genPost(t, id, v.gen, v.h)
			var us []userView
			for _, uid := range p.likers {
				us = append(us, v.userRef(f.w.user(uid)))
			}
			err = renderFragment(&buf, "likes", struct {
				Post  int64
				Users []userView
			}{id, us})
		}
	}
	if err != nil {
		panic(err) // a template bug
	}
	if buf.Len() == 0 {
		serveBytes(w, r, http.StatusNotFound, "text/plain; charset=utf-8", []byte("not found\n"))
		return
	}
	serveBytes(w, r, http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// servePage renders and writes an HTML page.
func servePage(w http.ResponseWriter, r *http.Request, code int, pv *pageView) {
	serveBytes(w, r, code, "text/html; charset=utf-8", render(pv))
}

// serveBytes writes a complete response with its Content-Length.
func serveBytes(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// recorder remembers the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// logAccess writes one access log line.
func (f *Forum) logAccess(start time.Time, r *http.Request, status int, fault string) {
	if f.cfg.AccessLog == nil {
		return
	}
	line, _ := json.Marshal(AccessEntry{TimeNS: start.UnixNano(), Method: r.Method, Host: r.Host,
		Path: r.URL.RequestURI(), Status: status, Fault: fault})
	line = append(line, '\n')
	f.logMu.Lock()
	defer f.logMu.Unlock()
	f.cfg.AccessLog.Write(line)
}

// robotsTxt is modelled on a live forum's (§1).
const robotsTxt = `User-agent: *
Disallow: /user/
Disallow: /threads/recent
Disallow: /posts/recent
Disallow: /members
Disallow: /login/
Disallow: /post/
Disallow: /message/
Disallow: /search/
Disallow: /calendar/
Disallow: /conversation/
Disallow: /admin
Allow: /

User-agent: GPTBot
Disallow: /

User-agent: CCBot
Disallow: /
`
