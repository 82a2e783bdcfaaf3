package forumurl

import (
	"net/url"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	base, _ := url.Parse("https://Forum.proboards.com/thread/12/hello-world?page=2")
	for _, tc := range []struct {
		href, want string
		ok         bool
	}{
		{"/board/3/general", "https://forum.proboards.com/board/3/general", true},
		{"?page=3", "https://forum.proboards.com/thread/12/hello-world?page=3", true},
		{"/board/3/general?page=1", "https://forum.proboards.com/board/3/general", true},
		{"//forum.proboards.com/css/x.css?v=2", "https://forum.proboards.com/css/x.css?v=2", true},
		{"http://OTHER.example/a#frag", "http://other.example/a", true},
		{"/members?sort=name&page=2&sid=abc", "https://forum.proboards.com/members?page=2&sort=name", true},
		{"/user/5#profile", "https://forum.proboards.com/user/5", true},
		{"https://forum.proboards.com", "https://forum.proboards.com/", true},
		{"javascript:void(0)", "", false},
		{"mailto:a@b.c", "", false},
		{"#top", "", false},
		{"", "", false},
	} {
		got, ok := Canonical(base, tc.href)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Canonical(%q) = %q, %v; want %q, %v", tc.href, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCanonicalLikeABrowser reads hrefs as a browser does (WHATWG URL):
// each case names one page in two spellings that must make one crawl key.
func TestCanonicalLikeABrowser(t *testing.T) {
	base, _ := url.Parse("https://forum.proboards.com/thread/12/hello-world")
	base443, _ := url.Parse("https://forum.proboards.com:443/thread/12/hello-world")
	for _, tc := range []struct {
		name string
		base *url.URL
		href string
		want string // "" when the href is no page
	}{
		{"tab in the path", base, "/board/3/gen\teral", "https://forum.proboards.com/board/3/general"},
		{"newline in the path", base, "/board/3/\ngeneral", "https://forum.proboards.com/board/3/general"},
		{"CRLF in the query", base, "/thread/12/x?page=\r\n2", "https://forum.proboards.com/thread/12/x?page=2"},
		{"newline in the host", base, "https://forum.pro\nboards.com/board/3", "https://forum.proboards.com/board/3"},
		{"newline in the scheme", base, "ht\ntps://forum.proboards.com/board/3", "https://forum.proboards.com/board/3"},
		{"tab before a fragment", base, "/user/5\t#profile", "https://forum.proboards.com/user/5"},
		{"newlines around", base, "\n\t/board/3\r\n", "https://forum.proboards.com/board/3"},
		{"only newlines", base, "\n\r\t", ""},
		{"tab in javascript:", base, "java\tscript:alert(1)", ""},
		{":443 on https", base, "https://forum.proboards.com:443/board/3", "https://forum.proboards.com/board/3"},
		{":80 on http", base, "http://forum.proboards.com:80/board/3", "http://forum.proboards.com/board/3"},
		{":443 in the base", base443, "/board/3", "https://forum.proboards.com/board/3"},
		{":443 in the base, page=1", base443, "?page=1", "https://forum.proboards.com/thread/12/hello-world"},
		{"empty port", base, "https://forum.proboards.com:/board/3", "https://forum.proboards.com/board/3"},
		{"leading zeros", base, "https://forum.proboards.com:0443/board/3", "https://forum.proboards.com/board/3"},
		{":80 on IPv6", base, "http://[::1]:80/x", "http://[::1]/x"},
		{":443 on http is no default", base, "http://forum.proboards.com:443/a", "http://forum.proboards.com:443/a"},
		{":80 on https is no default", base, "https://forum.proboards.com:80/a", "https://forum.proboards.com:80/a"},
		{"another port", base, "https://forum.proboards.com:8443/a", "https://forum.proboards.com:8443/a"},
		{"backslashes in the path", base, `\board\3\general`, "https://forum.proboards.com/board/3/general"},
		{"backslash in a relative path", base, `..\13\x`, "https://forum.proboards.com/thread/13/x"},
		{"scheme-relative backslashes", base, `\\other.example\a`, "https://other.example/a"},
		{"mixed slashes after the scheme", base, `http:/\other.example\a`, "http://other.example/a"},
		{"backslashes after the scheme", base, `https:\\forum.proboards.com\board\3`, "https://forum.proboards.com/board/3"},
		{"a backslash in the query stays", base, `/search\x?q=a\b`, "https://forum.proboards.com/search/x?q=a%5Cb"},
		{"a backslash in the fragment", base, `/board/3#a\b`, "https://forum.proboards.com/board/3"},
	} {
		got, ok := Canonical(tc.base, tc.href)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: Canonical(%q) = %q, %v; want %q", tc.name, tc.href, got, ok, tc.want)
		}
	}
}

func TestKindIDPage(t *testing.T) {
	for _, tc := range []struct {
		url, kind string
		id        int64
		page      int
	}{
		{"http://f/", "home", 0, 1},
		{"http://f/board/3/general?page=4", "board", 3, 4},
		{"http://f/board/3", "board", 3, 1},
		{"http://f/thread/77/a-b", "thread", 77, 1},
		{"http://f/thread/77", "thread", 77, 1},
		{"http://f/members?page=2", "members", 0, 2},
		{"http://f/user/9", "user", 9, 1},
		{"http://f/user/9/recent_posts", "", 0, 1},
		{"http://f/css/theme.css?v=3", "css", 0, 1},
		{"http://f/post/5", "", 0, 1},
		{"http://f/board/x", "", 0, 1},
	} {
		if k := Kind(tc.url); k != tc.kind {
			t.Errorf("Kind(%q) = %q, want %q", tc.url, k, tc.kind)
		}
		if id := ID(tc.url); id != tc.id {
			t.Errorf("ID(%q) = %d, want %d", tc.url, id, tc.id)
		}
		if p := Page(tc.url); p != tc.page {
			t.Errorf("Page(%q) = %d, want %d", tc.url, p, tc.page)
		}
	}
}

func TestForbidden(t *testing.T) {
	for u, want := range map[string]bool{
		"http://f/thread/new/3":          true,
		"http://f/post/new/12":           true,
		"http://f/login":                 true,
		"http://f/logout":                true,
		"http://f/search/results?q=x":    true,
		"http://f/threads/recent":        true,
		"http://f/posts/recent?page=2":   true,
		"http://f/board/3/x?mark_read=1": true,
		"http://f/post/9/edit":           true,
		"http://f/board/3/general":       false,
		"http://f/thread/12/t?page=2":    false,
		"http://f/members":               false,
		"http://f/user/3":                false,
	} {
		if got := Forbidden(u); got != want {
			t.Errorf("Forbidden(%q) = %v, want %v", u, got, want)
		}
	}
}

// TestSite covers the forum root as --site gives it and as pb-fetch takes
// it from a page URL: the two copies it replaces differed on a bare host
// (pb-fetch refused it) and on case and default ports (pb-urls kept them,
// so the root did not match the canonical URLs of its own pages).
func TestSite(t *testing.T) {
	for _, tc := range []struct{ raw, want, err string }{
		{"https://name.proboards.com", "https://name.proboards.com/", ""},
		{"name.proboards.com", "https://name.proboards.com/", ""},
		{"https://Name.ProBoards.com:443/board/2/x?page=3#top", "https://name.proboards.com/", ""},
		{"http://user:pw@127.0.0.1:8080/thread/1", "http://127.0.0.1:8080/", ""},
		{"http://127.0.0.1:80", "http://127.0.0.1/", ""},
		{"", "", "no forum given"},
		{"ftp://name.proboards.com", "", "not a forum URL"},
		{"https://", "", "not a forum URL"},
	} {
		u, err := Site(tc.raw)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Site(%q) error = %v, want it to mention %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("Site(%q) = %v, %v; want %s", tc.raw, u, err, tc.want)
			continue
		}
		// The root is a prefix of the canonical URL of every forum page.
		page, _ := Canonical(u, "/board/2")
		if !strings.HasPrefix(page, u.String()) {
			t.Errorf("Site(%q) = %s is no prefix of its page %s", tc.raw, u, page)
		}
	}
}

