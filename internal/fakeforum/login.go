package fakeforum

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SessionCookieName is the cookie a successful login sets.
const SessionCookieName = "pb_session"

// SessionCookie returns the cookie that logging in as Config.Account sets:
// tests that need a logged-in client add it to their requests (or cookie
// jar) instead of walking through /login. It never expires.
func (f *Forum) SessionCookie() *http.Cookie {
	return &http.Cookie{Name: SessionCookieName, Value: f.sign("session", itoa(f.cfg.Account.UserID)), Path: "/", HttpOnly: true}
}

// sign is a hex HMAC of the parts, under the forum's key.
func (f *Forum) sign(parts ...string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

// loggedIn reports whether r carries the session cookie.
func (f *Forum) loggedIn(r *http.Request) bool {
	c, err := r.Cookie(SessionCookieName)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(f.SessionCookie().Value))
}

// viewer is the logged-in member, or nil.
func (f *Forum) viewer(r *http.Request) *user {
	if f.loggedIn(r) {
		return f.w.user(f.cfg.Account.UserID)
	}
	return nil
}

type loginView struct {
	ForumID      int64
	Email, Error string
}

// serveLogin is the login flow of §12, on the forum's own host:
//
//	GET  /login               the form (email, password, remember, continue)
//	POST /forum_submit/login  wrong: the form again with div.errors;
//	                          right: a page whose form#redirect_form (method post,
//	                          action http://FORUM/login/complete, hidden "token")
//	                          a script submits at once
//	POST /login/complete      sets the session cookie, 302 to /
//	GET  /logout              clears it, 302 to /
func (f *Forum) serveLogin(w http.ResponseWriter, r *http.Request, v *view) {
	nav := []navItem{{Href: "/login", Name: "Log In"}}
	token := f.sign("token", f.cfg.Account.Email)
	switch {
	case r.URL.Path == "/login" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		servePage(w, r, http.StatusOK, v.layout("Log In", "", "login", nil, nil, nav, mainTemplate{"login", &loginView{ForumID: f.w.forumID}}))
	case r.URL.Path == "/forum_submit/login" && r.Method == http.MethodPost:
		r.ParseForm()
		email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
		if !strings.EqualFold(email, f.cfg.Account.Email) || password != f.cfg.Account.Password {
			lv := &loginView{ForumID: f.w.forumID, Email: email, Error: "The email address or password you entered is incorrect."}
			servePage(w, r, http.StatusOK, v.layout("Log In", "", "login", nil, nil, nav, mainTemplate{"login", lv}))
			return
		}
		rv := struct{ Action, Token string }{v.h.forumURL("/login/complete"), token}
		servePage(w, r, http.StatusOK, v.layout("Log In", "", "login", nil, nil, nav, mainTemplate{"redirect", &rv}))
	case r.URL.Path == "/login/complete" && r.Method == http.MethodPost:
		r.ParseForm()
		if !hmac.Equal([]byte(r.PostForm.Get("token")), []byte(token)) {
			servePage(w, r, http.StatusForbidden, v.errorPage("Login failed", "The login token is not valid.", nil))
			return
		}
		http.SetCookie(w, f.SessionCookie())
		w.Header().Set("Location", "/")
		serveBytes(w, r, http.StatusFound, "text/html; charset=utf-8", []byte("<!DOCTYPE html><html><body>Logged in</body></html>\n"))
	case r.URL.Path == "/logout":
		http.SetCookie(w, &http.Cookie{Name: SessionCookieName, Value: "", Path: "/", MaxAge: -1})
		w.Header().Set("Location", "/")
		serveBytes(w, r, http.StatusFound, "text/html; charset=utf-8", []byte("<!DOCTYPE html><html><body>Logged out</body></html>\n"))
	default:
		w.Header().Set("Allow", "GET, POST")
		serveBytes(w, r, http.StatusMethodNotAllowed, "text/plain; charset=utf-8", []byte("method not allowed\n"))
	}
}

// The proof-of-work interstitial (§13).
const (
	powDifficulty     = 1
	powChar           = "b"
	powCookieDuration = 3600 // seconds
	PoWCookieName     = "pow_bypass"
)

// now is the clock of PoW challenges.
func (f *Forum) now() time.Time { return time.Now().Add(time.Duration(f.skew.Load())) }

// powState makes challenge nonces from a seeded stream.
type powState struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newPowState(seed int64) *powState { return &powState{r: newRand(seed, streamPoW, 0)} }

func (p *powState) nonce() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("%016x%016x", p.r.Uint64(), p.r.Uint64())
}

type powView struct {
	Nonce, HMAC, Difficulty, Char, IssuedAt, Duration string
}

// serveChallenge answers 202 with a fresh challenge and Retry-After: 0.
func (f *Forum) serveChallenge(w http.ResponseWriter, r *http.Request) {
	nonce := f.pow.nonce()
	issued := strconv.FormatInt(f.now().Unix(), 10)
	pv := powView{Nonce: nonce, HMAC: f.sign("pow", nonce, issued), Difficulty: strconv.Itoa(powDifficulty),
		Char: powChar, IssuedAt: issued, Duration: strconv.Itoa(powCookieDuration)}
	var b strings.Builder
	if err := renderFragment(&b, "pow", pv); err != nil {
		panic(err)
	}
	w.Header().Set("Retry-After", "0")
	w.Header().Set("Cache-Control", "no-store")
	serveBytes(w, r, http.StatusAccepted, "text/html; charset=utf-8", []byte(b.String()))
}

// powSolved checks the pow_bypass cookie: nonce|issued_at|k|digest|hmac with
// digest = hex sha256(nonce+issued_at+k) starting with the difficulty
// characters, hmac the forum's signature of nonce and issued_at, and
// issued_at no older than the cookie duration.
func (f *Forum) powSolved(r *http.Request) bool {
	c, err := r.Cookie(PoWCookieName)
	if err != nil {
		return false
	}
	parts := strings.Split(c.Value, "|")
	if len(parts) != 5 {
		return false
	}
	nonce, issuedText, k, digest, mac := parts[0], parts[1], parts[2], parts[3], parts[4]
	if !hmac.Equal([]byte(mac), []byte(f.sign("pow", nonce, issuedText))) {
		return false
	}
	issued, err := strconv.ParseInt(issuedText, 10, 64)
	if err != nil {
		return false
	}
	if age := f.now().Unix() - issued; age > powCookieDuration || age < -60 {
		return false
	}
	sum := sha256.Sum256([]byte(nonce + issuedText + k))
	want := hex.EncodeToString(sum[:])
	return digest == want && strings.HasPrefix(want, strings.Repeat(powChar, powDifficulty))
}

// SolvePoW returns the pow_bypass cookie value that answers a challenge, as
// a client would compute it (exported for tests of other packages), or ""
// when no k below 2^24 works (never at difficulty 1).
func SolvePoW(nonce, issuedAt, hmacHex, char string, difficulty int) string {
	want := strings.Repeat(char, difficulty)
	for k := 1; k < 1<<24; k++ {
		ks := strconv.Itoa(k)
		sum := sha256.Sum256([]byte(nonce + issuedAt + ks))
		if d := hex.EncodeToString(sum[:]); strings.HasPrefix(d, want) {
			return strings.Join([]string{nonce, issuedAt, ks, d, hmacHex}, "|")
		}
	}
	return ""
}
