package fetch

import (
	"net/http"
	"net/http/httptest"
	"net/url"
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
	got, err := ParseCookies(strings.NewReader(file), now)
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
			_, err := ParseCookies(strings.NewReader(tc.file), time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestCookiesAreSent checks the jar built from a cookie file sends the
// cookies to their host only.
func TestCookiesAreSent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Cookie")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	cs, err := ParseCookies(strings.NewReader(
		u.Hostname()+"\tFALSE\t/\tFALSE\t0\tsession\tlogged-in\n"+
			"other.example\tFALSE\t/\tFALSE\t0\tnope\tx\n"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jar, err := NewJar(cs)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second})
	if _, err := h.Fetch(t.Context(), &Request{URL: srv.URL + "/members"}); err != nil {
		t.Fatal(err)
	}
	if c := <-got; c != "session=logged-in" {
		t.Errorf("Cookie header = %q, want session=logged-in", c)
	}
}
