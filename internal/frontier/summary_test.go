package frontier

import "testing"

func TestSummarizeCounts(t *testing.T) {
	for _, tc := range []struct {
		counts map[string]int
		want   string
	}{
		{map[string]int{"home": 1}, "1 page (1 home page)"},
		{map[string]int{"home": 0, "board": 2}, "2 pages (0 home pages, 2 board pages)"},
		{map[string]int{"thread": 1, "members": 1}, "2 pages (1 last thread page, 1 members page)"},
	} {
		if got := summarize(tc.counts); got != tc.want {
			t.Errorf("summarize(%v) = %q, want %q", tc.counts, got, tc.want)
		}
	}
}
