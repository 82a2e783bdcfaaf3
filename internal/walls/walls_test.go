package walls

import (
	"net/http"
	"strings"
	"testing"
)

// Sample pages: the walls that pb-fetch's and pb-parse's tests used to
// check each on their own side, and forum pages that only look like them.
const (
	cfPage       = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'};</script></body></html>`
	cfChlPage    = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-body"></div><script>(function(){window._cf_chl_opt={cvId:'3'};var a=document.createElement('script');a.src='https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1';})();</script></body></html>`
	cfTitleOnly  = `<!DOCTYPE html><html><head><TITLE> Just a moment… </TITLE></head><body><div id="challenge-stage"></div></body></html>`
	cfAttention  = `<html><head><title>Attention Required! | Cloudflare</title></head><body><p>Sorry, you have been blocked</p></body></html>`
	cfOrchestra  = `<html><head><title>Checking</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/managed/v1?ray=1"></script></body></html>`
	cfWidget     = `<html><body><div id="cf-chl-widget-abc"></div></body></html>`
	cfHostOnly   = `<html><body><script src="https://challenges.cloudflare.com/cdn-cgi/challenge-platform/x.js"></script></body></html>`
	recaptcha    = `<html><head><script src="https://www.google.com/recaptcha/api.js"></script></head><body><form><div class="g-recaptcha" data-sitekey="k"></div></form></body></html>`
	recaptchaDiv = `<html><body><form action="/verify" method="post"><div class="g-recaptcha" data-sitekey="6Lc"></div><input type="submit"></form></body></html>`
	recaptchaJS  = `<html><head><script src="https://www.google.com/recaptcha/api.js?render=explicit"></script></head><body><div id="captcha-box"></div><p>Please complete the security check to continue.</p></body></html>`
	hcaptcha     = `<!DOCTYPE html><html><head><title>Security check</title><script src="https://hcaptcha.com/1/api.js" async defer></script></head><body><form method="post" action="/verify"><div class="h-captcha" data-sitekey="1"></div></form></body></html>`
	turnstilePg  = `<html><head><script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async></script></head><body><form><div class="cf-turnstile" data-sitekey="0x4"></div></form></body></html>`
	sitekeyOnly  = `<html><body><form><div class="verify-box" data-sitekey="abc"></div></form></body></html>`
	captchaFrame = `<html><body><iframe src="https://captcha.example.net/challenge?k=1"></iframe></body></html>`
	powPage      = `<!DOCTYPE html><html><head><title>One moment</title></head><body><script>window.POW_CHALLENGE_DATA={ challenge_nonce:'a1b2c3', difficulty:'1' };</script></body></html>`
	pwBoard      = `<div class="container"><div class="title-bar"><h2>Staff</h2></div><p>This board is password protected.</p>` +
		`<div id="password-wrapper"><form method="post" action="/board/6/staff"><input type="password" name="password"></form></div></div>`
	pwNoAction = `<div id="password-wrapper"><form method="post"><input type="password" name="password"></form></div>`
	pwNoForm   = `<div id="password-wrapper"><p>This board is password protected.</p></div>`
	loginForm  = `<html><body><div id="welcome">Hello Guest</div><div class="container"><div class="title-bar"><h2>Login</h2></div>` +
		`<form action="https://login.proboards.com/forum_submit/login" method="post"><input name="email"><input type="password" name="password"></form></div></body></html>`
	loginText   = `<html><body><div class="container"><p>Sorry, you must be logged in to view the member list.</p></div></body></html>`
	loginScript = `<html><body><div class="container"><p>Nothing here.</p></div><script>var msg = "You must be logged in";</script></body></html>`
)

// forumPost is a ProBoards page (it carries proboards.data) with extra in a post.
func forumPost(extra string) string {
	return `<html><head><title>Just a moment... | a thread</title></head><body><div class="message">` + extra +
		`</div><script>proboards.data({"route":{"name":"thread"}});</script></body></html>`
}

