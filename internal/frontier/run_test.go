package frontier

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCookiesAreCheckedUpFront runs pb-urls --cookies with files that do
// and do not serve the forum: a wrong export stops the job with exit 2 and
// prints no url record, before anything is fetched.
func TestCookiesAreCheckedUpFront(t *testing.T) {
	dir := t.TempDir()
	file := func(name, domain string, expires string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(domain+"\tFALSE\t/\tFALSE\t"+expires+"\tsession\tS3CRET\n"), 0o600)
		return p
	}
	good := file("good.txt", "name.proboards.com", "0")
	other := file("other.txt", "elsewhere.example", "0")
	stale := file("stale.txt", "name.proboards.com", "1700000000")
	db := filepath.Join(dir, "forum.db")
	load(t, db, `{"type":"url","url":"http://f/","kind":"home"}`)
	goodF := file("f.txt", "f", "0")

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"a file for the forum", []string{"--site", "https://name.proboards.com", "--cookies", good, "forum"}, 0, ""},
		{"a full URL", []string{"--cookies", good, "https://name.proboards.com/thread/4/x"}, 0, ""},
		{"another site's cookies", []string{"--site", "https://name.proboards.com", "--cookies", other, "members"}, 2, "no cookie for name.proboards.com, only for elsewhere.example"},
		{"an expired session", []string{"--site", "https://name.proboards.com", "--cookies", stale, "user", "3"}, 2, "expired (the last on 2023-11-14"},
		{"pending checks the archive's site", []string{"--cookies", goodF, "pending", db}, 0, ""},
		{"pending with the wrong file", []string{"--cookies", good, "pending", db}, 2, "no cookie for f,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runURLs(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errs, tc.code, tc.want)
			}
			if code != 0 && out != "" {
				t.Errorf("a rejected cookies file still printed records:\n%s", out)
			}
			if code == 0 && len(urlsOf(t, out)) == 0 {
				t.Errorf("no url records")
			}
			if strings.Contains(errs, "S3CRET") {
				t.Errorf("stderr shows the cookie's value: %q", errs)
			}
		})
	}
}
