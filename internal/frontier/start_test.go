package frontier

import (
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	const site = "https://demo.proboards.com"
	for _, tc := range []struct {
		site, kind string
		args       []string
		url, want  string // want is the page kind; url the canonical URL
		err        string
	}{
		{site, "forum", nil, "https://demo.proboards.com/", "home", ""},
		{"demo.proboards.com", "members", nil, "https://demo.proboards.com/members", "members", ""},
		{site, "user", []string{"12"}, "https://demo.proboards.com/user/12", "user", ""},
		{site, "board", []string{"3"}, "https://demo.proboards.com/board/3", "board", ""},
		{site, "thread", []string{"77"}, "https://demo.proboards.com/thread/77", "thread", ""},
		{"", "https://demo.proboards.com/thread/77/hello?page=2#post-5", nil, "https://demo.proboards.com/thread/77/hello?page=2", "thread", ""},
		{site, "https://demo.proboards.com/board/4/news", nil, "https://demo.proboards.com/board/4/news", "board", ""},
		{site, "https://other.proboards.com/board/4/news", nil, "", "", "not on the forum"},
		// --site as typed (case, default port) names the same forum as its canonical pages.
		{"https://Demo.ProBoards.com:443/", "https://demo.proboards.com/board/4/news", nil, "https://demo.proboards.com/board/4/news", "board", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/board/4", nil, "", "", "not on the forum"},
		{site, "https://demo.proboards.com/search?q=x", nil, "", "", "never fetches"},
		{site, "https://demo.proboards.com/post/9", nil, "", "", "don't know what page"},
		{site, "thread", nil, "", "", "needs exactly one numeric id"},
		{site, "thread", []string{"abc"}, "", "", "not a positive number"},
		{site, "forum", []string{"3"}, "", "", "takes no id"},
		{site, "posts", nil, "", "", "unknown kind"},
		{"", "forum", nil, "", "", "PB_SITE"},
		{"ftp://x", "forum", nil, "", "", "not a forum URL"},
	} {
		got, err := Start(tc.site, tc.kind, tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Start(%q, %q, %q) error = %v, want it to mention %q", tc.site, tc.kind, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Start(%q, %q, %q): %v", tc.site, tc.kind, tc.args, err)
			continue
		}
		if len(got) != 1 || got[0].URL != tc.url || got[0].Kind != tc.want || got[0].Type != "url" {
			t.Errorf("Start(%q, %q, %q) = %+v, want %s (%s)", tc.site, tc.kind, tc.args, got, tc.url, tc.want)
		}
	}
}

func TestOrderFinishesThreadsAndBoardsFirst(t *testing.T) {
	es := []Entry{
		{URL: "http://f/members", Kind: "members", Seq: 1},
		{URL: "http://f/board/2/b", Kind: "board", Seq: 2},
		{URL: "http://f/thread/10/a", Kind: "thread", Seq: 3},
		{URL: "http://f/thread/11/b", Kind: "thread", Seq: 4},
		{URL: "http://f/board/2/b?page=2", Kind: "board", Seq: 5},
		{URL: "http://f/thread/10/a?page=3", Kind: "thread", Seq: 6},
		{URL: "http://f/thread/10/a?page=2", Kind: "thread", Seq: 7},
		{URL: "http://f/thread/10/a", Kind: "thread", Render: true, Seq: 8},
		{URL: "http://f/user/4", Kind: "user", Seq: 9},
	}
	Order(es)
	var got []string
	for _, e := range es {
		s := strings.TrimPrefix(e.URL, "http://f")
		if e.Render {
			s += " (render)"
		}
		got = append(got, s)
	}
	want := []string{
		"/thread/10/a", "/thread/10/a (render)", "/thread/10/a?page=2", "/thread/10/a?page=3",
		"/thread/11/b",
		"/board/2/b", "/board/2/b?page=2",
		"/members", "/user/4",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}
