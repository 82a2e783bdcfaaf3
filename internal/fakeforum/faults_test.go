package fakeforum

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe for concurrent use, for a tool's stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// waitEntries waits (at most 2 s) until the log has n lines and returns
// them: a line is written when the handler returns, which can be just after
// the client has read the response.
func waitEntries(log *AccessRecorder, n int) []AccessEntry {
	deadline := time.Now().Add(2 * time.Second)
	for {
		e := log.Entries()
		if len(e) >= n || time.Now().After(deadline) {
			return e
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// serve starts the forum on a loopback port.
func serve(t *testing.T, cfg Config) (*Forum, *httptest.Server, *AccessRecorder) {
	t.Helper()
	log := &AccessRecorder{}
	cfg.AccessLog = log
	f := newForum(t, cfg)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, log
}

// plainClient never reuses connections, so Go's transport does not quietly
// retry a request whose connection was reset.
func plainClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func TestFaultsHitAtTheirRatesWithTheirShapes(t *testing.T) {
	rates := map[string]float64{Fault429: 0.12, Fault503: 0.12, FaultSlow: 0.12, FaultReset: 0.12, FaultTruncate: 0.12}
	slow := 5 * time.Millisecond
	f, srv, log := serve(t, Config{Seed: 1, Size: "small", Faults: rates, SlowDelay: slow})
	client := plainClient()
	const n = 600
	full := get(t, small(t), newIconPath).Body.Bytes() // from a forum without faults
	_ = f
	type outcome struct {
		status  int
		err     error
		readErr error
		body    []byte
		retry   string
		elapsed time.Duration
	}
	outcomes := make([]outcome, n)
	for i := range outcomes {
		start := time.Now()
		resp, err := client.Get(fmt.Sprintf("%s%s?i=%d", srv.URL, newIconPath, i))
		o := outcome{err: err}
		if err == nil {
			o.status, o.retry = resp.StatusCode, resp.Header.Get("Retry-After")
			o.body, o.readErr = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		o.elapsed = time.Since(start)
		outcomes[i] = o
	}
	entries := waitEntries(log, n)
	if len(entries) != n {
		t.Errorf("%d access log lines for %d requests", len(entries), n)
	}
	counts := map[string]int{}
	seen := map[int]bool{}
	for _, e := range entries {
		var i int
		if _, err := fmt.Sscanf(e.Path, newIconPath+"?i=%d", &i); err != nil || i < 0 || i >= n || seen[i] {
			t.Errorf("log entry %+v: path unknown or seen twice", e)
			continue
		}
		seen[i] = true
		counts[e.Fault]++
		o := outcomes[i]
		switch e.Fault {
		case Fault429, Fault503:
			want := map[string]int{Fault429: 429, Fault503: 503}[e.Fault]
			if o.status != want || o.retry != "1" || e.Status != want {
				t.Errorf("request %d (%s): status %d, Retry-After %q, logged %d", i, e.Fault, o.status, o.retry, e.Status)
			}
		case FaultReset:
			if o.err == nil || e.Status != 0 {
				t.Errorf("request %d (reset): client error %v, logged status %d", i, o.err, e.Status)
			}
		case FaultTruncate:
			if o.err != nil || !errors.Is(o.readErr, io.ErrUnexpectedEOF) || len(o.body) != len(full)/2 {
				t.Errorf("request %d (truncate): err %v, read error %v, %d of %d bytes", i, o.err, o.readErr, len(o.body), len(full))
			}
		case FaultSlow:
			if o.elapsed < slow || !bytes.Equal(o.body, full) {
				t.Errorf("request %d (slow): %s, %d bytes", i, o.elapsed, len(o.body))
			}
		case "":
			if o.status != 200 || !bytes.Equal(o.body, full) {
				t.Errorf("request %d (no fault): status %d, %d bytes, err %v", i, o.status, len(o.body), o.err)
			}
		default:
			t.Errorf("request %d: unexpected fault %q", i, e.Fault)
		}
	}
	for name, rate := range rates {
		// Within 4 standard deviations of the binomial mean.
		mean := rate * n
		sd := 4 * sqrt(mean*(1-rate))
		if c := float64(counts[name]); c < mean-sd || c > mean+sd {
			t.Errorf("fault %s hit %d of %d requests, want about %.0f", name, counts[name], n, mean)
		}
	}
	t.Logf("fault counts over %d requests: %v", n, counts)

	// robots.txt never fails.
	for i := 0; i < 40; i++ {
		resp, err := client.Get(srv.URL + "/robots.txt")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("robots.txt failed: %v", err)
		}
		resp.Body.Close()
	}
}

func sqrt(x float64) float64 {
	z := x / 2
	for i := 0; i < 30 && z > 0; i++ {
		z -= (z*z - x) / (2 * z)
	}
	return z
}

func TestAccessLogLines(t *testing.T) {
	f, srv, log := serve(t, Config{Seed: 1, Size: "small", Faults: map[string]float64{FaultSlow: 1}, SlowDelay: 50 * time.Millisecond})
	_ = f
	client := plainClient()
	before := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(srv.URL + "/members?page=2")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	after := time.Now()
	entries := waitEntries(log, 16)
	if len(entries) != 16 {
		t.Fatalf("%d lines, want 16", len(entries))
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, e := range entries {
		if e.Method != "GET" || e.Host != host || e.Path != "/members?page=2" || e.Status != 200 || e.Fault != FaultSlow {
			t.Errorf("entry %+v", e)
		}
		// time_ns is when the request started, so well before the slow answer ended.
		if e.TimeNS < before.UnixNano() || e.TimeNS > after.Add(-50*time.Millisecond).UnixNano() {
			t.Errorf("time_ns %d is not the request start", e.TimeNS)
		}
	}
}

var powRE = regexp.MustCompile(`window\.POW_CHALLENGE_DATA=\{challenge_nonce:'([0-9a-f]+)',challenge_hmac:'([0-9a-f]+)',difficulty:'(\d+)',difficulty_char:'([a-f0-9])',issued_at:'(\d+)',cookie_duration:'3600',referrer:'\(null\)'\}`)

func TestProofOfWork(t *testing.T) {
	f, srv, log := serve(t, Config{Seed: 1, Size: "small", Faults: map[string]float64{FaultPoW: 1}})
	client := plainClient()
	fetch := func(path string, cookie string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: PoWCookieName, Value: cookie})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := fetch("/", "")
	m := powRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Retry-After") != "0" || m == nil {
		t.Fatalf("challenge: status %d, Retry-After %q, body %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if e := waitEntries(log, 1); len(e) == 0 || e[0].Fault != FaultPoW || e[0].Status != http.StatusAccepted {
		t.Errorf("logged %+v", e[0])
	}
	// Images and robots.txt are never challenged.
	for _, p := range []string{newIconPath, "/robots.txt", "/css/theme.css"} {
		if r, _ := fetch(p, ""); r.StatusCode != 200 {
			t.Errorf("%s: %d under the PoW gate", p, r.StatusCode)
		}
	}
	nonce, mac, diff, char, issued := m[1], m[2], m[3], m[4], m[5]
	if diff != "1" || char != "b" {
		t.Errorf("difficulty %s×%s", diff, char)
	}
	solved := SolvePoW(nonce, issued, mac, char, 1)
	parts := strings.Split(solved, "|")
	if len(parts) != 5 || !strings.HasPrefix(parts[3], "b") {
		t.Fatalf("solution %q", solved)
	}
	if r, b := fetch("/", solved); r.StatusCode != 200 || !strings.Contains(b, "proboards.data(") {
		t.Errorf("solved challenge: status %d", r.StatusCode)
	}
	if r, _ := fetch("/members", solved); r.StatusCode != 200 {
		t.Errorf("solved challenge on /members: status %d", r.StatusCode)
	}
	// Tampering with any part fails.
	for i := range parts {
		bad := append([]string(nil), parts...)
		bad[i] = strings.Repeat("0", len(bad[i]))
		if r, _ := fetch("/", strings.Join(bad, "|")); r.StatusCode != http.StatusAccepted {
			t.Errorf("a solution with part %d zeroed passes", i)
		}
	}
	// A solution older than the cookie duration is rejected with a fresh challenge.
	f.skew.Store(int64(2 * time.Hour))
	r, b := fetch("/", solved)
	m2 := powRE.FindStringSubmatch(b)
	if r.StatusCode != http.StatusAccepted || m2 == nil || m2[1] == nonce {
		t.Errorf("expired solution: status %d, fresh challenge %v", r.StatusCode, m2 != nil && m2[1] != nonce)
	}
}

func TestLoginGateAndFlow(t *testing.T) {
	f, srv, log := serve(t, Config{Seed: 1, Size: "small", Faults: map[string]float64{FaultLogin: 1}})
	client := plainClient()
	for _, p := range []string{"/members", "/members?page=2", "/user/2"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s without a session: %d to %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if e := waitEntries(log, 1); len(e) == 0 || e[0].Fault != FaultLogin || e[0].Status != http.StatusFound {
		t.Errorf("logged %+v", e[0])
	}
	resp, err := client.Get(srv.URL + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("home under the login gate: %v", err)
	}
	resp.Body.Close()

	// With the cookie from SessionCookie, directly.
	req, _ := http.NewRequest("GET", srv.URL+"/user/2", nil)
	req.AddCookie(f.SessionCookie())
	if resp, err := client.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("with SessionCookie: %v %v", resp, err)
	}

	// Through the login pages, as a browser would.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	login := parseHTML(t, mustBody(t, browser, "GET", srv.URL+"/login", nil))
	form := must(t, login, "form[action='/forum_submit/login']", "login page")
	for _, name := range []string{"ga_client_id", "forum", "email", "password", "remember", "continue"} {
		must(t, form, "input[name="+name+"]", "login form")
	}
	fields := url.Values{"ga_client_id": {""}, "forum": {"1"}, "email": {DefaultAccount.Email}, "remember": {"1"},
		"password": {"wrong horse"}, "continue": {"Continue"}}
	wrong := parseHTML(t, mustBody(t, browser, "POST", srv.URL+"/forum_submit/login", fields))
	if first(wrong, ".errors") == nil || first(wrong, "form#redirect_form") != nil {
		t.Error("a wrong password does not show .errors")
	}
	fields.Set("password", DefaultAccount.Password)
	ok := parseHTML(t, mustBody(t, browser, "POST", srv.URL+"/forum_submit/login", fields))
	rf := must(t, ok, "form#redirect_form[method=post]", "login redirect page")
	action := attrOr(rf, "action")
	if !strings.HasPrefix(action, srv.URL+"/") {
		t.Fatalf("redirect_form action %q is not an absolute URL on the forum", action)
	}
	token := attrOr(must(t, rf, "input[type=hidden][name=token]", "redirect form"), "value")
	home := mustBody(t, browser, "POST", action, url.Values{"token": {token}})
	if !bytes.Contains(home, []byte("Welcome back")) {
		t.Error("after logging in, the home page does not greet the member")
	}
	if b := mustBody(t, browser, "GET", srv.URL+"/members", nil); !bytes.Contains(b, []byte(`class="container members"`)) {
		t.Error("logged in, /members is still gated")
	}
	own := parseHTML(t, mustBody(t, browser, "GET", srv.URL+"/user/1", nil))
	must(t, own, "td.status-input", "own profile")
	// A forged token does not log in.
	forged, _ := http.PostForm(srv.URL+"/login/complete", url.Values{"token": {"forged"}})
	if forged.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d", forged.StatusCode)
	}
	forged.Body.Close()
}

func mustBody(t *testing.T, c *http.Client, method, u string, form url.Values) []byte {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d", method, u, resp.StatusCode)
	}
	return b
}

func TestParseFaults(t *testing.T) {
	got, err := ParseFaults("429, 503=0.05,slow,pow=1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"429": 0.1, "503": 0.05, "slow": 0.1, "pow": 1}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if m, err := ParseFaults(""); err != nil || len(m) != 0 {
		t.Errorf("empty list: %v %v", m, err)
	}
	for _, bad := range []string{"teapot", "429=2", "429=x", "slow,slow", "503=-0.1"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		} else if bad == "teapot" && !strings.Contains(err.Error(), "known:") {
			t.Errorf("unclear error: %v", err)
		}
	}
	if _, err := New(Config{Faults: map[string]float64{"429": 0.6, "503": 0.6}}); err == nil {
		t.Error("New accepted exclusive rates adding up to 1.2")
	}
	if _, err := New(Config{Size: "huge"}); err == nil {
		t.Error("New accepted size huge")
	}
}

func TestAccessRecorderJoinsSplitLinesAndTakes(t *testing.T) {
	var a AccessRecorder
	a.Write([]byte(`{"time_ns":2,"method":"GET","path":"/b","status":200}` + "\n" + `{"time_ns":1,"met`))
	if got := a.Entries(); len(got) != 1 || got[0].Path != "/b" {
		t.Fatalf("before the rest of the line: %+v", got)
	}
	a.Write([]byte(`hod":"GET","path":"/a","status":404}` + "\n"))
	got := a.Take()
	if len(got) != 2 || got[0].Path != "/a" || got[0].Status != 404 || got[1].Path != "/b" {
		t.Fatalf("Take = %+v, want /a then /b (by start time)", got)
	}
	if got := a.Take(); len(got) != 0 {
		t.Errorf("second Take = %+v, want nothing", got)
	}
	if _, err := a.Write([]byte("not json\n")); err == nil || !strings.Contains(err.Error(), "not json") {
		t.Errorf("garbage line: err = %v", err)
	}
}
