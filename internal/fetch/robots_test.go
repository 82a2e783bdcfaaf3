package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const sampleRobots = `# like a live ProBoards forum (proboards-markup.md §1)
User-agent: GPTBot
User-agent: CCBot
Disallow: /

User-agent: *
Disallow: /user/
Disallow: /threads/recent
Disallow: /members
Allow: /members/public$
Disallow: /search/
Disallow: /*?action=
Disallow: /*.php$
Disallow:
Sitemap: https://x.proboards.com/sitemap.xml
`

func TestRobotsMatch(t *testing.T) {
	star := parseRobots([]byte(sampleRobots), "pb-fetch")
	bot := parseRobots([]byte(sampleRobots), "ccbot")
	for _, tc := range []struct {
		rules *robotsRules
		path  string
		allow bool
		rule  string
	}{
		{star, "/", true, ""},
		{star, "/board/3/general", true, ""},
		{star, "/thread/12/hello?page=2", true, ""},
		{star, "/user/5", false, "/user/"},
		{star, "/members?page=3", false, "/members"},
		{star, "/members/public", true, "/members/public$"},
		{star, "/members/public/x", false, "/members"},
		{star, "/threads/recent", false, "/threads/recent"},
		{star, "/board/1/x?action=delete", false, "/*?action="},
		{star, "/index.php", false, "/*.php$"},
		{star, "/index.php?x=1", true, ""},
		{bot, "/board/3/general", false, "/"},
	} {
		rule, ok := tc.rules.match(tc.path)
		if ok != tc.allow || rule.pattern != tc.rule {
			t.Errorf("match(%q) = %v by %q, want %v by %q", tc.path, ok, rule.pattern, tc.allow, tc.rule)
		}
	}
	if _, ok := parseRobots([]byte("User-agent: other\nDisallow: /\n"), "pb-fetch").match("/board/1"); !ok {
		t.Error("rules of another agent applied")
	}
	if r, _ := star.match("/user/5"); r.line != 7 || r.String() != `"Disallow: /user/" (line 7)` {
		t.Errorf("rule = %s (line %d), want line 7", r, r.line)
	}
}

func TestRobotsAgentGroupBeatsStar(t *testing.T) {
	r := parseRobots([]byte("User-agent: *\nDisallow: /\n\nUser-agent: PB-Fetch\nDisallow: /private\n"), "pb-fetch")
	if _, ok := r.match("/board/1"); !ok {
		t.Error("our own group should replace the * group")
	}
	if _, ok := r.match("/private/x"); ok {
		t.Error("our own group's rule not applied")
	}
}

