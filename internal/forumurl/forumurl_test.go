package forumurl

import (
	"net/url"
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
