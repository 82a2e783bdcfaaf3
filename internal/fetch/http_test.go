package fetch

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/cookies"
)

// truncating answers with a Content-Length twice the bytes it sends, then
// closes the connection, as a dying forum does.
func truncating(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", 2*len(body), body)
		buf.Flush()
	}
}

func TestHTTPFetcher(t *testing.T) {
	page := strings.Repeat("<p>héllo</p>", 200)
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("gzip not offered: %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, page)
		zw.Close()
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s|%s", r.Header.Get("User-Agent"), r.Header.Get("X-Archive"))
	})
	mux.HandleFunc("/truncated", truncating(page))
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("x", 5000)) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 5 {
			io.WriteString(w, strings.Repeat("x", 1000))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		name      string
		cfg       HTTPConfig
		path      string
		wantBody  string
		wantErr   error // errors.Is target, or nil
		transient bool
	}{
		{"plain", HTTPConfig{}, "/plain", page, nil, false},
		{"gzip decoded by the transport", HTTPConfig{}, "/gzip", page, nil, false},
		{"gzip asked for explicitly", HTTPConfig{Header: http.Header{"Accept-Encoding": {"gzip"}}}, "/gzip", page, nil, false},
		{"headers", HTTPConfig{UserAgent: "pb-test/1", Header: http.Header{"X-Archive": {"yes"}}}, "/headers", "pb-test/1|yes", nil, false},
		{"truncated body", HTTPConfig{}, "/truncated", "", io.ErrUnexpectedEOF, true},
		{"too large by Content-Length", HTTPConfig{MaxBody: 4000}, "/big", "", ErrTooLarge, false},
		{"too large while reading", HTTPConfig{MaxBody: 4000}, "/big-chunked", "", ErrTooLarge, false},
		{"under the limit", HTTPConfig{MaxBody: 5000}, "/big", strings.Repeat("x", 5000), nil, false},
		{"timeout", HTTPConfig{Timeout: 100 * time.Millisecond}, "/slow", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Timeout == 0 {
				tc.cfg.Timeout = 5 * time.Second
			}
			resp, err := NewHTTP(tc.cfg).Fetch(t.Context(), &Request{URL: srv.URL + tc.path})
			if tc.wantErr == nil && !tc.transient {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != tc.wantBody || resp.Status != 200 || resp.Attempts != 1 {
					t.Errorf("got %d %q (%d attempts)", resp.Status, resp.Body, resp.Attempts)
				}
				if resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("Content-Encoding %q left on a decoded body", resp.Header.Get("Content-Encoding"))
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; body %d bytes", len(resp.Body))
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if transient(err) != tc.transient {
				t.Errorf("transient(%v) = %v, want %v", err, transient(err), tc.transient)
			}
			if tc.name == "timeout" {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() || !strings.Contains(err.Error(), "timeout") {
					t.Errorf("timeout error unclear: %v", err)
				}
			}
		})
	}
}

// TestTruncatedBodyIsRetried: a body cut short is fetched again, whole.
func TestTruncatedBodyIsRetried(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			truncating("half")(w, r)
			return
		}
		io.WriteString(w, "whole body")
	}))
	defer srv.Close()
	f := Retry(NewHTTP(HTTPConfig{Timeout: 5 * time.Second}), RetryConfig{Retries: 2, Backoff: time.Millisecond})
	resp, err := f.Fetch(t.Context(), &Request{URL: srv.URL})
	if err != nil || string(resp.Body) != "whole body" || resp.Attempts != 2 {
		t.Fatalf("got %q, %v after %d attempts", resp.Body, err, resp.Attempts)
	}
}

// rawServer answers every connection with the same raw bytes (for
// responses net/http will not write).
func rawServer(t *testing.T, raw string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				http.ReadRequest(bufio.NewReader(c))
				io.WriteString(c, raw)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

func TestBadGzipIsAnError(t *testing.T) {
	base := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\nConnection: close\r\n\r\nnot gzip")
	_, err := NewHTTP(HTTPConfig{Timeout: 5 * time.Second, Header: http.Header{"Accept-Encoding": {"gzip"}}}).
		Fetch(t.Context(), &Request{URL: base})
	if err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Fatalf("err = %v, want a gzip error", err)
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
	cs, err := cookies.Parse(strings.NewReader(
		u.Hostname()+"\tFALSE\t/\tFALSE\t0\tsession\tlogged-in\n"+
			"other.example\tFALSE\t/\tFALSE\t0\tnope\tx\n"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookies.NewJar(cs)
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
