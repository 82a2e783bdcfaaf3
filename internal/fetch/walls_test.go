package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/parse"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/walls"
)

func TestPageWall(t *testing.T) {
	const site = "https://x.proboards.com"
	forumPageWith := func(extra string) []byte {
		return []byte(`<html><head><title>Just a moment... | a thread</title></head><body>` + extra +
			`<script>proboards.data({"route":{"name":"thread"}});</script></body></html>`)
	}
	cfPage := []byte(`<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'};</script></body></html>`)
	captcha := []byte(`<html><head><script src="https://www.google.com/recaptcha/api.js"></script></head><body><form><div class="g-recaptcha" data-sitekey="k"></div></form></body></html>`)
	pwBoard := []byte(`<div class="container"><div class="title-bar"><h2>Staff</h2></div><p>This board is password protected.</p>` +
		`<div id="password-wrapper"><form method="post" action="/board/6/staff"><input type="password" name="password"></form></div></div>`)
	for _, tc := range []struct {
		name    string
		url     string
		resp    *Response
		err     error
		wall    Wall
		errPart string // "" means the page gets no error
		detail  string
	}{
		{"ok page", "/thread/1", &Response{Status: 200, Body: forumPageWith("")}, nil, "", "", ""},
		{"forum page with a reCAPTCHA widget", "/thread/1", &Response{Status: 200, Body: forumPageWith(`<div class="g-recaptcha"></div>`)}, nil, "", "", ""},
		{"forbidden", "/user/2", &Response{Status: 403, Body: []byte("nope")}, nil, WallBlocked, "HTTP 403 Forbidden", ""},
		{"not acceptable", "/user/2", &Response{Status: 406}, nil, WallBlocked, "HTTP 406 Not Acceptable", ""},
		{"cloudflare 403", "/", &Response{Status: 403, Body: cfPage}, nil, WallCloudflare, "Cloudflare challenge", ""},
		{"cloudflare 503 by header", "/", &Response{Status: 503, Header: http.Header{"Cf-Mitigated": {"challenge"}}}, nil, WallCloudflare, "Cloudflare", ""},
		{"cloudflare served 200", "/board/2", &Response{Status: 200, Body: cfPage}, nil, WallCloudflare, "Cloudflare", ""},
		{"captcha", "/members", &Response{Status: 200, Body: captcha}, nil, WallCaptcha, "CAPTCHA page", ""},
		{"login redirect", "/members", &Response{Status: 200, FinalURL: site + "/login?forum=1"}, nil, WallLogin, "redirected to the login page", ""},
		{"login host redirect", "/members", &Response{Status: 302}, permanent{&RedirectError{From: site + "/members", To: "https://login.proboards.com/login?forum=1"}}, WallLogin, "login.proboards.com", ""},
		{"login page asked for", "/login", &Response{Status: 200, FinalURL: site + "/login"}, nil, "", "", ""},
		{"password board", "/board/6/staff", &Response{Status: 200, Body: pwBoard}, nil, WallBoardPassword, "", "6"},
		{"thread of a password board", "/thread/9/x", &Response{Status: 200, Body: pwBoard}, nil, WallBoardPassword, "", "6"},
		{"quoting the text is no wall", "/thread/9/x", &Response{Status: 200, Body: forumPageWith("This board is password protected")}, nil, "", "", ""},
		{"proof of work", "/", &Response{Status: 202}, permanent{fmt.Errorf("%w: not accepted after 3 tries", ErrPoW)}, WallPoW, "proof-of-work", ""},
		{"refused board password", "/board/6/staff", &Response{Status: 200, Body: pwBoard}, permanent{&BoardPasswordError{Board: 6, Msg: "refused it"}}, WallBadPassword, "board 6", "6"},
		{"server error", "/", &Response{Status: 500}, nil, "", "HTTP 500", ""},
		{"network error", "/", nil, errors.New("connection refused"), "", "connection refused", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{URL: site + tc.url}
			if tc.resp != nil {
				tc.resp.URL = req.URL
				if tc.resp.FinalURL == "" {
					tc.resp.FinalURL = req.URL
				}
			}
			w, pageErr, detail := pageWall(req, tc.resp, tc.err)
			if w != tc.wall || detail != tc.detail || (tc.errPart == "") != (pageErr == "") || !strings.Contains(pageErr, tc.errPart) {
				t.Errorf("pageWall = %q, %q, %q; want %q, an error with %q, %q", w, pageErr, detail, tc.wall, tc.errPart, tc.detail)
			}
			if w != "" && (advice(w, "", false) == "" || advice(w, "", true) == "") {
				t.Errorf("no advice for wall %q", w)
			}
		})
	}
}

