package store

import (
	"strings"
	"testing"
)

// TestSummaryCounts: each count agrees in number with its noun.
func TestSummaryCounts(t *testing.T) {
	for _, tc := range []struct {
		s    Stats
		want []string
	}{
		{Stats{Records: 1, Applied: 1, Batches: 1, Bad: 1, Unknown: map[string]int64{"x": 1}, Ignored: map[string]int64{"page": 1}},
			[]string{"pb-load: 1 record in", "1 loaded in 1 transaction,", "1 bad line skipped", `1 "x" record skipped`, "1 page record ignored"}},
		{Stats{Records: 0}, []string{"pb-load: 0 records in", "0 loaded in 0 transactions"}},
		{Stats{Records: 3, Applied: 2, Batches: 2, Bad: 2, Unknown: map[string]int64{"x": 2}, Ignored: map[string]int64{"page": 3}},
			[]string{"pb-load: 3 records in", "2 loaded in 2 transactions,", "2 bad lines skipped", `2 "x" records skipped`, "3 page records ignored"}},
	} {
		got := tc.s.Summary()
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("summary lacks %q: %s", w, got)
			}
		}
	}
}
