package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// smallForum serves a few pages with the quirks pb-fetch must handle.
func smallForum(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "User-agent: *\nDisallow: /user/\nDisallow: /members\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch {
		case r.URL.Path == "/":
			if !strings.HasPrefix(r.Header.Get("User-Agent"), "pb-fetch/") {
				t.Errorf("User-Agent %q does not name pb-fetch", r.Header.Get("User-Agent"))
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<html><body>Zoë's forum</body></html>")
		case r.URL.Path == "/latin1":
			w.Header().Set("Content-Type", "text/html; charset=ISO-8859-1")
			w.Write([]byte("<p>Caf\xe9 cr\xe8me</p>"))
		case strings.HasPrefix(r.URL.Path, "/user/"), strings.HasPrefix(r.URL.Path, "/members"):
			io.WriteString(w, "<p>member "+r.URL.Path+"</p>")
		case r.URL.Path == "/private":
			http.Redirect(w, r, "/login?from=private", http.StatusFound)
		case r.URL.Path == "/login":
			io.WriteString(w, "<form>log in</form>")
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRunPagesAndPassThrough(t *testing.T) {
	srv, _ := smallForum(t)
	thread := `{"type":"thread","id":7,"x_note":"kept as is"}`
	input := strings.Join([]string{
		`{"type":"url","url":"` + srv.URL + `/","kind":"home","x_from":{"job":42}}`,
		thread,
		`{"type":"url","url":"` + srv.URL + `/latin1"`, // broken JSON
		`{"type":"url","url":"/relative"}`,
		`{"type":"url","url":"` + srv.URL + `/latin1","render":true}`,
		`{"type":"url","url":"` + srv.URL + `/gone"}`,
		`{"type":"url","url":"` + srv.URL + `/private"}`,
	}, "\n")
	res := runFetch(t, t.Context(), input, parseOptions(t, fastArgs...))
	if res.code != 1 || res.err != nil {
		t.Fatalf("exit %d, %v; want 1 (bad lines, failed pages)\n%s", res.code, res.err, res.stderr)
	}
	for _, want := range []string{"line 3: invalid JSON", "line 4: url record needs an absolute", "2 bad input lines"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if !strings.Contains(res.stdout, thread+"\n") {
		t.Errorf("thread record not passed through byte for byte:\n%s", res.stdout)
	}
	recs := decodeLines(t, res.stdout)
	pages := pagesByURL(t, recs)
	if len(recs) != 5 || len(pages) != 4 {
		t.Fatalf("%d records, %d pages; want 5 and 4:\n%s", len(recs), len(pages), res.stdout)
	}
	home := pages[srv.URL+"/"]
	if home["body"] != "<html><body>Zoë's forum</body></html>" || home["status"] != float64(200) ||
		home["final_url"] != srv.URL+"/" || home["content_type"] != "text/html; charset=utf-8" ||
		home["rendered"] != false || home["attempts"] != float64(1) || home["kind"] != "home" || home["error"] != nil {
		t.Errorf("home page record: %v", home)
	}
	if x, _ := home["x_from"].(map[string]any); x["job"] != float64(42) {
		t.Errorf("unknown field lost: %v", home)
	}
	if at := int64(home["fetched_at"].(float64)); time.Since(time.UnixMilli(at)) > time.Minute || time.UnixMilli(at).After(time.Now()) {
		t.Errorf("fetched_at %d is not ms since the epoch, now", at)
	}
	if l := pages[srv.URL+"/latin1"]; l["body"] != "<p>Café crème</p>" || l["render"] != true || l["rendered"] != false {
		t.Errorf("latin1 page (render asked, no --render): %v", l)
	}
	if g := pages[srv.URL+"/gone"]; g["status"] != float64(404) || g["error"] != "HTTP 404 Not Found" || g["attempts"] != float64(1) {
		t.Errorf("404 page: %v", g)
	}
	if p := pages[srv.URL+"/private"]; !strings.Contains(fmt.Sprint(p["error"]), "login page") || p["final_url"] != srv.URL+"/login?from=private" {
		t.Errorf("login redirect: %v", p)
	}
	if !strings.Contains(res.stderr, "4 pages in") || !strings.Contains(res.stderr, "2 failed") {
		t.Errorf("summary missing or wrong:\n%s", res.stderr)
	}
}

func TestRunQuietAndClean(t *testing.T) {
	srv, _ := smallForum(t)
	res := runFetch(t, t.Context(), urlLine(srv.URL+"/"), parseOptions(t, append(fastArgs, "-q")...))
	if res.code != 0 || res.err != nil || res.stderr != "" {
		t.Fatalf("exit %d, %v, stderr %q", res.code, res.err, res.stderr)
	}
}

func TestRunRobots(t *testing.T) {
	input := urlLine("/") + urlLine("/user/1") + urlLine("/user/2") + urlLine("/members?page=2")
	t.Run("warn", func(t *testing.T) {
		srv, hits := smallForum(t)
		in := strings.ReplaceAll(input, `"url":"/`, `"url":"`+srv.URL+`/`)
		res := runFetch(t, t.Context(), in, parseOptions(t, append(fastArgs, "--robots", "warn")...))
		if res.code != 0 {
			t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
		}
		if hits.Load() != 4 {
			t.Errorf("%d pages fetched, want 4", hits.Load())
		}
		if n := strings.Count(res.stderr, "disallows"); n != 2 {
			t.Errorf("%d robots warnings, want one per rule (2):\n%s", n, res.stderr)
		}
		if !strings.Contains(res.stderr, `pb-fetch: robots.txt of `+strings.TrimPrefix(srv.URL, "http://")+`: 2 URLs disallowed by "Disallow: /user/" (line 2), fetched anyway`) {
			t.Errorf("summary does not count per rule:\n%s", res.stderr)
		}
	})
	t.Run("obey", func(t *testing.T) {
		srv, hits := smallForum(t)
		in := strings.ReplaceAll(input, `"url":"/`, `"url":"`+srv.URL+`/`)
		res := runFetch(t, t.Context(), in, parseOptions(t, append(fastArgs, "--robots", "obey")...))
		if res.code != 1 {
			t.Fatalf("exit %d, want 1 (pages skipped)", res.code)
		}
		if hits.Load() != 1 {
			t.Errorf("%d pages fetched, want only the allowed one", hits.Load())
		}
		pages := pagesByURL(t, decodeLines(t, res.stdout))
		if p := pages[srv.URL+"/user/2"]; p["error"] != "disallowed by robots.txt" || p["status"] != float64(0) {
			t.Errorf("disallowed page record: %v", p)
		}
	})
}

func TestRunDeadHost(t *testing.T) {
	base := deadURL(t)
	var in strings.Builder
	for i := range 12 {
		in.WriteString(urlLine(fmt.Sprintf("%s/thread/%d", base, i)))
	}
	o := parseOptions(t, append(fastArgs, "--retries", "2", "--breaker", "3", "--breaker-pause", "20ms", "-c", "3")...)
	start := time.Now()
	res := runFetch(t, t.Context(), in.String(), o)
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("a dead host took %v", el)
	}
	if res.code != 1 || res.err != nil {
		t.Fatalf("exit %d, %v; want 1", res.code, res.err)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	if len(pages) != 12 {
		t.Fatalf("%d page records, want 12", len(pages))
	}
	for u, p := range pages {
		e, _ := p["error"].(string)
		if !strings.Contains(e, "connection refused") && !strings.Contains(e, "host is down") {
			t.Errorf("%s: error %q", u, e)
		}
		if p["status"] != float64(0) {
			t.Errorf("%s: status %v", u, p["status"])
		}
	}
	if !strings.Contains(res.stderr, "giving up on this host") {
		t.Errorf("no word about giving up:\n%s", res.stderr)
	}
}

func TestRunInterrupted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fast" {
			return
		}
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	res := runFetch(t, ctx, urlLine(srv.URL+"/fast")+urlLine(srv.URL+"/slow1")+urlLine(srv.URL+"/slow2"), parseOptions(t, fastArgs...))
	if time.Since(start) > 5*time.Second {
		t.Errorf("interrupt took %v", time.Since(start))
	}
	if res.code != 1 || res.err == nil || !strings.Contains(res.err.Error(), "interrupted: 2") {
		t.Errorf("exit %d, %v", res.code, res.err)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	if len(pages) != 1 || pages[srv.URL+"/fast"] == nil {
		t.Errorf("pages = %v, want only /fast (interrupted ones stay pending)", pages)
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--header", "no colon"},
		{"--render", "--chromium", "/nonexistent/chromium"},
	} {
		res := runFetch(t, t.Context(), "", parseOptions(t, append(fastArgs, args...)...))
		if res.code != 2 || res.err == nil {
			t.Errorf("%q: exit %d, %v; want 2 and an error", args, res.code, res.err)
		}
	}
	// -c 0 is refused when flags are parsed (cli.TestFlagRanges); Run
	// refuses it too, for callers that fill Options themselves.
	o := parseOptions(t, fastArgs...)
	o.Concurrency = 0
	if res := runFetch(t, t.Context(), "", o); res.code != 2 || res.err == nil {
		t.Errorf("Concurrency 0: exit %d, %v; want 2 and an error", res.code, res.err)
	}
}
