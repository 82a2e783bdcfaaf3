package fetch

// Acceptance tests against the fake forum (internal/fakeforum) on loopback.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
)

// testForum is a fake forum served on 127.0.0.1, with the URLs of its
// pages and their fault-free bodies.
type testForum struct {
	srv   *httptest.Server
	forum *fakeforum.Forum
	log   *fakeforum.AccessRecorder
	urls  []string          // boards, threads, members and users, in crawl order
	ref   map[string]string // url -> body served without faults
}

const forumSeed = 7

// protectedBoard is the fake forum's password-protected board ("Staff Lounge").
const protectedBoard = 6

var hrefRE = regexp.MustCompile(`href="(/(?:board|thread|user)/\d+[^"#]*|/members[^"#]*)"`)

// forumSpec says which fake forum to start.
type forumSpec struct {
	size   string // "small" or "medium"
	faults map[string]float64
	slow   time.Duration
	max    int  // how many pages to collect; 0: all there are
	logged bool // the reference bodies are seen logged in (with the session cookie)
	// unlocked: the reference bodies are seen with the protected board's
	// cookie (its threads are then among the urls).
	unlocked bool
	account  fakeforum.Account // the login (default fakeforum.DefaultAccount)
	boardPW  string            // the protected board's password (default fakeforum.DefaultBoardPassword)
	// wrap, when set, stands between the server and the forum (to serve walls).
	wrap func(http.Handler) http.Handler
}

