package parse

import (
	"fmt"
	"net/url"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/walls"
	"golang.org/x/net/html"
)

// Walls are pages served instead of the content asked for: an anti-bot
// challenge or a login form. They must fail (and be retried later), never
// count as a parsed page with nothing on it. internal/walls recognises
// them, as it does for pb-fetch; here they get pb-parse's reasons.

// The reasons of wall failures, which walls.OfReason recognises.
const (
	reasonPoW        = "proof-of-work challenge page (ProBoards anti-bot interstitial)"
	reasonCloudflare = "Cloudflare challenge page"
	reasonCaptcha    = "CAPTCHA page instead of content"
	reasonLoginForm  = "login required (the page is a login form)"
	reasonPassword   = "password protected" // schema/README.md: a protected board's outcome
)

// wallBefore recognises a wall before parsing: a page that ended on a
// login page (finalURL: where its redirects ended), or the HTTP 202
// proof-of-work interstitial (a 2xx that is not the page). Markers in the
// body wait for wallAfter, which knows the content is missing.
//
// pb-fetch fails only a redirect to a login page (walls.LoginRedirect);
// here a login page is failed even when asked for, as it has no content
// to parse: pb-urls never lists one.
func wallBefore(status int, body, finalURL string) (string, bool) {
	if walls.IsLoginURL(finalURL) {
		if u, err := url.Parse(finalURL); err == nil {
			return "login required (redirected to " + u.Host + u.Path + ")", true
		}
	}
	if walls.PoWInterstitial(status, []byte(head(body))) {
		return "proof-of-work challenge page (HTTP 202 ProBoards anti-bot interstitial)", true
	}
	return "", false
}

// wallAfter explains a page whose content the parser did not find: a
// challenge, a CAPTCHA or a login form served in its place.
func wallAfter(body string, doc *html.Node) (string, bool) {
	v := walls.Missing(walls.Page{Body: []byte(body), Doc: doc})
	switch v.Kind {
	case walls.Cloudflare:
		return reasonCloudflare, true
	case walls.PoW:
		return reasonPoW, true
	case walls.BoardPassword:
		return reasonPassword, true
	case walls.Captcha:
		return reasonCaptcha, true
	case walls.Login:
		if v.Phrase != "" {
			return `login required: the page says "` + v.Phrase + `"`, true
		}
		return reasonLoginForm, true
	}
	return "", false
}

// head is the start of a body, where wall markers sit.
func head(body string) string {
	if len(body) > 1<<20 {
		return body[:1<<20]
	}
	return body
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

// wallHint names the wall behind a failed outcome (with its board, for a
// protected board) and says what to do, in the words of walls.Advise.
func wallHint(o record.Outcome) (kind, hint string) {
	w := walls.OfReason(o.Reason)
	switch w {
	case "":
		return "", ""
	case walls.BoardPassword:
		id := forumurl.ID(o.URL)
		if o.Kind != record.KindBoard || id <= 0 {
			return string(w), "its board asks for a password: " + walls.Advise(w, "", false)
		}
		return fmt.Sprintf("%s %d", w, id), fmt.Sprintf("board %d asks for a password: %s", id, walls.Advise(w, fmt.Sprint(id), false))
	}
	return string(w), walls.Advise(w, "", false)
}
