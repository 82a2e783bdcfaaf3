package fetch

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRedirectStaysOnTheForum(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the other host was contacted: %s", r.URL)
	}))
	defer other.Close()
	var forum *httptest.Server
	forum = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/thread/1":
			http.Redirect(w, r, "/thread/1/hello", http.StatusMovedPermanently)
		case "/thread/1/hello":
			http.Redirect(w, r, forum.URL+"/thread/1/hello-world#top", http.StatusFound)
		case "/thread/1/hello-world":
			w.Write([]byte("the thread"))
		case "/members":
			http.Redirect(w, r, other.URL+"/login?from=members", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	}))
	defer forum.Close()
	hosts := NewHosts(forum.URL)
	f := Redirect(NewHTTP(HTTPConfig{Timeout: 5 * time.Second}), func(to *url.URL) bool { return hosts.Has(to.Host) })

	resp, err := f.Fetch(t.Context(), &Request{URL: forum.URL + "/thread/1"})
	if err != nil || string(resp.Body) != "the thread" {
		t.Fatalf("got %q, %v", resp.Body, err)
	}
	if resp.URL != forum.URL+"/thread/1" || resp.FinalURL != forum.URL+"/thread/1/hello-world" || resp.Attempts != 3 {
		t.Errorf("url %s final %s attempts %d", resp.URL, resp.FinalURL, resp.Attempts)
	}

	resp, err = f.Fetch(t.Context(), &Request{URL: forum.URL + "/members"})
	var re *RedirectError
	if !errors.As(err, &re) || resp.Status != http.StatusFound || !strings.HasPrefix(re.To, other.URL+"/login") {
		t.Fatalf("off-site redirect: status %d, err %v", resp.Status, err)
	}
	if transient(err) {
		t.Error("an off-site redirect must not be retried")
	}

	if _, err := f.Fetch(t.Context(), &Request{URL: forum.URL + "/loop"}); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
}
