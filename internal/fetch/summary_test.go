package fetch

import "testing"

func TestNounCount(t *testing.T) {
	for _, tc := range []struct {
		n     int64
		nouns string
		want  string
	}{{0, "pages", "0 pages"}, {1, "pages", "1 page"}, {2, "images", "2 images"}, {1, "images", "1 image"}} {
		if got := nounCount(tc.n, tc.nouns); got != tc.want {
			t.Errorf("nounCount(%d, %q) = %q, want %q", tc.n, tc.nouns, got, tc.want)
		}
	}
}
