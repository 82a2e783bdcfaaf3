package cookies

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseCookies(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	file := strings.Join([]string{
		"# Netscape HTTP Cookie File",
		"# https://curl.se/docs/http-cookies.html",
		"",
		".example.proboards.com\tTRUE\t/\tFALSE\t1800000000\tsession\tabc123",
		"#HttpOnly_forum.example.com\tFALSE\t/\tTRUE\t0\tsid\ts=1|2",
		"old.example.com\tFALSE\t/\tFALSE\t1600000000\tgone\tx", // expired: skipped
		"empty.example.com\tFALSE\t/p\tFALSE\t0\tflag",          // no value, no trailing tab
		"spaces.example.com FALSE / FALSE 0 name value",
	}, "\r\n")
	got, err := Parse(strings.NewReader(file), now)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cookie{
		{Domain: "example.proboards.com", Subdomains: true, Path: "/", Expires: time.Unix(1800000000, 0), Name: "session", Value: "abc123"},
		{Domain: "forum.example.com", Path: "/", Secure: true, HTTPOnly: true, Name: "sid", Value: "s=1|2"},
		{Domain: "empty.example.com", Path: "/p", Name: "flag"},
		{Domain: "spaces.example.com", Path: "/", Name: "name", Value: "value"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d cookies, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].Expires.Equal(want[i].Expires) {
			t.Errorf("cookie %d expires %v, want %v", i, got[i].Expires, want[i].Expires)
		}
		got[i].Expires, want[i].Expires = time.Time{}, time.Time{}
		if got[i] != want[i] {
			t.Errorf("cookie %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestParseCookiesErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"too few fields", "a.com\tTRUE\t/\n", "line 1"},
		{"bad expiry", "# c\na.com\tTRUE\t/\tFALSE\tsoon\tn\tv\n", "line 2: expiry"},
		{"no name", "a.com\tTRUE\t/\tFALSE\t0\t\tv\n", "line 1: cookie without"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.file), time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestJarSavesWhatItHolds checks that the session written by --save-cookies
// is what the jar would send: cookies set by servers (host-only and domain
// cookies, with Max-Age or Expires), minus deleted and expired ones, in a
// file only its owner can read that Parse reads back.
func TestJarSavesWhatItHolds(t *testing.T) {
	now := time.Now()
	jar, err := NewJar([]Cookie{{Domain: "forum.example.com", Path: "/", Name: "from_file", Value: "f1", Expires: now.Add(time.Hour).Truncate(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	forum, _ := url.Parse("https://forum.example.com/login/complete")
	login, _ := url.Parse("https://login.example.com/forum_submit/login")
	jar.SetCookies(forum, []*http.Cookie{
		{Name: "session", Value: "s3ss10n", Path: "/", HttpOnly: true, Secure: true},
		{Name: "remember", Value: "r1", MaxAge: 3600}, // path defaults to /login
		{Name: "gone", Value: "g1", Path: "/"},
	})
	jar.SetCookies(forum, []*http.Cookie{{Name: "gone", Value: "", Path: "/", MaxAge: -1}})
	jar.SetCookies(login, []*http.Cookie{{Name: "sso", Value: "x1", Domain: ".example.com", Path: "/", Expires: now.Add(24 * time.Hour)}})
	jar.SetCookies(login, []*http.Cookie{{Name: "stale", Value: "old", Path: "/", Expires: now.Add(-time.Hour)}})

	path := filepath.Join(t.TempDir(), "cookies.txt")
	if err := Save(path, jar); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Cookie{}
	for _, c := range back {
		got[c.Name] = c
	}
	if len(got) != 4 {
		t.Errorf("saved %d cookies, want from_file, session, remember and sso: %+v", len(got), back)
	}
	if c := got["session"]; c.Domain != "forum.example.com" || c.Subdomains || !c.Secure || !c.HTTPOnly || !c.Expires.IsZero() || c.Value != "s3ss10n" {
		t.Errorf("session cookie saved as %+v", c)
	}
	if c := got["remember"]; c.Path != "/login" || c.Expires.Before(now.Add(59*time.Minute)) {
		t.Errorf("max-age cookie saved as %+v", c)
	}
	if c := got["sso"]; c.Domain != "example.com" || !c.Subdomains {
		t.Errorf("domain cookie saved as %+v", c)
	}
	if c := got["from_file"]; !c.Expires.Equal(now.Add(time.Hour).Truncate(time.Second)) {
		t.Errorf("cookie from the file saved as %+v", c)
	}
	// What is saved is what a new run sends.
	again, err := NewJar(back)
	if err != nil {
		t.Fatal(err)
	}
	sent := func(j http.CookieJar, u string) string {
		p, _ := url.Parse(u)
		var names []string
		for _, c := range j.Cookies(p) {
			names = append(names, c.Name+"="+c.Value)
		}
		return strings.Join(names, "; ")
	}
	for _, u := range []string{"https://forum.example.com/login/x", "http://forum.example.com/", "https://other.example.com/"} {
		if a, b := sent(jar, u), sent(again, u); a != b {
			t.Errorf("%s: the jar sends %q, the saved file %q", u, a, b)
		}
	}
	// An existing file is replaced, and becomes private.
	os.WriteFile(path, []byte("old"), 0o644)
	if err := Save(path, jar); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v", fi.Mode().Perm())
	}
	if err := Save(filepath.Join(t.TempDir(), "no", "such", "dir"), jar); err == nil {
		t.Error("saving into a missing folder succeeded")
	}
}