func TestClassifiers(t *testing.T) {
	const site = "https://x.proboards.com"
	for _, tc := range []struct {
		name      string
		path      string // asked for
		final     string // where it ended; "" for path
		status    int
		header    http.Header
		body      string
		response  Wall // pb-fetch's verdict
		missing   Wall // pb-parse's, once it found no content
		note      string
		notMissed bool // Missing is not asked (a URL or status wall)
	}{
		{name: "forum page", path: "/thread/1", status: 200, body: forumPost("Hello")},
		{name: "forum page with a reCAPTCHA widget", path: "/thread/1", status: 200, body: forumPost(`<div class="g-recaptcha"></div>`),
			missing: Wall{Kind: Captcha}, note: "only pb-parse, knowing the content is missing, calls it a wall"},
		{name: "a post quoting challenge markers", path: "/thread/1", status: 200,
			body: forumPost(`I got window._cf_chl_opt and POW_CHALLENGE_DATA and cf-chl-widget and "challenges.cloudflare.com" and a captcha`)},
		{name: "a post saying please log in", path: "/thread/1", status: 200, body: forumPost(`please log in`),
			missing: Wall{Kind: Login, Phrase: "please log in"}},
		{name: "forbidden", path: "/user/2", status: 403, body: "nope", response: Wall{Kind: Blocked}},
		{name: "not acceptable", path: "/user/2", status: 406, response: Wall{Kind: Blocked}},
		{name: "server error", path: "/", status: 500},
		{name: "cloudflare 403", path: "/", status: 403, body: cfPage, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare by header", path: "/", status: 503, header: http.Header{"Cf-Mitigated": {"challenge"}},
			response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare served 200", path: "/board/2", status: 200, body: cfPage, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare challenge script", path: "/", status: 200, body: cfChlPage, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare title", path: "/", status: 200, body: cfTitleOnly, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare attention required", path: "/", status: 200, body: cfAttention, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare orchestrate/managed", path: "/", status: 200, body: cfOrchestra, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare widget", path: "/", status: 200, body: cfWidget, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "cloudflare host", path: "/", status: 200, body: cfHostOnly, response: Wall{Kind: Cloudflare}, missing: Wall{Kind: Cloudflare}},
		{name: "recaptcha", path: "/members", status: 200, body: recaptcha, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "recaptcha div", path: "/members", status: 200, body: recaptchaDiv, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "recaptcha script", path: "/members", status: 200, body: recaptchaJS, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "hcaptcha", path: "/members", status: 200, body: hcaptcha, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "turnstile is a CAPTCHA", path: "/members", status: 200, body: turnstilePg, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "a sitekey widget", path: "/members", status: 200, body: sitekeyOnly, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "a captcha frame", path: "/members", status: 200, body: captchaFrame, response: Wall{Kind: Captcha}, missing: Wall{Kind: Captcha}},
		{name: "proof of work", path: "/", status: 202, body: powPage, response: Wall{Kind: PoW}, missing: Wall{Kind: PoW}},
		{name: "proof-of-work markers on a 200", path: "/", status: 200, body: powPage, missing: Wall{Kind: PoW},
			note: "pb-fetch's proof-of-work step answers only the 202"},
		{name: "login redirect", path: "/members", final: "/login?forum=1", status: 200, response: Wall{Kind: Login}, notMissed: true},
		{name: "login host redirect", path: "/members", final: "https://login.proboards.com/login?forum=1", status: 200, response: Wall{Kind: Login}, notMissed: true},
		{name: "another login host", path: "/members", final: "https://login.example.net/sso", status: 200, response: Wall{Kind: Login}, notMissed: true},
		{name: "login page asked for", path: "/login", status: 200, notMissed: true},
		{name: "a login path elsewhere", path: "/members", final: "/loginx", status: 200, notMissed: true},
		{name: "login form", path: "/user/7", status: 200, body: loginForm, missing: Wall{Kind: Login},
			note: "pb-fetch cannot tell a login form in place of content from the header's login box"},
		{name: "login text", path: "/members", status: 200, body: loginText, missing: Wall{Kind: Login, Phrase: "you must be logged in"}},
		{name: "login text in a script", path: "/members", status: 200, body: loginScript},
		{name: "password board", path: "/board/6/staff", status: 200, body: pwBoard,
			response: Wall{Kind: BoardPassword, Board: "6"}, missing: Wall{Kind: BoardPassword, Board: "6"}},
		{name: "thread of a password board", path: "/thread/9/x", status: 200, body: pwBoard,
			response: Wall{Kind: BoardPassword, Board: "6"}, missing: Wall{Kind: BoardPassword, Board: "6"}},
		{name: "password form without action", path: "/board/12/x", status: 200, body: pwNoAction,
			response: Wall{Kind: BoardPassword, Board: "12"}, missing: Wall{Kind: BoardPassword, Board: "12"}},
		{name: "password form of no board", path: "/thread/12", status: 200, body: pwNoAction,
			response: Wall{Kind: BoardPassword, Board: "?"}, missing: Wall{Kind: BoardPassword, Board: "?"}},
		{name: "password wrapper without a form", path: "/board/6/x", status: 200, body: pwNoForm},
		{name: "a password box beside an empty wrapper", path: "/user/7", status: 200, body: pwNoForm + `<form><input type="password"></form>`,
			missing: Wall{Kind: Login}, note: "a login form is judged only on a page without content"},
		{name: "quoting the password text", path: "/thread/9/x", status: 200, body: forumPost("This board is password protected")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			final := tc.final
			if final == "" {
				final = tc.path
			}
			if !strings.HasPrefix(final, "http") {
				final = site + final
			}
			p := Page{Status: tc.status, Header: tc.header, Body: []byte(tc.body), URL: site + tc.path, FinalURL: final}
			if got := Response(p); got != tc.response {
				t.Errorf("Response = %+v, want %+v", got, tc.response)
			}
			if tc.notMissed {
				return
			}
			if got := Missing(p); got != tc.missing {
				t.Errorf("Missing = %+v, want %+v", got, tc.missing)
			}
			// Where pb-fetch sees a body wall, pb-parse sees the same one:
			// the two differ only where a note says why.
			if tc.response.Kind != "" && tc.response.Kind != Blocked && tc.missing != tc.response {
				t.Errorf("pb-fetch sees %q, pb-parse %q", tc.response.Kind, tc.missing.Kind)
			}
			if tc.note == "" && tc.missing.Kind != "" && tc.missing.Phrase == "" && tc.status == 200 && tc.response != tc.missing {
				t.Errorf("pb-parse sees %q, pb-fetch %q, and no note says why", tc.missing.Kind, tc.response.Kind)
			}
		})
	}
}