// TestRobotsLikeGoogle holds robots.txt files as forum owners write them,
// which Google's matcher (RFC 9309 and its leniency) reads as meant.
func TestRobotsLikeGoogle(t *testing.T) {
	for _, tc := range []struct {
		name, robots, path string
		allow              bool
		rule               string // the deciding rule's String, "" when none
	}{
		{"our User-Agent copied with its version", "User-agent: *\nAllow: /\n\nUser-agent: pb-fetch/1.0\nDisallow: /private\n",
			"/private/a", false, `"Disallow: /private" (line 5)`},
		{"our User-Agent copied whole", "User-agent: pb-fetch/1.0 (+https://example.org/pb; archiving this forum)\nDisallow: /user/\n",
			"/user/3", false, `"Disallow: /user/" (line 2)`},
		{"its version-less group is ours too", "User-agent: pb-fetch/1.0\nDisallow: /user/\n", "/board/1", true, ""},
		{"typo Disalow", "User-agent: *\nDisalow: /private\n", "/private", false, `"Disalow: /private" (line 2)`},
		{"typo dissallow", "User-agent: *\ndissallow: /private\n", "/private/x", false, `"dissallow: /private" (line 2)`},
		{"typo useragent", "useragent: pb-fetch\nDisallow: /x\n", "/x", false, `"Disallow: /x" (line 2)`},
		{"no colon", "User-agent *\nDisallow /private\n", "/private", false, `"Disallow: /private" (line 2)`},
		{"another agent's version-less group", "User-agent: pb-fetcher\nDisallow: /\n", "/a", true, ""},
		{"* with a comment word", "User-agent: * all robots\nDisallow: /a\n", "/a", false, `"Disallow: /a" (line 2)`},
		{"index.html allows the folder", "User-agent: *\nDisallow: /a/\nAllow: /a/index.html\n", "/a/", true, `"Allow: /a/index.html" (line 3)`},
		{"UTF-8 pattern matches the escaped path", "User-agent: *\nDisallow: /café\n", "/caf%C3%A9", false, `"Disallow: /café" (line 2)`},
		{"lower-case escapes", "User-agent: *\nDisallow: /a%3cb\n", "/a%3Cb", false, `"Disallow: /a%3cb" (line 2)`},
		{"CRLF lines", "User-agent: *\r\nDisallow: /x\r\nDisallow: /y\r\n", "/y", false, `"Disallow: /y" (line 3)`},
		{"CR lines", "User-agent: *\rDisallow: /x\rDisallow: /y\r", "/y", false, `"Disallow: /y" (line 3)`},
		{"BOM", "\uFEFFUser-agent: *\nDisallow: /x\n", "/x", false, `"Disallow: /x" (line 2)`},
		{"longest match wins", "User-agent: *\nAllow: /p\nDisallow: /\n", "/page", true, `"Allow: /p" (line 2)`},
		{"Allow wins a tie", "User-agent: *\nAllow: /a\nDisallow: /a\n", "/a", true, `"Allow: /a" (line 2)`},
		{"empty Disallow", "User-agent: *\nDisallow:\n", "/a", true, ""},
		{"empty file", "", "/a", true, ""},
		{"HTML error page", "<html><body>Not found</body></html>", "/a", true, ""},
	} {
		rule, ok := parseRobots([]byte(tc.robots), "pb-fetch").match(tc.path)
		got := ""
		if rule.line > 0 {
			got = rule.String()
		}
		if ok != tc.allow || got != tc.rule {
			t.Errorf("%s: match(%q) = %v by %s, want %v by %s", tc.name, tc.path, ok, got, tc.allow, tc.rule)
		}
	}
}

// TestRobotsObeysCopiedUserAgent runs the decorator against a forum whose
// robots.txt names our User-Agent as sent, version and all.
func TestRobotsObeysCopiedUserAgent(t *testing.T) {
	var fetched []string
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "User-agent: *\nDisallow: /admin\n\nUser-agent: "+DefaultUserAgent("pb-fetch")+"\nDisalow: /user/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fetched = append(fetched, r.URL.Path)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, mode := range []string{RobotsObey, RobotsWarn} {
		fetched = nil
		var logs []string
		base := FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
			resp, err := http.Get(req.URL)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return &Response{URL: req.URL, FinalURL: req.URL, Status: resp.StatusCode, Body: body}, nil
		})
		f := Robots(base, RobotsConfig{Mode: mode, Agent: agentToken(DefaultUserAgent("pb-fetch"), "pb-fetch"), Fetcher: base,
			Log: func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }})
		for _, p := range []string{"/board/1", "/user/1", "/user/2", "/admin"} {
			_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + p})
			if disallowed := errors.Is(err, ErrDisallowed); disallowed != (mode == RobotsObey && strings.HasPrefix(p, "/user/")) {
				t.Errorf("--robots %s: %s: err %v", mode, p, err)
			}
		}
		want := []string{"/board/1", "/admin"}
		if mode == RobotsWarn {
			want = []string{"/board/1", "/user/1", "/user/2", "/admin"}
		}
		if strings.Join(fetched, " ") != strings.Join(want, " ") {
			t.Errorf("--robots %s fetched %v, want %v", mode, fetched, want)
		}
		if len(logs) != 1 || !strings.Contains(logs[0], `"Disalow: /user/" (line 5)`) {
			t.Errorf("--robots %s: want one report naming the rule, got %q", mode, logs)
		}
	}
}