// newTestForum starts a fake forum with faults and crawls, breadth-first
// and without faults, up to spec.max of its pages, keeping their bodies.
func newTestForum(t testing.TB, spec forumSpec) *testForum {
	t.Helper()
	log := &fakeforum.AccessRecorder{}
	f, err := fakeforum.New(fakeforum.Config{Seed: forumSeed, Size: spec.size, Faults: spec.faults, AccessLog: log,
		SlowDelay: spec.slow, Account: spec.account, BoardPassword: spec.boardPW})
	if err != nil {
		t.Fatal(err)
	}
	clean, err := fakeforum.New(fakeforum.Config{Seed: forumSeed, Size: spec.size, Account: spec.account, BoardPassword: spec.boardPW})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = f
	if spec.wrap != nil {
		h = spec.wrap(f)
	}
	tf := &testForum{srv: httptest.NewServer(h), forum: f, log: log, ref: map[string]string{}}
	t.Cleanup(tf.srv.Close)
	get := func(u string) (int, string) {
		rr := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, u, nil) // the same Host as the real server
		if spec.logged {
			req.AddCookie(clean.SessionCookie())
		}
		if spec.unlocked {
			req.AddCookie(clean.BoardCookie(protectedBoard))
		}
		clean.ServeHTTP(rr, req)
		return rr.Code, rr.Body.String()
	}
	max := spec.max
	if max == 0 {
		max = 1 << 30
	}
	queue := []string{tf.srv.URL + "/"}
	seen := map[string]bool{queue[0]: true}
	for len(queue) > 0 && len(tf.urls) < max {
		u := queue[0]
		queue = queue[1:]
		code, body := get(u)
		if code != http.StatusOK {
			continue
		}
		if u != tf.srv.URL+"/" {
			tf.urls = append(tf.urls, u)
			tf.ref[u] = body
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			next := tf.srv.URL + strings.ReplaceAll(m[1], "&amp;", "&")
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	if len(tf.urls) < max && spec.max > 0 {
		t.Fatalf("the fake forum has only %d pages to fetch, want %d", len(tf.urls), max)
	}
	return tf
}

func (tf *testForum) input(urls []string) string {
	var b strings.Builder
	for _, u := range urls {
		b.WriteString(urlLine(u))
	}
	return b.String()
}

// pathOf turns a URL of the forum into the access log's path.
func (tf *testForum) pathOf(u string) string { return strings.TrimPrefix(u, tf.srv.URL) }

func TestFakeForumPoliteness(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", max: 30})
	const delay, long = 200 * time.Millisecond, 600 * time.Millisecond
	o := parseOptions(t, "--delay", "200ms", "-c", "8", "--long-every", "15", "--long-delay", "600ms", "--robots", "warn", "-q")
	res := runFetch(t, t.Context(), tf.input(tf.urls), o)
	if res.code != 0 {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	es := tf.log.Entries()
	if len(es) != len(tf.urls)+1 { // the pages and robots.txt
		t.Fatalf("%d requests, want %d", len(es), len(tf.urls)+1)
	}
	for i := 1; i < len(es); i++ {
		gap := time.Duration(es[i].TimeNS - es[i-1].TimeNS)
		if i%15 == 0 { // the i-th start (from 1) is followed by a long pause
			if gap < long-slack {
				t.Errorf("gap after request %d = %v, want the long pause of %v", i, gap, long)
			}
		} else if gap < delay-slack {
			t.Errorf("gap after request %d (%s) = %v, want at least %v", i, es[i].Path, gap, delay)
		} else if gap >= long {
			t.Errorf("gap after request %d = %v: a long pause out of turn", i, gap)
		}
	}
}

// checkPages checks every url has one page record with status 200 and the
// fault-free body, fetched successfully exactly once.
func checkPages(t *testing.T, tf *testForum, urls []string, res runResult) {
	t.Helper()
	if res.code != 0 || res.err != nil {
		t.Errorf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	if len(pages) != len(urls) {
		t.Errorf("%d page records for %d urls", len(pages), len(urls))
	}
	for _, u := range urls {
		p := pages[u]
		if p == nil {
			t.Errorf("%s: no page record", u)
			continue
		}
		if p["status"] != float64(200) || p["error"] != nil {
			t.Errorf("%s: status %v, error %v after %v attempts", u, p["status"], p["error"], p["attempts"])
		} else if p["body"] != tf.ref[u] {
			t.Errorf("%s: body differs from a fault-free fetch (%d vs %d bytes)", u, len(p["body"].(string)), len(tf.ref[u]))
		}
	}
	ok := map[string]int{}
	for _, e := range tf.log.Entries() {
		if e.Status == http.StatusOK && (e.Fault == "" || e.Fault == "slow") {
			ok[e.Path]++
		}
	}
	for _, u := range urls {
		if n := ok[tf.pathOf(u)]; n != 1 {
			t.Errorf("%s answered successfully %d times, want once", u, n)
		}
	}
}

// summaryRetries reads the retry count from pb-fetch's summary line.
func summaryRetries(t *testing.T, stderr string) int {
	t.Helper()
	m := regexp.MustCompile(`(\d+) retries`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no retry count in the summary:\n%s", stderr)
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

func TestFakeForumFaults(t *testing.T) {
	faults := map[string]float64{"429": 0.1, "503": 0.1, "slow": 0.1, "reset": 0.1, "truncate": 0.1}
	tf := newTestForum(t, forumSpec{size: "medium", faults: faults, slow: 30 * time.Millisecond, max: 300})
	o := parseOptions(t, "--delay", "0", "-c", "8", "--retries", "15", "--backoff", "2ms", "--max-wait", "20ms",
		"--timeout", "5s", "--breaker-pause", "10ms", "--robots", "ignore")
	res := runFetch(t, t.Context(), tf.input(tf.urls), o)
	checkPages(t, tf, tf.urls, res)
	// Every fault we could see was retried; a reset on a kept-alive
	// connection may instead have been replayed by the transport itself.
	seen, faulted := 0, 0
	for _, e := range tf.log.Entries() {
		switch e.Fault {
		case "429", "503", "truncate":
			seen++
			faulted++
		case "reset":
			faulted++
		}
	}
	if r := summaryRetries(t, res.stderr); r < seen || r > faulted {
		t.Errorf("summary counts %d retries; the forum sent %d visible faults, %d in all", r, seen, faulted)
	}
	t.Logf("%d pages, %d faults; %s", len(tf.urls), faulted, strings.TrimSpace(res.stderr))
}

func TestFakeForumTimeouts(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", faults: map[string]float64{"slow": 0.3}, slow: 2 * time.Second, max: 40})
	o := parseOptions(t, "--delay", "0", "-c", "8", "--retries", "12", "--backoff", "2ms", "--timeout", "150ms", "--breaker", "0", "--robots", "ignore")
	start := time.Now()
	res := runFetch(t, t.Context(), tf.input(tf.urls), o)
	checkPages(t, tf, tf.urls, res)
	slow := 0
	for _, e := range tf.log.Entries() {
		if e.Fault == "slow" {
			slow++
		}
	}
	if slow == 0 || summaryRetries(t, res.stderr) != slow {
		t.Errorf("%d slow answers, summary: %s", slow, res.stderr)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("took %v: timeouts were not applied", el)
	}
}

func TestFakeForumProofOfWorkAndLogin(t *testing.T) {
	faults := map[string]float64{"pow": 0.5, "login": 1}
	members := func(urls []string) int {
		n := 0
		for _, u := range urls {
			if strings.Contains(u, "/members") || strings.Contains(u, "/user/") {
				n++
			}
		}
		return n
	}
	t.Run("logged out", func(t *testing.T) {
		tf := newTestForum(t, forumSpec{size: "small", faults: faults, max: 60})
		res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "-c", "4")...))
		loginErrors := 0
		for _, p := range pagesByURL(t, decodeLines(t, res.stdout)) {
			if strings.Contains(fmt.Sprint(p["error"]), "login page") {
				loginErrors++
			}
		}
		if n := members(tf.urls); n == 0 || res.code != 1 || loginErrors != n {
			t.Errorf("exit %d, %d login errors for %d member pages", res.code, loginErrors, n)
		}
	})
	t.Run("with the session in --cookies", func(t *testing.T) {
		tf := newTestForum(t, forumSpec{size: "small", faults: faults, max: 60, logged: true})
		if members(tf.urls) == 0 {
			t.Fatal("no member pages among the urls")
		}
		c := tf.forum.SessionCookie()
		host := strings.Split(strings.TrimPrefix(tf.srv.URL, "http://"), ":")[0]
		cookies := filepath.Join(t.TempDir(), "cookies.txt")
		os.WriteFile(cookies, []byte(fmt.Sprintf("# Netscape HTTP Cookie File\n#HttpOnly_%s\tFALSE\t/\tFALSE\t0\t%s\t%s\n", host, c.Name, c.Value)), 0o600)
		res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "-c", "4", "--cookies", cookies)...))
		checkPages(t, tf, tf.urls, res)
		pow := 0
		for _, e := range tf.log.Entries() {
			if e.Fault == "pow" {
				pow++
			}
		}
		if pow == 0 {
			t.Error("no proof-of-work challenge was served: the test proves nothing")
		}
	})
}