// TestCaptchaInLongPage finds the forum's page data past the head: a
// long forum page whose script comes late is still the forum's own.
func TestCaptchaInLongPage(t *testing.T) {
	body := `<div class="g-recaptcha"></div>` + strings.Repeat("<p>post</p>", 300_000) + `<script>proboards.data({});</script>`
	if got := Response(Page{Status: 200, Body: []byte(body), URL: "https://x/", FinalURL: "https://x/"}); got.Kind != "" {
		t.Errorf("Response = %+v, want no wall", got)
	}
}

func TestLoginURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://login.proboards.com/login?forum=1": true,
		"https://LOGIN.example.net/":                true,
		"https://x.proboards.com/login":             true,
		"https://x.proboards.com/login/reset":       true,
		"https://x.proboards.com/login?next=%2F":    true,
		"https://x.proboards.com/loginhelp":         false,
		"https://x.proboards.com/thread/1/login":    false,
		"https://blogin.example.net/":               false,
		"::":                                        false,
	} {
		if got := IsLoginURL(raw); got != want {
			t.Errorf("IsLoginURL(%q) = %v, want %v", raw, got, want)
		}
	}
}

// TestOfReason reads both tools' words for each wall: pb-parse's reasons
// and pb-fetch's page errors as pb-parse repeats them.
func TestOfReason(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   Kind
	}{
		{"password protected", BoardPassword},
		{"login required (the page is a login form)", Login},
		{"login required (redirected to x/login)", Login},
		{`login required: the page says "please log in"`, Login},
		{"fetch failed: redirected to the login page http://x/login: this page needs a logged-in session (use --login or --cookies)", Login},
		{"CAPTCHA page instead of content", Captcha},
		{"fetch failed: HTTP 200: a CAPTCHA page instead of the content", Captcha},
		{"Cloudflare challenge page", Cloudflare},
		{"fetch failed: HTTP 403: a Cloudflare challenge page instead of the content", Cloudflare},
		{"proof-of-work challenge page (HTTP 202 ProBoards anti-bot interstitial)", PoW},
		{"fetch failed: proof-of-work challenge: not accepted after 3 tries", PoW},
		{"HTTP 403", Blocked},
		{"fetch failed: HTTP 406 Not Acceptable: the forum refuses the request (blocked?)", Blocked},
		{"HTTP 404", ""},
		{"no posts (div.message)", ""},
		{"fetch failed: dial tcp 127.0.0.1:1: connect: connection refused", ""},
	} {
		if got := OfReason(tc.reason); got != tc.want {
			t.Errorf("OfReason(%q) = %q, want %q", tc.reason, got, tc.want)
		}
	}
}

func TestAdvise(t *testing.T) {
	for _, k := range Kinds {
		full, short := Advise(k, "", false), Advise(k, "", true)
		if full == "" || short == "" || len(short) >= len(full) {
			t.Errorf("%s: advice %q, in short %q", k, full, short)
		}
	}
	if a := Advise(BoardPassword, "6", false); !strings.Contains(a, "--board-password 6=PASSWORD") {
		t.Errorf("board 6: %q", a)
	}
	if a := Advise(BoardPassword, "?", true); !strings.Contains(a, "--board-password ID=PASSWORD") {
		t.Errorf("unknown board: %q", a)
	}
}
