package parse

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Walls are pages served instead of the content asked for: an anti-bot
// challenge or a login form. They must fail (and be retried later), never
// count as a parsed page with nothing on it.

// challengeMarkers identify challenge pages. They are looked for only on
// a page whose content is missing, so a post that quotes one cannot fail
// a real page.
var challengeMarkers = []struct{ marker, reason string }{
	{"POW_CHALLENGE_DATA", "proof-of-work challenge page (ProBoards anti-bot interstitial)"},
	{"challenges.cloudflare.com", "Cloudflare challenge page"},
	{"cf-browser-verification", "Cloudflare challenge page"},
	{"cf_chl_opt", "Cloudflare challenge page"},
	{"<title>Just a moment...</title>", "Cloudflare challenge page"},
	{"Attention Required! | Cloudflare", "Cloudflare challenge page"},
}

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
	for _, m := range challengeMarkers {
		if strings.Contains(h, m.marker) {
			return m.reason, true
		}
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
	selCaptcha       = sel(`.g-recaptcha, .h-captcha, .cf-turnstile, iframe[src*="captcha"], [data-sitekey]`)
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
		return "CAPTCHA page instead of content", true
	}
	if pw := find(doc, selPasswordInput); pw != nil && find(doc, selBoardPassword) == nil {
		return "login required (the page is a login form)", true
	}
	if find(doc, selLoginForm) != nil {
		return "login required (the page is a login form)", true
	}
	t := strings.ToLower(text(doc))
	for _, s := range []string{"you must be logged in", "you need to be logged in", "please log in", "please login", "must login", "must log in"} {
		if strings.Contains(t, s) {
			return "login required: the page says " + `"` + s + `"`, true
		}
	}
	return "", false
}