// findPage returns the first url whose fault-free body contains marker.
func (tf *testForum) findPage(t *testing.T, marker string) string {
	t.Helper()
	for _, u := range tf.urls {
		if strings.Contains(tf.ref[u], marker) {
			return u
		}
	}
	t.Fatalf("no page of the fake forum contains %q", marker)
	return ""
}

func TestFakeForumRender(t *testing.T) {
	bin := chromiumOrSkip(t)
	tf := newTestForum(t, forumSpec{size: "small", max: 100})
	poll := tf.findPage(t, `class="view-voters"`)
	board := tf.findPage(t, `id="moderators-link"`)
	likes := tf.findPage(t, `class="view-likes"`)
	tmp := t.TempDir()
	o := parseOptions(t, "--delay", "0", "--render", "--chromium", bin, "--robots", "ignore", "--modal-timeout", "5s")
	o.TempDir = tmp
	in := fmt.Sprintf(`{"type":"url","url":%q,"render":true}`+"\n"+`{"type":"url","url":%q,"render":true}`+"\n"+`{"type":"url","url":%q,"render":true}`+"\n", poll, board, likes)
	res := runFetch(t, t.Context(), in, o)
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	if res.code != 0 {
		for u, p := range pages {
			t.Logf("%s: %v", u, p["error"])
		}
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	body := func(u string) string {
		p := pages[u]
		if p == nil || p["rendered"] != true {
			t.Fatalf("%s not rendered: %v", u, p)
		}
		return p["body"].(string)
	}
	voters := regexp.MustCompile(`<div class="pb-modal" data-for="[^"]+"><div class="ui-dialog" id="poll-voters">.*?data-id="\d+"`)
	if b := body(poll); !voters.MatchString(b) {
		t.Errorf("poll thread %s: no voters modal in the page", poll)
	}
	mods := regexp.MustCompile(`<div class="pb-modal" data-for="moderators-link"><div class="ui-dialog" id="moderators-dialog">.*?class="micro-profile".*?data-id="\d+"`)
	if b := body(board); !mods.MatchString(b) {
		t.Errorf("board %s: no moderators modal in the page", board)
	}
	lk := regexp.MustCompile(`<div class="pb-modal" data-for="post-(\d+)"><div class="ui-dialog likes-dialog" id="likes-dialog-(\d+)"`)
	m := lk.FindAllStringSubmatch(body(likes), -1)
	if len(m) == 0 {
		t.Errorf("thread %s: no likes modal", likes)
	}
	for _, x := range m {
		if x[1] != x[2] {
			t.Errorf("likes of post %s copied as data-for=post-%s", x[2], x[1])
		}
	}
	waitNoProcesses(t, tmp)
}

// BenchmarkFetch measures pb-fetch's throughput against the fake forum on
// loopback (delay 0, 32 workers), next to a bare net/http loop.
func BenchmarkFetch(b *testing.B) {
	tf := newTestForum(b, forumSpec{size: "medium", max: 300})
	urls := tf.urls
	b.Run("pb-fetch", func(b *testing.B) {
		var in strings.Builder
		for i := range b.N {
			in.WriteString(urlLine(urls[i%len(urls)]))
		}
		o := parseOptions(b, "--delay", "0", "-c", "32", "--robots", "ignore", "-q")
		b.ResetTimer()
		start := time.Now()
		code, err := Run(b.Context(), strings.NewReader(in.String()), io.Discard, io.Discard, o)
		if code != 0 || err != nil {
			b.Fatalf("exit %d, %v", code, err)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pages/s")
	})
	b.Run("net/http", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
		jobs := make(chan string)
		var wg sync.WaitGroup
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range jobs {
					resp, err := client.Get(u)
					if err != nil {
						b.Error(err)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
		b.ResetTimer()
		start := time.Now()
		for i := range b.N {
			jobs <- urls[i%len(urls)]
		}
		close(jobs)
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pages/s")
	})
}
