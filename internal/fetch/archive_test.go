package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pb-archive/pb/internal/warc"
)

// TestWARCArchivesWhatWasFetched runs pb-fetch --warc over a redirect, a
// gzip-encoded page, a 429 that passes on retry and a proof-of-work page,
// and checks what the WARC holds: every hop as a response of its own, the
// final answers only (no 429, no 202), masked headers that agree with the
// stored body, no secret header; and what the page records say.
func TestWARCArchivesWhatWasFetched(t *testing.T) {
	var busy atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, "<html>page b</html>")
			zw.Close()
		case "/busy":
			if busy.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, "slow down")
				return
			}
			io.WriteString(w, "<html>done</html>")
		}
	}))
	defer srv.Close()
	pow, _ := powServer(t)
	dir := t.TempDir()
	o := parseOptions(t, append(fastArgs, "--warc", dir, "--header", "Authorization:Basic SECRET-AUTH", "--header", "X-Api-Key:SECRET-KEY")...)
	in := `{"type":"url","url":"` + srv.URL + `/a"}` + "\n" + `{"type":"url","url":"` + srv.URL + `/busy"}` + "\n" +
		`{"type":"url","url":"` + pow.URL + `/board/1"}` + "\n"
	res := runFetch(t, context.Background(), in, o)
	if res.code != 0 {
		t.Fatalf("exit %d: %v\n%s", res.code, res.err, res.stderr)
	}
	files, _ := warc.Files(dir)
	lines, err := warc.Index(files)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range lines {
		got[strings.TrimPrefix(strings.TrimPrefix(l.Fields["url"], srv.URL), pow.URL)] += l.Fields["status"] + " "
	}
	want := map[string]string{"/a": "302 ", "/b": "200 ", "/busy": "200 ", "/board/1": "200 "}
	if len(got) != len(want) {
		t.Errorf("archived %v, want %v", got, want)
	}
	for u, s := range want {
		if got[u] != s {
			t.Errorf("%s archived with statuses %q, want %q (all: %v)", u, got[u], s, got)
		}
	}
	var plain []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		zr, _ := gzip.NewReader(bytes.NewReader(b))
		d, _ := io.ReadAll(zr)
		plain = append(plain, d...)
	}
	for _, secret := range []string{"SECRET-AUTH", "SECRET-KEY", "pow_bypass="} {
		if bytes.Contains(plain, []byte(secret)) {
			t.Errorf("%s is in the WARC", secret)
		}
	}
	r := warc.NewReader()
	var pages []*warc.Page
	for _, f := range files {
		if err := r.ReadFile(f, func(p *warc.Page) error { pages = append(pages, p); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range pages {
		if p.URL != srv.URL+"/a" {
			continue
		}
		h := http.Header(p.Headers)
		if p.FinalURL != srv.URL+"/b" || string(p.Raw) != "<html>page b</html>" || len(p.Redirects) != 1 || p.Redirects[0].Status != 302 ||
			h.Get("X-Crawler-Content-Encoding") != "gzip" || h.Get("Content-Encoding") != "" || h.Get("Content-Length") != "19" {
			t.Errorf("page read back: %+v", p.Page)
		}
	}

	// The page records carry what a WARC needs.
	for _, m := range decodeLines(t, res.stdout) {
		if m["url"] != srv.URL+"/a" {
			continue
		}
		rh, _ := m["request_headers"].(map[string]any)
		redirects, _ := m["redirects"].([]any)
		if m["http_version"] != "HTTP/1.1" || m["remote_addr"] != "127.0.0.1" || m["request_method"] != "GET" ||
			rh["User-Agent"] == nil || rh["Authorization"] != nil || rh["X-Api-Key"] != nil || len(redirects) != 1 || m["headers"] == nil {
			t.Errorf("page record %v", m)
		}
	}
}
