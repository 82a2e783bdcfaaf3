// Package walls recognises the pages a forum serves instead of the content
// asked for (a Cloudflare check, a CAPTCHA, a login page, ProBoards'
// proof-of-work interstitial, a board's password form, a block) and says
// what the user can do about each. pb-fetch and pb-parse both classify
// with it, so they agree on what a wall is.
//
// The classifiers are pure functions of a Page (status, headers, body,
// URLs). It is a bottom-layer package: it imports nothing of pb.
package walls

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/pb-archive/pb/internal/htmlx"
)

// Kind is a kind of wall. Its text names it in pb-fetch's messages and
// summary ("3 pages behind a CAPTCHA wall").
type Kind string

// The walls pb recognises.
const (
	Login         Kind = "login"                // redirected to, or served, a login page
	Cloudflare    Kind = "Cloudflare"           // a Cloudflare "Just a moment..." challenge
	Captcha       Kind = "CAPTCHA"              // a reCAPTCHA, hCaptcha or Turnstile page
	Blocked       Kind = "blocked"              // HTTP 403 or 406
	BoardPassword Kind = "board password"       // a password-protected board's form
	PoW           Kind = "proof-of-work"        // ProBoards' anti-bot interstitial
	BadPassword   Kind = "wrong board password" // a board refused the password given for it
)

// Kinds lists every kind of wall, for tests and tables.
var Kinds = []Kind{Login, Cloudflare, Captcha, Blocked, BoardPassword, PoW, BadPassword}

// Page is what the classifiers look at.
type Page struct {
	Status   int
	Header   http.Header // nil when unknown (page records carry no headers)
	Body     []byte
	URL      string     // the URL asked for
	FinalURL string     // where redirects ended ("" or URL when none)
	Doc      *html.Node // Body parsed, when the caller has it; else parsed on demand
}

// Wall is a classifier's verdict; the zero Wall is "no wall".
type Wall struct {
	Kind Kind
	// Board is the board id of a BoardPassword wall ("?" when the page
	// does not say).
	Board string
	// Phrase is the sentence of a Login wall recognised by the page's text
	// ("you must be logged in"), "" otherwise.
	Phrase string
}

// Response classifies a fetched page as pb-fetch sees it: without knowing
// whether its content is there. Body markers therefore count only on a
// page that is not the forum's own (ProBoards puts proboards.data( on
// every page, §2.1): a post that quotes a marker, or a forum page with a
// CAPTCHA widget in it, is no wall here; pb-parse judges such pages with
// Missing once it knows their content is missing.
func Response(p Page) Wall {
	if p.Status == 0 {
		return Wall{}
	}
	switch {
	case IsCloudflare(p):
		return Wall{Kind: Cloudflare}
	case p.Status == http.StatusForbidden || p.Status == http.StatusNotAcceptable:
		return Wall{Kind: Blocked}
	case !forumPage(p.Body) && captchaPage(&p):
		return Wall{Kind: Captcha}
	case p.Status < 200 || p.Status > 299:
		return Wall{}
	case PoWInterstitial(p.Status, p.Body):
		return Wall{Kind: PoW}
	case LoginRedirect(p.URL, p.FinalURL):
		return Wall{Kind: Login}
	}
	if id, ok := boardPassword(&p); ok {
		return Wall{Kind: BoardPassword, Board: id}
	}
	return Wall{}
}

// Missing explains a page whose content the parser did not find: which
// wall, if any, was served in its place. Knowing the content is missing
// is the guard here, so a CAPTCHA widget or a login form counts even on
// the forum's own page; challenge markers still count only on a page that
// is not the forum's.
func Missing(p Page) Wall {
	if !forumPage(p.Body) {
		switch {
		case IsCloudflare(p):
			return Wall{Kind: Cloudflare}
		case bytes.Contains(head(p.Body), powMarker):
			return Wall{Kind: PoW}
		}
	}
	if id, ok := boardPassword(&p); ok {
		// A thread of a protected board answers with the board's form.
		return Wall{Kind: BoardPassword, Board: id}
	}
	if captchaPage(&p) {
		return Wall{Kind: Captcha}
	}
	doc := p.doc()
	if doc == nil {
		return Wall{}
	}
	// A password box (a board's password form was recognised above), or a
	// login form.
	if cascadia.Query(doc, selPasswordInput) != nil || cascadia.Query(doc, selLoginForm) != nil {
		return Wall{Kind: Login}
	}
	t := strings.ToLower(htmlx.Words(doc))
	for _, s := range loginPhrases {
		if strings.Contains(t, s) {
			return Wall{Kind: Login, Phrase: s}
		}
	}
	return Wall{}
}

// loginPhrases are what a page that wants a logged-in member says.
var loginPhrases = []string{"you must be logged in", "you need to be logged in", "please log in", "please login", "must login", "must log in"}

// LoginRedirect reports a request that ended on a login page it did not
// ask for.
func LoginRedirect(asked, final string) bool {
	return asked != final && final != "" && IsLoginURL(final) && !IsLoginURL(asked)
}

// IsLoginURL reports a login page: a login.* host (ProBoards' is
// login.proboards.com), or a /login path.
func IsLoginURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return strings.HasPrefix(strings.ToLower(u.Hostname()), "login.") || u.Path == "/login" || strings.HasPrefix(u.Path, "/login/")
}

