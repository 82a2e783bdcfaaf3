package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/pb-archive/pb/internal/cli"
)

// Wall is a kind of page served instead of the content asked for, which pb
// cannot get past on its own. pb-fetch reports each kind once per run, with
// what the user can do, and counts them in the summary.
type Wall string

// The walls pb-fetch recognises.
const (
	WallLogin         Wall = "login"                // redirected to a login page
	WallCloudflare    Wall = "Cloudflare"           // a Cloudflare "Just a moment..." challenge
	WallCaptcha       Wall = "CAPTCHA"              // a reCAPTCHA, hCaptcha or Turnstile page
	WallBlocked       Wall = "blocked"              // HTTP 403 or 406
	WallBoardPassword Wall = "board password"       // a password-protected board
	WallPoW           Wall = "proof-of-work"        // an interstitial that could not be solved
	WallBadPassword   Wall = "wrong board password" // a board refused the password given for it
)

// wallAdvice says what the user can do about each wall: in full the first
// time, in short in the summary.
var wallAdvice = map[Wall]struct{ full, short string }{
	WallLogin: {"these pages need a logged-in member: log in with --login EMAIL (the password comes from " +
		"$PB_PASSWORD or the terminal), or export the forum's cookies from a browser where you are logged " +
		"in and pass --cookies FILE", "use --login EMAIL or --cookies FILE"},
	WallCloudflare: {"the forum is behind a Cloudflare check that needs a browser: open the forum in a browser, " +
		"pass the check, export its cookies (cf_clearance) and pass --cookies FILE with that browser's " +
		"--user-agent; slow down with --delay, and try again later", "pass a browser's cookies with --cookies FILE"},
	WallCaptcha: {"the forum asks for a CAPTCHA: solve it in a browser, export the forum's cookies and pass " +
		"--cookies FILE with that browser's --user-agent; slow down with --delay", "pass a browser's cookies with --cookies FILE"},
	WallBlocked: {"the forum refuses our requests: slow down (--delay 5s), try again later, or export the " +
		"cookies of a browser where the forum works and pass --cookies FILE with that browser's --user-agent",
		"slow down (--delay) or pass a browser's cookies (--cookies FILE)"},
	WallBoardPassword: {"pass --board-password ID=PASSWORD (or --board-passwords FILE) to archive its threads; " +
		"until then it stays pending", "pass --board-password ID=PASSWORD"},
	WallPoW: {"the forum's proof-of-work check could not be passed: slow down (--delay) and try again later, " +
		"or export the cookies of a browser where the forum works (--cookies FILE)", "slow down and try again later"},
	WallBadPassword: {"check the board's password (--board-password ID=PASSWORD, or --board-passwords FILE); " +
		"the board is not tried again in this run", "check --board-password ID=PASSWORD"},
}

// advice is what to do about wall w met at detail (a board id, or "").
func advice(w Wall, detail string, short bool) string {
	a := wallAdvice[w].full
	if short {
		a = wallAdvice[w].short
	}
	if detail != "" && detail != "?" {
		a = strings.ReplaceAll(a, "ID=", detail+"=")
	}
	return a
}

// wallCount is how often a run met one wall, and where.
type wallCount struct {
	pages int
	where map[string]bool // board ids, for the board walls
}

// wall counts one page behind w (detail: a board id, or "") and reports
// whether it is the first of its kind in this run.
func (s *Stats) wall(w Wall, detail string) bool {
	if s == nil {
		return false
	}
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	if s.walls == nil {
		s.walls = map[Wall]*wallCount{}
	}
	c := s.walls[w]
	if c == nil {
		c = &wallCount{where: map[string]bool{}}
		s.walls[w] = c
	}
	c.pages++
	if detail != "" {
		c.where[detail] = true
	}
	return c.pages == 1
}

// Walls returns how many pages met each wall.
func (s *Stats) Walls() map[Wall]int {
	out := map[Wall]int{}
	if s == nil {
		return out
	}
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	for w, c := range s.walls {
		out[w] = c.pages
	}
	return out
}

