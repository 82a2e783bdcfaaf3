package cookies

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	// The same answers whatever the wall clock says: Check judges expiry by
	// the time it is given, so one clock long past and one far ahead.
	for _, now := range []time.Time{
		time.Date(2001, 11, 24, 12, 0, 0, 0, time.UTC),
		time.Date(2096, 11, 24, 12, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format("2006"), func(t *testing.T) { testCheckAt(t, now) })
	}
}

func testCheckAt(t *testing.T, now time.Time) {
	past := now.Add(-48 * time.Hour).Unix()
	future := now.Add(48 * time.Hour).Unix()
	line := func(domain, sub string, exp int64, name, value string) string {
		return strings.Join([]string{domain, sub, "/", "FALSE", strconv.FormatInt(exp, 10), name, value}, "\t") + "\n"
	}
	tests := []struct {
		name          string
		file          string
		live, expired int
		problem       string // substring of Problem(); "" for none
	}{
		{"session cookie for the forum", line("name.proboards.com", "FALSE", 0, "session", "S3CRET"), 1, 0, ""},
		{"domain cookie of proboards.com applies", line(".proboards.com", "TRUE", future, "sso", "S3CRET"), 1, 0, ""},
		{"some expired, one live", line("name.proboards.com", "FALSE", past, "old", "S3CRET") + line("name.proboards.com", "FALSE", future, "new", "S3CRET"), 1, 1, ""},
		{"all expired", line("name.proboards.com", "FALSE", past, "session", "S3CRET"), 0, 1, "expired (the last on " + now.Add(-48*time.Hour).Format("2006-01-02") + " 12:00 UTC)"},
		{"another forum only", line("other.proboards.com", "FALSE", 0, "session", "S3CRET"), 0, 0, "no cookie for name.proboards.com, only for other.proboards.com"},
		{"a whole browser's export", line("a.com", "FALSE", 0, "x", "1") + line("b.com", "FALSE", 0, "x", "1") + line("c.com", "FALSE", 0, "x", "1") +
			line("d.com", "FALSE", 0, "x", "1") + line("e.com", "FALSE", 0, "x", "1") + line("f.com", "FALSE", 0, "x", "1") + line("g.com", "FALSE", 0, "x", "1"),
			0, 0, "only for a.com, b.com, c.com, d.com, e.com and 2 more"},
		{"empty file", "# Netscape HTTP Cookie File\n", 0, 0, "holds no cookies"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cookies.txt")
			os.WriteFile(path, []byte(tc.file), 0o600)
			cov, err := Check(path, "https://name.proboards.com/board/3/news", now)
			if err != nil {
				t.Fatal(err)
			}
			if cov.Live != tc.live || cov.Expired != tc.expired {
				t.Errorf("live %d expired %d, want %d and %d", cov.Live, cov.Expired, tc.live, tc.expired)
			}
			p := cov.Problem()
			if (tc.problem == "") != (p == "") || !strings.Contains(p, tc.problem) {
				t.Errorf("Problem() = %q, want %q", p, tc.problem)
			}
			if strings.Contains(p, "S3CRET") {
				t.Errorf("Problem() shows a cookie value: %q", p)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("# comment\nname.proboards.com\tFALSE\t/\tFALSE\tsoon\tsession\tS3CRET\n"), 0o600)
	for _, tc := range []struct{ path, url, want string }{
		{bad, "https://name.proboards.com/", "bad.txt: line 2: expiry"},
		{filepath.Join(dir, "missing.txt"), "https://name.proboards.com/", "missing.txt"},
		{bad, "not a url", "not a URL"},
	} {
		_, err := Check(tc.path, tc.url, time.Now())
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("Check(%s, %q) = %v, want an error containing %q and no cookie value", filepath.Base(tc.path), tc.url, err, tc.want)
		}
	}
}
