package store

import (
	"context"
	"reflect"
	"sort"
	"testing"
)

// seedCrawl loads a frontier and sets each row's state and attempts.
func seedCrawl(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t, "api.db")
	mustLoad(t, s.Path(), lines(
		`{"type":"url","url":"https://x/","kind":"home"}`,
		`{"type":"link","url":"https://x/board/1/b","kind":"board"}`,
		`{"type":"link","url":"https://x/board/1/b","kind":"board","render":true}`,
		`{"type":"link","url":"https://x/thread/1/a","kind":"thread"}`,
		`{"type":"link","url":"https://x/thread/1/a?page=2","kind":"thread"}`,
		`{"type":"link","url":"https://x/thread/2/c","kind":"thread"}`,
		`{"type":"link","url":"https://x/thread/2/c","kind":"thread","render":true}`,
		`{"type":"link","url":"https://x/members","kind":"members"}`,
	))
	for _, q := range []string{
		`UPDATE crawl SET state = 'done' WHERE url IN ('https://x/', 'https://x/thread/1/a', 'https://x/thread/1/a?page=2')`,
		`UPDATE crawl SET state = 'failed', attempts = 5 WHERE url = 'https://x/board/1/b' AND render = 0`,
		`UPDATE crawl SET state = 'done' WHERE url = 'https://x/board/1/b' AND render = 1`, // a refresh leaves rendered pages alone
		`UPDATE crawl SET state = 'failed', attempts = 2 WHERE url = 'https://x/thread/2/c' AND render = 0`,
		`UPDATE crawl SET attempts = 3 WHERE url = 'https://x/members'`, // pending: must keep its attempts
	} {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestPendingSelectsByStateAttemptsAndRender(t *testing.T) {
	s := seedCrawl(t)
	ctx := context.Background()
	urls := func(r Renders, max int) []string {
		es, err := s.Pending(ctx, max, r)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.URL+map[bool]string{true: " R"}[e.Render])
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		r    Renders
		max  int
		want []string
	}{
		{PlainOnly, 5, []string{"https://x/members", "https://x/thread/2/c"}},
		{PlainOnly, 6, []string{"https://x/board/1/b", "https://x/members", "https://x/thread/2/c"}},
		{PlainOnly, 2, []string{"https://x/members"}},
		{RenderedOnly, 5, []string{"https://x/thread/2/c R"}},
		{AlsoRendered, 5, []string{"https://x/members", "https://x/thread/2/c", "https://x/thread/2/c R"}},
	} {
		if got := urls(tc.r, tc.max); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Pending(max %d, renders %d) = %v, want %v", tc.max, tc.r, got, tc.want)
		}
	}
}

func TestRequeue(t *testing.T) {
	s := seedCrawl(t)
	ctx := context.Background()
	var offered []string
	counts, err := s.Requeue(ctx, Requeue{
		Kinds: []string{"home", "board", "members"},
		Pick: map[string]func([]string) []string{"thread": func(urls []string) []string {
			offered = append(offered, urls...)
			return []string{"https://x/thread/1/a?page=2", "https://x/thread/2/c"}
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(offered)
	if want := []string{"https://x/thread/1/a", "https://x/thread/1/a?page=2", "https://x/thread/2/c"}; !reflect.DeepEqual(offered, want) {
		t.Errorf("Pick was offered %v, want every plain thread page %v", offered, want)
	}
	// members was pending already: not counted, its attempts kept.
	if want := map[string]int{"home": 1, "board": 1, "members": 0, "thread": 2}; !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	got := crawlRows(t, s.DB)
	for key, want := range map[string]struct {
		state    string
		attempts int
	}{
		"https://x/ render=false":                  {"pending", 0},
		"https://x/board/1/b render=false":         {"pending", 0},
		"https://x/board/1/b render=true":          {"done", 0},
		"https://x/thread/2/c render=true":         {"pending", 0},
		"https://x/members render=false":           {"pending", 3},
		"https://x/thread/1/a render=false":        {"done", 0},
		"https://x/thread/1/a?page=2 render=false": {"pending", 0},
		"https://x/thread/2/c render=false":        {"pending", 0},
	} {
		if r := got[key]; r.State != want.state || r.Attempts != want.attempts {
			t.Errorf("%s: %s with %d attempts, want %s with %d", key, r.State, r.Attempts, want.state, want.attempts)
		}
	}
}

func TestFirstURLAndCounts(t *testing.T) {
	ctx := context.Background()
	empty := openTemp(t, "empty.db")
	if u, ok, err := empty.FirstURL(ctx); err != nil || ok || u != "" {
		t.Errorf("FirstURL of an empty archive = %q, %v, %v", u, ok, err)
	}
	s := seedCrawl(t)
	if u, ok, err := s.FirstURL(ctx); err != nil || !ok || u != "https://x/" {
		t.Errorf("FirstURL = %q, %v, %v; want the first url record", u, ok, err)
	}
	counts, err := s.CrawlCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []CrawlCount{{"done", false, false, 3}, {"done", true, false, 1}, {"failed", false, false, 2},
		{"pending", false, false, 1}, {"pending", true, false, 1}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("CrawlCounts = %v, want %v", counts, want)
	}
	if n, err := s.Count(ctx, "crawl"); err != nil || n != 8 {
		t.Errorf("Count(crawl) = %d, %v", n, err)
	}
}