// PoWInterstitial reports ProBoards' proof-of-work page: an HTTP 202 whose
// script sets POW_CHALLENGE_DATA (proboards-markup.md §13).
func PoWInterstitial(status int, body []byte) bool {
	return status == http.StatusAccepted && bytes.Contains(head(body), powMarker)
}

// IsCloudflare recognises Cloudflare's interstitial: the header it sets on
// challenges, or its page (title or script markers) on a page that is not
// the forum's own.
func IsCloudflare(p Page) bool {
	if p.Header != nil && strings.EqualFold(p.Header.Get("Cf-Mitigated"), "challenge") {
		return true
	}
	if forumPage(p.Body) {
		return false
	}
	h := head(p.Body)
	if cfTitle.Match(h) {
		return true
	}
	for _, m := range cfMarkers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	// Turnstile, a CAPTCHA, is served from challenges.cloudflare.com too.
	return bytes.Contains(h, cfHost) && !bytes.Contains(h, turnstile)
}

var (
	cfTitle = regexp.MustCompile(`(?i)<title>\s*(just a moment(\.\.\.|…)|attention required! \| cloudflare)\s*</title>`)
	// cfMarkers appear only on Cloudflare's challenge pages. Its scripts
	// on ordinary pages load /cdn-cgi/challenge-platform/ too, which
	// therefore is no marker; the challenge page's own script is.
	cfMarkers = [][]byte{
		[]byte("cf-browser-verification"),
		[]byte("cf_chl_"), // _cf_chl_opt, cf_chl_prog, cf_chl_rc_...
		[]byte("cf-chl-"), // cf-chl-widget-..., the challenge's elements
		[]byte("orchestrate/chl_page"),
		[]byte("orchestrate/managed"),
	}
	cfHost    = []byte("challenges.cloudflare.com")
	turnstile = []byte("challenges.cloudflare.com/turnstile")
	powMarker = []byte("POW_CHALLENGE_DATA")
	// captchaMarkers are the widgets of the common CAPTCHA services, as
	// they appear in a page's source.
	captchaMarkers = [][]byte{[]byte(`class="g-recaptcha"`), []byte(`class="h-captcha"`), []byte(`class="cf-turnstile"`),
		[]byte("google.com/recaptcha/api.js"), []byte("hcaptcha.com/1/api.js"), turnstile}
	// captchaHints gate parsing a body for selCaptcha: a page without
	// any of them cannot match it.
	captchaHints = [][]byte{[]byte("captcha"), []byte("turnstile"), []byte("sitekey")}
	// forumMarker is in every ProBoards page (proboards-markup.md §2.1).
	forumMarker = []byte("proboards.data(")
)

var (
	selCaptcha = cascadia.MustCompile(`.g-recaptcha, .h-captcha, .cf-turnstile, iframe[src*="captcha"], [data-sitekey], ` +
		`script[src*="recaptcha/api"], script[src*="hcaptcha.com"], script[src*="turnstile"]`)
	selPasswordInput = cascadia.MustCompile(`input[type=password], input[name=password]`)
	selLoginForm     = cascadia.MustCompile(`form[action*="login"], input[name=email]`)
	// selBoardPasswordForm is a protected board's form (proboards-markup.md §9).
	selBoardPasswordForm = cascadia.MustCompile(`#password-wrapper form, #password-wrapper input[type=password], #password-wrapper input[name=password]`)
	selWrapperForm       = cascadia.MustCompile(`#password-wrapper form[action]`)
	boardPathID          = regexp.MustCompile(`/board/(\d+)`)
	passwordWrapper      = []byte(`id="password-wrapper"`)
)

// forumPage reports the forum's own page, by the page data ProBoards puts
// in each; the whole body is searched, as the script may come late.
func forumPage(body []byte) bool { return bytes.Contains(body, forumMarker) }

// captchaPage reports a CAPTCHA widget or script in the page.
func captchaPage(p *Page) bool {
	h := head(p.Body)
	for _, m := range captchaMarkers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	lower := bytes.ToLower(h)
	for _, m := range captchaHints {
		if bytes.Contains(lower, m) {
			doc := p.doc()
			return doc != nil && cascadia.Query(doc, selCaptcha) != nil
		}
	}
	return false
}

// boardPassword recognises a password-protected board's form and returns
// the board's id, from the form's action or the URLs ("?" when none says).
func boardPassword(p *Page) (string, bool) {
	if p.Status != 0 && (p.Status < 200 || p.Status > 299) || !bytes.Contains(p.Body, passwordWrapper) {
		return "", false
	}
	doc := p.doc()
	if doc == nil || cascadia.Query(doc, selBoardPasswordForm) == nil {
		return "", false
	}
	var sources []string
	if f := cascadia.Query(doc, selWrapperForm); f != nil {
		sources = append(sources, attr(f, "action"))
	}
	for _, s := range append(sources, p.FinalURL, p.URL) {
		if m := boardPathID.FindStringSubmatch(s); m != nil {
			if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
				return strconv.FormatInt(id, 10), true
			}
			return "?", true
		}
	}
	return "?", true
}

// doc parses the body once, when a classifier needs the tree.
func (p *Page) doc() *html.Node {
	if p.Doc == nil && len(p.Body) > 0 {
		p.Doc, _ = html.Parse(bytes.NewReader(p.Body))
	}
	return p.Doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// head is the start of a body, where wall markers sit.
func head(b []byte) []byte {
	if len(b) > 1<<20 {
		return b[:1<<20]
	}
	return b
}
