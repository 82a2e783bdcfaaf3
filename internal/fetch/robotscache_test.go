package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingFetcher answers robots.txt requests with a fixed response and
// counts the requests per URL.
type countingFetcher struct {
	mu     sync.Mutex
	n      map[string]int
	status int
	err    error
	wait   time.Duration
}

func (c *countingFetcher) Fetch(ctx context.Context, req *Request) (*Response, error) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[req.URL]++
	c.mu.Unlock()
	time.Sleep(c.wait)
	if c.err != nil {
		return &Response{URL: req.URL}, c.err
	}
	return &Response{URL: req.URL, FinalURL: req.URL, Status: c.status, Body: []byte("User-agent: *\nDisallow: /user/\n")}, nil
}

func (c *countingFetcher) count(u string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[u]
}

// TestRobotsCacheTTL asks for a robots.txt, moves the injected clock, asks
// again (as another process would: a new cache on the same folder) and
// counts what reached the network.
func TestRobotsCacheTTL(t *testing.T) {
	const robots = "https://x.proboards.com/robots.txt"
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		status   int
		err      error
		later    time.Duration // the second request's time, after the first
		second   string        // the second request's URL
		dir      string        // "" = a folder of the test's own
		requests int           // how many reached the network for the second URL
	}{
		{"fresh answer is reused", 200, nil, time.Hour, robots, "", 1},
		{"just under a day", 200, nil, DefaultRobotsTTL - time.Second, robots, "", 1},
		{"a day later it is asked again", 200, nil, DefaultRobotsTTL, robots, "", 2},
		{"clock set back: not trusted", 200, nil, -time.Hour, robots, "", 2},
		{"404 (no robots.txt) is an answer", 404, nil, time.Hour, robots, "", 1},
		{"503 is asked again", 503, nil, time.Minute, robots, "", 2},
		{"a failed request is asked again", 0, errors.New("connection reset"), time.Minute, robots, "", 2},
		{"another site has its own", 200, nil, time.Minute, "https://y.proboards.com/robots.txt", "", 1},
		{"another scheme is another site", 200, nil, time.Minute, "http://x.proboards.com/robots.txt", "", 1},
		{"other URLs are never cached", 200, nil, time.Minute, "https://x.proboards.com/robots.txt?x=1", "", 2},
		{"--limit-dir none: no cache", 200, nil, time.Minute, robots, LimitDirNone, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = t.TempDir()
			}
			next := &countingFetcher{status: tc.status, err: tc.err}
			now := t0
			clock := func() time.Time { return now }
			first := CacheRobots(next, RobotsCacheConfig{Dir: dir, Now: clock})
			first.Fetch(t.Context(), &Request{URL: robots})
			if tc.second != robots {
				first.Fetch(t.Context(), &Request{URL: tc.second})
			}
			now = t0.Add(tc.later)
			second := CacheRobots(next, RobotsCacheConfig{Dir: dir, Now: clock})
			resp, err := second.Fetch(t.Context(), &Request{URL: tc.second})
			if got := next.count(tc.second); got != tc.requests {
				t.Errorf("%s reached the network %d times, want %d", tc.second, got, tc.requests)
			}
			if (err != nil) != (tc.err != nil) || resp == nil || resp.Status != tc.status {
				t.Fatalf("second answer: %+v, %v; want status %d", resp, err, tc.status)
			}
			if tc.status == 200 && !strings.Contains(string(resp.Body), "Disallow: /user/") {
				t.Errorf("second answer's body = %q", resp.Body)
			}
		})
	}
}

// TestRobotsCacheBadFile: a damaged cache file is fetched over, and a
// folder that cannot hold the file only costs a request per process.
func TestRobotsCacheBadFile(t *testing.T) {
	const robots = "https://x.proboards.com/robots.txt"
	dir := t.TempDir()
	next := &countingFetcher{status: 200}
	c := CacheRobots(next, RobotsCacheConfig{Dir: dir})
	c.Fetch(t.Context(), &Request{URL: robots})
	files, _ := filepath.Glob(filepath.Join(dir, "pb-robots-*"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v, want one", files)
	}
	if err := os.WriteFile(files[0], []byte(`{"url": "https://x.pro`), 0o600); err != nil {
		t.Fatal(err)
	}
	CacheRobots(next, RobotsCacheConfig{Dir: dir}).Fetch(t.Context(), &Request{URL: robots})
	CacheRobots(next, RobotsCacheConfig{Dir: dir}).Fetch(t.Context(), &Request{URL: robots})
	if n := next.count(robots); n != 2 {
		t.Errorf("%d requests, want 2 (the first, and one after the file was damaged)", n)
	}

	var logged []string
	gone := filepath.Join(dir, "no-such-folder")
	c = CacheRobots(next, RobotsCacheConfig{Dir: gone, Log: func(f string, a ...any) { logged = append(logged, f) }})
	for range 2 {
		if resp, err := c.Fetch(t.Context(), &Request{URL: robots}); err != nil || resp.Status != 200 {
			t.Fatalf("without a usable folder: %+v, %v", resp, err)
		}
	}
	if len(logged) != 1 {
		t.Errorf("%d warnings about the unusable folder, want 1: %q", len(logged), logged)
	}
}

// TestRobotsCacheTogether starts several "processes" (caches of their
// own on one folder) at once: the file lock lets one of them fetch, and
// the others read its answer.
func TestRobotsCacheTogether(t *testing.T) {
	const robots = "https://x.proboards.com/robots.txt"
	dir := t.TempDir()
	next := &countingFetcher{status: 200, wait: 50 * time.Millisecond}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := CacheRobots(next, RobotsCacheConfig{Dir: dir}).Fetch(t.Context(), &Request{URL: robots})
			if err != nil || resp.Status != 200 || len(resp.Body) == 0 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := next.count(robots); n != 1 || bad.Load() != 0 {
		t.Errorf("4 processes starting together made %d requests (want 1); %d got no answer", n, bad.Load())
	}
}

// TestRobotsCachedAcrossRuns runs pb-fetch twice on one --limit-dir, as
// two passes of a mirror do: robots.txt is asked for once, and the second
// run still obeys it.
func TestRobotsCachedAcrossRuns(t *testing.T) {
	var robotsHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robotsHits.Add(1)
		w.Write([]byte("User-agent: *\nDisallow: /user/\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>ok</html>")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	args := []string{"--delay", "0", "--robots", "obey", "--limit-dir", dir, "-q"}
	for run := 1; run <= 2; run++ {
		res := runFetch(t, t.Context(), urlLine(srv.URL+"/board/1")+urlLine(srv.URL+"/user/2"), parseOptions(t, args...))
		pages := pagesByURL(t, decodeLines(t, res.stdout))
		if p := pages[srv.URL+"/user/2"]; p["error"] != "disallowed by robots.txt" {
			t.Errorf("run %d: /user/2 = %v, want disallowed by robots.txt", run, p)
		}
		if p := pages[srv.URL+"/board/1"]; p["status"] != float64(200) {
			t.Errorf("run %d: /board/1 = %v", run, p)
		}
	}
	if n := robotsHits.Load(); n != 1 {
		t.Errorf("two runs on one --limit-dir asked for robots.txt %d times, want 1", n)
	}
}