func TestWallsReportedOnceAndSummarised(t *testing.T) {
	s := NewStats()
	if !s.wall(WallCaptcha, "") || s.wall(WallCaptcha, "") || !s.wall(WallBoardPassword, "6") || s.wall(WallBoardPassword, "9") {
		t.Error("wall did not report exactly the first page of each kind")
	}
	sum := s.Summary("page")
	for _, want := range []string{"2 pages behind a CAPTCHA wall", "2 pages behind a board password wall (board 6, 9)", "--board-password ID=PASSWORD"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

func TestParseBoardPasswords(t *testing.T) {
	file := filepath.Join(t.TempDir(), "passwords")
	os.WriteFile(file, []byte("# staff boards\n\n6=let me=in\r\n 12 =x\n"), 0o600)
	got, err := ParseBoardPasswords([]string{"3=three", "6=overridden by the file"}, file)
	if err != nil {
		t.Fatal(err)
	}
	want := BoardPasswords{3: "three", 6: "let me=in", 12: "x"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, tc := range []struct {
		flags []string
		file  string
		where string
	}{
		{[]string{"six=hunter2"}, "", "--board-password #1"},
		{[]string{"6"}, "", "--board-password #1"},
		{[]string{"1=a", "6="}, "", "--board-password #2"},
		{nil, "7=ok\nhunter2\n", "line 2"},
	} {
		f := ""
		if tc.file != "" {
			f = filepath.Join(t.TempDir(), "p")
			os.WriteFile(f, []byte(tc.file), 0o600)
		}
		_, err := ParseBoardPasswords(tc.flags, f)
		if err == nil || !strings.Contains(err.Error(), tc.where) {
			t.Errorf("%q %q: error %v, want one naming %q", tc.flags, tc.file, err, tc.where)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}

// TestFakeForumWalls serves a CAPTCHA on some profiles and a Cloudflare
// challenge on some board pages of the fake forum: those pages get an
// error that says so (and pb-parse fails them, so they stay pending),
// each wall is explained once on stderr, and the rest of the crawl goes on.
func TestFakeForumWalls(t *testing.T) {
	walled := map[string]string{} // path -> "captcha" or "cloudflare"
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch walled[r.URL.RequestURI()] {
			case "captcha":
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, `<!DOCTYPE html><html><head><title>Verify</title><script src="https://www.google.com/recaptcha/api.js"></script></head><body><form method="post"><div class="g-recaptcha" data-sitekey="6Lc"></div></form></body></html>`)
			case "cloudflare":
				w.Header().Set("Cf-Mitigated", "challenge")
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'};</script></body></html>`)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
	tf := newTestForum(t, forumSpec{size: "small", max: 60, wrap: wrap})
	captchas, challenges := 0, 0
	for _, u := range tf.urls {
		p := tf.pathOf(u)
		switch {
		case strings.HasPrefix(p, "/user/") && captchas < 3:
			walled[p], captchas = "captcha", captchas+1
		case strings.HasPrefix(p, "/board/") && !strings.HasPrefix(p, "/board/6/") && challenges < 2:
			walled[p], challenges = "cloudflare", challenges+1
		}
	}
	if captchas != 3 || challenges != 2 {
		t.Fatalf("%d CAPTCHA and %d Cloudflare pages among the urls, want 3 and 2", captchas, challenges)
	}
	res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "-c", "4")...))
	if res.code != 1 {
		t.Errorf("exit %d, want 1", res.code)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	for _, u := range tf.urls {
		p := pages[u]
		if p == nil {
			t.Errorf("%s: no page record", u)
			continue
		}
		errText, _ := p["error"].(string)
		switch walled[tf.pathOf(u)] {
		case "captcha":
			if !strings.Contains(errText, "CAPTCHA page instead of the content") {
				t.Errorf("%s: error %q", u, errText)
			}
		case "cloudflare":
			if !strings.Contains(errText, "Cloudflare challenge page") {
				t.Errorf("%s: error %q", u, errText)
			}
		default:
			if errText != "" || p["body"] != tf.ref[u] {
				t.Errorf("%s: error %q, or not the forum's page", u, errText)
			}
		}
	}
	// Each wall is explained once, with what to do; the summary counts them.
	for _, want := range []struct {
		piece string
		n     int
	}{{"a CAPTCHA page instead of the content. The forum asks for a CAPTCHA", 1},
		{"a Cloudflare challenge page instead of the content. The forum is behind a Cloudflare check", 1},
		{"3 pages behind a CAPTCHA wall", 1}, {"2 pages behind a Cloudflare wall", 1}} {
		if n := strings.Count(res.stderr, want.piece); n != want.n {
			t.Errorf("stderr says %q %d times, want %d:\n%s", want.piece, n, want.n, res.stderr)
		}
	}
	// pb-parse fails the walled pages (they stay pending) and parses the rest.
	var parsed, perr bytes.Buffer
	parse.Run(context.Background(), strings.NewReader(res.stdout), &parsed, &perr, parse.Options{Quiet: true})
	for _, rec := range decodeLines(t, parsed.String()) {
		if rec["type"] != "outcome" {
			continue
		}
		u := rec["url"].(string)
		failed, behindWall := rec["status"] == "failed", walled[tf.pathOf(u)] != ""
		if failed != behindWall && !strings.Contains(u, "/board/6/") { // board 6 asks for a password
			t.Errorf("%s: outcome %v (%v)", u, rec["status"], rec["reason"])
		}
	}
}

// TestFetchAndParseAgreeOnWalls hands the same pages to pb-fetch's wall
// check and to pb-parse (as a page record without pb-fetch's error): the
// two name the same wall, or none, for each.
func TestFetchAndParseAgreeOnWalls(t *testing.T) {
	thread, err := os.ReadFile("../parse/testdata/thread/guest-creator.html")
	if err != nil {
		t.Fatal(err)
	}
	// A real thread whose post mentions every marker, as text.
	quoting := strings.Replace(string(thread), "Question?",
		`Why does it say &lt;div class="g-recaptcha"&gt;, window._cf_chl_opt, POW_CHALLENGE_DATA, cf-chl-widget, `+
			`challenges.cloudflare.com/turnstile and "you must be logged in"? Please log in, captcha fans.`, 1)
	if quoting == string(thread) {
		t.Fatal("the thread fixture changed: no post to quote in")
	}
	const site = "https://testforum.proboards.com"
	for _, tc := range []struct {
		name, path, final string
		status            int
		body              string
		want              Wall
	}{
		{"a thread quoting wall markers", "/thread/300/guest-thread", "", 200, quoting, ""},
		{"cloudflare", "/board/2/x", "", 200, `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'};</script></body></html>`, WallCloudflare},
		{"cloudflare's managed challenge script", "/board/2/x", "", 200, `<html><head><title>Checking</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/managed/v1"></script></body></html>`, WallCloudflare},
		{"attention required", "/board/2/x", "", 200, `<html><head><title>Attention Required! | Cloudflare</title></head><body></body></html>`, WallCloudflare},
		{"recaptcha", "/user/7", "", 200, `<html><head><script src="https://www.google.com/recaptcha/api.js"></script></head><body><form><div class="g-recaptcha" data-sitekey="k"></div></form></body></html>`, WallCaptcha},
		{"turnstile", "/user/7", "", 200, `<html><head><script src="https://challenges.cloudflare.com/turnstile/v0/api.js"></script></head><body><form><div class="cf-turnstile" data-sitekey="0x4"></div></form></body></html>`, WallCaptcha},
		{"a sitekey widget", "/user/7", "", 200, `<html><body><form><div class="verify" data-sitekey="abc"></div></form></body></html>`, WallCaptcha},
		{"proof of work", "/thread/100/welcome", "", 202, `<html><body><script>window.POW_CHALLENGE_DATA={ challenge_nonce:'a1' };</script></body></html>`, WallPoW},
		{"login redirect", "/members?page=2", "/login?next=%2Fmembers", 200, `<html><body><p>Log in</p></body></html>`, WallLogin},
		{"login host redirect", "/members?page=2", "https://login.example.net/sso", 200, `<html><body><p>Log in</p></body></html>`, WallLogin},
		{"password board", "/board/6/staff", "", 200, `<div class="container"><div class="title-bar"><h2>Staff</h2></div>` +
			`<div id="password-wrapper"><form method="post" action="/board/6/staff"><input type="password" name="password"></form></div></div>`, WallBoardPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			final := site + tc.path
			if tc.final != "" {
				final = tc.final
				if !strings.HasPrefix(final, "http") {
					final = site + final
				}
			}
			resp := &Response{URL: site + tc.path, FinalURL: final, Status: tc.status, Body: []byte(tc.body)}
			fetched, _, _ := pageWall(&Request{URL: site + tc.path}, resp, nil)
			out := parse.Parse(record.Page{Type: record.TypePage, URL: site + tc.path, FinalURL: final, Status: tc.status, Body: tc.body}, parse.DefaultLimits)
			parsed := Wall("")
			if out.Outcome.Status == record.OutcomeFailed {
				parsed = walls.OfReason(out.Outcome.Reason)
				if parsed == "" {
					t.Errorf("pb-parse failed the page, but not behind a wall: %s", out.Outcome.Reason)
				}
			}
			if fetched != tc.want || parsed != tc.want {
				t.Errorf("pb-fetch sees %q, pb-parse %q (%s); want %q", fetched, parsed, out.Outcome.Reason, tc.want)
			}
		})
	}
}