// wallSummary adds a line per wall met to the summary.
func (s *Stats) wallSummary(b *strings.Builder) {
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	walls := make([]string, 0, len(s.walls))
	for w := range s.walls {
		walls = append(walls, string(w))
	}
	sort.Strings(walls)
	for _, w := range walls {
		c := s.walls[Wall(w)]
		fmt.Fprintf(b, "\n%s behind a %s wall", cli.Count(c.pages, "page"), w)
		detail := ""
		if len(c.where) > 0 {
			ids := make([]string, 0, len(c.where))
			for id := range c.where {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			fmt.Fprintf(b, " (board %s)", strings.Join(ids, ", "))
			if len(ids) == 1 {
				detail = ids[0]
			}
		}
		fmt.Fprintf(b, ": %s", advice(Wall(w), detail, true))
	}
}

// pageWall recognises the wall a fetched page met, if any. pageErr is the
// error its page record gets; it is "" for a wall whose page pb-parse
// must see as it is (a board's password form yields the board record).
// detail names the board of a board wall.
func pageWall(req *Request, resp *Response, err error) (w Wall, pageErr, detail string) {
	if err != nil {
		var re *RedirectError
		var be *BoardPasswordError
		switch {
		case errors.Is(err, ErrPoW):
			return WallPoW, err.Error(), ""
		case errors.As(err, &be):
			return WallBadPassword, err.Error(), fmt.Sprint(be.Board)
		case errors.As(err, &re) && isLoginURL(re.To):
			return WallLogin, fmt.Sprintf("redirected to the login page %s: this page needs a logged-in session (use --login or --cookies)", re.To), ""
		}
		return "", err.Error(), ""
	}
	if resp == nil || resp.Status == 0 {
		return "", "", ""
	}
	switch {
	case cloudflareChallenge(resp):
		return WallCloudflare, fmt.Sprintf("HTTP %d: a Cloudflare challenge page instead of the content", resp.Status), ""
	case resp.Status == http.StatusForbidden || resp.Status == http.StatusNotAcceptable:
		return WallBlocked, fmt.Sprintf("HTTP %d %s: the forum refuses the request (blocked?)", resp.Status, http.StatusText(resp.Status)), ""
	case captchaPage(resp.Body):
		return WallCaptcha, fmt.Sprintf("HTTP %d: a CAPTCHA page instead of the content", resp.Status), ""
	case !resp.OK():
		return "", fmt.Sprintf("HTTP %d %s", resp.Status, http.StatusText(resp.Status)), ""
	case loginRedirect(req.URL, resp.FinalURL):
		return WallLogin, fmt.Sprintf("redirected to the login page %s: this page needs a logged-in session (use --login or --cookies)", resp.FinalURL), ""
	}
	if id, ok := passwordBoard(resp); ok {
		return WallBoardPassword, "", id
	}
	return "", "", ""
}

// loginRedirect reports a request that ended on a login page it did not ask for.
func loginRedirect(asked, final string) bool {
	return asked != final && final != "" && isLoginURL(final) && !isLoginURL(asked)
}

// isLoginURL reports a login page: ProBoards' login host, or a /login path.
func isLoginURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return strings.HasPrefix(strings.ToLower(u.Host), "login.") || u.Path == "/login" || strings.HasPrefix(u.Path, "/login/")
}

var (
	cfTitle = regexp.MustCompile(`(?i)<title>\s*(just a moment\.\.\.|just a moment…|attention required! \| cloudflare)\s*</title>`)
	// cfMarkers appear only on Cloudflare's challenge pages (its scripts
	// on ordinary pages load /cdn-cgi/challenge-platform/ too, which
	// therefore is no marker).
	cfMarkers = [][]byte{[]byte("_cf_chl_opt"), []byte("cf-browser-verification"), []byte("cf_chl_prog")}
	// captchaMarkers are the widgets of the common CAPTCHA services.
	captchaMarkers = [][]byte{[]byte(`class="g-recaptcha"`), []byte(`class="h-captcha"`), []byte(`class="cf-turnstile"`),
		[]byte("google.com/recaptcha/api.js"), []byte("hcaptcha.com/1/api.js"), []byte("challenges.cloudflare.com/turnstile")}
	// forumPage is in every ProBoards page (§2.1): a page with it is the
	// forum's own, whatever widgets it holds; pb-parse judges it.
	forumPage = []byte("proboards.data(")
)

// cloudflareChallenge recognises Cloudflare's interstitial: the header it
// sets on challenges, or its page (title or script markers) without the
// forum's own page data.
func cloudflareChallenge(resp *Response) bool {
	if resp.Header != nil && strings.EqualFold(resp.Header.Get("Cf-Mitigated"), "challenge") {
		return true
	}
	h := headOf(resp.Body)
	if bytes.Contains(h, forumPage) {
		return false
	}
	if cfTitle.Match(h) {
		return true
	}
	for _, m := range cfMarkers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// captchaPage recognises a page that is a CAPTCHA and nothing of the forum.
func captchaPage(body []byte) bool {
	h := headOf(body)
	if bytes.Contains(h, forumPage) {
		return false
	}
	for _, m := range captchaMarkers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// headOf is the start of a body, where wall markers sit.
func headOf(b []byte) []byte {
	if len(b) > 256<<10 {
		return b[:256<<10]
	}
	return b
}
