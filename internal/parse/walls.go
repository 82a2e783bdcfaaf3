package parse

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

// Walls are pages served instead of the content asked for: an anti-bot
// challenge or a login form. They must fail (and be retried later), never
// count as a parsed page with nothing on it.

// challengeMarkers identify challenge pages. They are looked for only on
// a page whose content is missing, so a post that quotes one cannot fail
// a real page.
var challengeMarkers = []struct{ marker, reason string }{
	{"POW_CHALLENGE_DATA", reasonPoW},
	{"challenges.cloudflare.com", reasonCloudflare},
	{"cf-browser-verification", reasonCloudflare},
	{"cf_chl_", reasonCloudflare}, // _cf_chl_opt, cf_chl_prog, cf_chl_rc_...
	{"cf-chl-", reasonCloudflare}, // cf-chl-widget-..., the challenge's elements
	// The challenge page's script; Cloudflare injects other scripts from
	// /cdn-cgi/challenge-platform/ into ordinary pages, so not that prefix.
	{"orchestrate/chl_page", reasonCloudflare},
	{"orchestrate/managed", reasonCloudflare},
	{"Attention Required! | Cloudflare", reasonCloudflare},
}

// The reasons of wall failures, which wallAdvice recognises.
const (
	reasonPoW        = "proof-of-work challenge page (ProBoards anti-bot interstitial)"
	reasonCloudflare = "Cloudflare challenge page"
	reasonCaptcha    = "CAPTCHA page instead of content"
	reasonLoginForm  = "login required (the page is a login form)"
	reasonPassword   = "password protected" // schema/README.md: a protected board's outcome
)

// cfTitle is the title of Cloudflare's interstitial ("Just a moment...").
var cfTitle = regexp.MustCompile(`(?i)<title>\s*just a moment(\.\.\.|…)\s*</title>`)

// wallBefore recognises a wall before parsing: a redirect to a login page,
// or the HTTP 202 proof-of-work interstitial (a 2xx that is not the page).
func wallBefore(status int, body, finalURL string) (string, bool) {
	if u, err := url.Parse(finalURL); err == nil {
		host := strings.ToLower(u.Hostname())
		if host == "login.proboards.com" || u.Path == "/login" || strings.HasPrefix(u.Path, "/login/") {
			return "login required (redirected to " + u.Host + u.Path + ")", true
		}
	}
	if status == 202 && strings.Contains(head(body), "POW_CHALLENGE_DATA") {
		return "proof-of-work challenge page (HTTP 202 ProBoards anti-bot interstitial)", true
	}
	return "", false
}

// wallAfter explains a page whose content the parser did not find: a
// challenge, a CAPTCHA or a login form served in its place.
func wallAfter(body string, doc *html.Node) (string, bool) {
	h := head(body)
	if cfTitle.MatchString(h) {
		return reasonCloudflare, true
	}
	for _, m := range challengeMarkers {
		if strings.Contains(h, m.marker) {
			return m.reason, true
		}
	}
	if doc != nil && find(doc, selBoardPassword) != nil {
		// A thread of a protected board answers with the board's form.
		return reasonPassword, true
	}
	return loginOrCaptcha(doc)
}

// head is the start of a body, where wall markers sit.
func head(body string) string {
	if len(body) > 1<<20 {
		return body[:1<<20]
	}
	return body
}

var (
	selPasswordInput = sel(`input[type=password], input[name=password]`)
	selLoginForm     = sel(`form[action*="login"], input[name=email]`)
	selCaptcha       = sel(`.g-recaptcha, .h-captcha, .cf-turnstile, iframe[src*="captcha"], [data-sitekey], script[src*="recaptcha/api"], script[src*="hcaptcha.com"], script[src*="turnstile"]`)
	selBoardPassword = sel(`#password-wrapper`)
)

// loginOrCaptcha explains a page that lacks its content: a login form or
// a CAPTCHA in its place. It is asked only after the kind's parser found
// no content, because a content page may carry a login box in its header.
func loginOrCaptcha(doc *html.Node) (string, bool) {
	if doc == nil {
		return "", false
	}
	if find(doc, selCaptcha) != nil {
		return reasonCaptcha, true
	}
	if pw := find(doc, selPasswordInput); pw != nil && find(doc, selBoardPassword) == nil {
		return reasonLoginForm, true
	}
	if find(doc, selLoginForm) != nil {
		return reasonLoginForm, true
	}
	t := strings.ToLower(text(doc))
	for _, s := range []string{"you must be logged in", "you need to be logged in", "please log in", "please login", "must login", "must log in"} {
		if strings.Contains(t, s) {
			return "login required: the page says " + `"` + s + `"`, true
		}
	}
	return "", false
}

// wallAdvice says what the user can do about pages that failed behind a
// wall, once per run and kind of wall (and per board for password-protected
// boards): pb-parse sees the same walls on every pass of a crawl until the
// user acts, and one clear hint is worth more than a hundred repeated ones.
type wallAdvice struct {
	said map[string]bool
}

func newWallAdvice() *wallAdvice { return &wallAdvice{said: map[string]bool{}} }

// advise returns the hint for a failed outcome, " — " and what to do, the
// first time its kind of wall fails in this run; "" otherwise.
func (a *wallAdvice) advise(o record.Outcome) string {
	kind, hint := wallHint(o)
	if kind == "" || a.said[kind] {
		return ""
	}
	a.said[kind] = true
	return " — " + hint
}

// wallHint names the wall behind a failed outcome and says what to do.
func wallHint(o record.Outcome) (kind, hint string) {
	r := o.Reason
	switch {
	case r == reasonPassword:
		id := forumurl.ID(o.URL)
		if o.Kind != record.KindBoard || id <= 0 {
			return "password", "its board asks for a password: pass pb-fetch --board-password ID=PASSWORD " +
				"(or --board-passwords FILE) with the board's id; the page stays pending until then"
		}
		return fmt.Sprintf("password %d", id), fmt.Sprintf("board %d asks for a password: pass pb-fetch "+
			"--board-password %d=PASSWORD (or --board-passwords FILE) to archive its threads; the board "+
			"stays pending until then", id, id)
	case strings.HasPrefix(r, "login required"), strings.Contains(r, "redirected to the login page"):
		return "login", "log in: pb-fetch --login EMAIL (password from $PB_PASSWORD or the terminal), or " +
			"pb-fetch --cookies FILE exported from a browser where you are logged in"
	case r == reasonCaptcha, strings.Contains(r, "CAPTCHA"):
		return "captcha", "solve the CAPTCHA in a browser, export the forum's cookies and pass them to " +
			"pb-fetch --cookies FILE (with that browser's --user-agent); slow down with --delay"
	case r == reasonCloudflare, strings.Contains(r, "Cloudflare"):
		return "cloudflare", "pass the check in a browser, export the forum's cookies (cf_clearance) and " +
			"pass them to pb-fetch --cookies FILE (with that browser's --user-agent); slow down with --delay"
	case strings.HasPrefix(r, "proof-of-work"):
		return "pow", "fetch these pages with pb-fetch, which solves ProBoards' proof-of-work check"
	case strings.Contains(r, "HTTP 403"), strings.Contains(r, "HTTP 406"):
		return "blocked", "the forum refuses our requests: slow down (pb-fetch --delay 5s), try again " +
			"later, or pass a browser's cookies (pb-fetch --cookies FILE, with that browser's --user-agent)"
	}
	return "", ""
}
