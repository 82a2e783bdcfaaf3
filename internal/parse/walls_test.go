package parse

import (
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
)

func TestWallHints(t *testing.T) {
	const site = "https://testforum.proboards.com"
	for _, tc := range []struct {
		name       string
		o          record.Outcome
		kind, says string // says: a piece of the hint ("" when there is none)
	}{
		{"protected board", record.Outcome{URL: site + "/board/6/staff-lounge", Kind: "board", Reason: "password protected"},
			"board password 6", "--board-password 6=PASSWORD"},
		{"thread of a protected board", record.Outcome{URL: site + "/thread/40/x", Kind: "thread", Reason: "password protected"},
			"board password", "--board-password ID=PASSWORD"},
		{"login form", record.Outcome{Kind: "user", Reason: reasonLoginForm}, "login", "--login EMAIL"},
		{"login redirect", record.Outcome{Kind: "members", Reason: "login required (redirected to x/login)"}, "login", "--cookies FILE"},
		{"fetch saw the login page", record.Outcome{Kind: "members", Reason: "fetch failed: redirected to the login page http://x/login: ..."}, "login", "--login"},
		{"captcha", record.Outcome{Reason: reasonCaptcha}, "CAPTCHA", "--cookies FILE"},
		{"fetch saw a captcha", record.Outcome{Reason: "fetch failed: HTTP 200: a CAPTCHA page instead of the content"}, "CAPTCHA", "browser"},
		{"cloudflare", record.Outcome{Reason: reasonCloudflare}, "Cloudflare", "cf_clearance"},
		{"blocked", record.Outcome{Reason: "HTTP 403"}, "blocked", "--delay"},
		{"pow", record.Outcome{Reason: reasonPoW}, "proof-of-work", "pb-fetch"},
		{"fetch could not pass the pow", record.Outcome{Reason: "fetch failed: proof-of-work challenge: not accepted after 3 tries"}, "proof-of-work", "--delay"},
		{"not a wall", record.Outcome{Reason: "HTTP 404"}, "", ""},
		{"no content", record.Outcome{Reason: "no posts (div.message)"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, hint := wallHint(tc.o)
			if kind != tc.kind || !strings.Contains(hint, tc.says) || (tc.says == "") != (hint == "") {
				t.Errorf("wallHint = %q, %q; want kind %q saying %q", kind, hint, tc.kind, tc.says)
			}
		})
	}
}

// TestRunAdvisesOncePerWall feeds pb-parse the pages of a crawl pass that
// meets walls several times: every failed page is reported, and what to do
// is said once per kind of wall (per board for protected boards).
func TestRunAdvisesOncePerWall(t *testing.T) {
	fixture := func(name string) record.Page { return loadFixture(t, "testdata/walls/"+name+".json") }
	board := func(id, slug string) record.Page {
		p := fixture("password-thread")
		p.URL, p.Kind = "https://testforum.proboards.com/board/"+id+"/"+slug, record.KindBoard
		p.Body = strings.ReplaceAll(p.Body, "/board/6/staff-lounge", "/board/"+id+"/"+slug)
		return p
	}
	var in strings.Builder
	for _, p := range []record.Page{
		board("6", "staff-lounge"), board("6", "staff-lounge"), board("9", "mods"),
		fixture("captcha"), fixture("hcaptcha"), fixture("login-form"), fixture("login-redirect"),
	} {
		in.WriteString(pageLine(t, p) + "\n")
	}
	code, _, stderr := run(t, in.String(), Options{})
	if code != cli.ExitPartial {
		t.Errorf("exit %d, want %d", code, cli.ExitPartial)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if n := strings.Count(stderr, ": failed: "); n != 7 {
		t.Errorf("%d failed pages reported, want 7:\n%s", n, stderr)
	}
	for _, want := range []struct {
		piece string
		times int
	}{
		{"--board-password 6=PASSWORD", 1},
		{"--board-password 9=PASSWORD", 1},
		{"solve the CAPTCHA", 1},
		{"pb-fetch --login EMAIL", 1},
	} {
		if n := strings.Count(stderr, want.piece); n != want.times {
			t.Errorf("%q said %d times, want %d:\n%s", want.piece, n, want.times, stderr)
		}
	}
	if !strings.Contains(lines[0], "/board/6/staff-lounge: failed: password protected — board 6 asks for a password") {
		t.Errorf("first line: %s", lines[0])
	}
}
