package cli

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n        int64
		singular string
		want     string
	}{
		{0, "record", "0 records"},
		{1, "record", "1 record"},
		{2, "record", "2 records"},
		{1, "transaction", "1 transaction"},
		{0, "home page", "0 home pages"},
		{1, "home page", "1 home page"},
		{1, "last thread page", "1 last thread page"},
		{1, "entity", "1 entity"},
		{3, "entity", "3 entities"},
		{2, "retry", "2 retries"},
		{2, "day", "2 days"},
		{2, "URL", "2 URLs"},
		{1, "URL", "1 URL"},
		{2, "pass", "2 passes"},
		{2, "match", "2 matches"},
		{-1, "record", "-1 records"},
		{2, "proof-of-work challenge", "2 proof-of-work challenges"},
	} {
		if got := Count(tc.n, tc.singular); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.singular, got, tc.want)
		}
	}
	if got := Count(1, "image"); got != "1 image" { // int, not int64
		t.Errorf("Count(1, image) = %q", got)
	}
}