// TestSameHostAndSameSite tells the two meanings apart: the same forum
// (host and port) and the same site (registrable domain), on the cases
// where the old SameSite (raw host compare) and pb-fetch's differed.
func TestSameHostAndSameSite(t *testing.T) {
	for _, tc := range []struct {
		a, b           string
		host, sameSite bool
	}{
		{"https://name.proboards.com/a", "https://name.proboards.com/b", true, true},
		{"https://Name.proboards.com:443/a", "https://name.proboards.com/", true, true},
		{"http://name.proboards.com:80/a", "http://name.proboards.com/", true, true},
		{"https://name.proboards.com/", "https://storage.proboards.com/x.png", false, true},
		{"https://name.proboards.com/", "storage.proboards.com", false, true},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false, true},
		{"http://127.0.0.1:8080/", "127.0.0.2:8080", false, false},
		{"https://name.proboards.com/", "https://name.proboards.net/", false, false},
		{"https://a.example.co.uk/", "https://b.example.co.uk/", false, true},
		{"https://example.co.uk/", "https://other.co.uk/", false, false},
		{"", "", false, false},
		{"/board/1", "/board/2", false, false},
	} {
		if got := SameHost(tc.a, tc.b); got != tc.host {
			t.Errorf("SameHost(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.host)
		}
		if got := SameSite(tc.a, tc.b); got != tc.sameSite {
			t.Errorf("SameSite(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.sameSite)
		}
	}
}

func TestCanonicalOrRaw(t *testing.T) {
	for raw, want := range map[string]string{
		"https://Name.proboards.com:443/board/1?page=1#x": "https://name.proboards.com/board/1",
		"mailto:a@b.c":     "mailto:a@b.c",
		"not a url at all": "not a url at all",
	} {
		if got := CanonicalOrRaw(raw); got != want {
			t.Errorf("CanonicalOrRaw(%q) = %q, want %q", raw, got, want)
		}
	}
}
