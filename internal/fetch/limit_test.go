package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// startLog records when the limiter let each request through to next, the
// transport. Measuring there rather than in the server's handler tests the
// limiter's own contract, without the jitter a loaded machine adds between
// sending a request and the server's handler running. (The acceptance test
// in fakeforum_test.go measures at the server, through the access log.)
type startLog struct {
	mu     sync.Mutex
	starts []time.Time
	next   Fetcher
}

func (l *startLog) Fetch(ctx context.Context, req *Request) (*Response, error) {
	l.mu.Lock()
	l.starts = append(l.starts, time.Now())
	l.mu.Unlock()
	return l.next.Fetch(ctx, req)
}

func (l *startLog) gaps() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := append([]time.Time(nil), l.starts...)
	sort.Slice(s, func(i, j int) bool { return s[i].Before(s[j]) })
	var out []time.Duration
	for i := 1; i < len(s); i++ {
		out = append(out, s[i].Sub(s[i-1]))
	}
	return out
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })

// fetchAll fetches n URLs of srv with c workers through f.
func fetchAll(t *testing.T, f Fetcher, base string, n, c int) []error {
	t.Helper()
	errs := make([]error, n)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				_, errs[i] = f.Fetch(t.Context(), &Request{URL: base + "/p/" + string(rune('a'+i%26))})
			}
		}()
	}
	wg.Wait()
	return errs
}

// slack allows for timer and scheduling jitter on a loaded machine.
const slack = 5 * time.Millisecond

func TestLimitSpacesStartsAndPausesLong(t *testing.T) {
	srv := httptest.NewServer(okHandler)
	defer srv.Close()
	log := &startLog{next: NewHTTP(HTTPConfig{Timeout: 5 * time.Second, Conns: 8})}
	const delay, long, every, n = 50 * time.Millisecond, 250 * time.Millisecond, 5, 16
	stats := NewStats()
	lim := NewLimiter(LimitConfig{
		Forum: Schedule{Delay: delay, LongDelay: long, LongEvery: every},
		Hosts: NewHosts(srv.URL), Stats: stats,
	})
	f := Limit(log, lim)
	for i, err := range fetchAll(t, f, srv.URL, n, 8) {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	gaps := log.gaps()
	if len(gaps) != n-1 {
		t.Fatalf("%d gaps, want %d", len(gaps), n-1)
	}
	for i, g := range gaps {
		// gaps[i] is between the (i+1)-th and (i+2)-th start.
		if (i+1)%every == 0 {
			if g < long-slack {
				t.Errorf("gap after request %d = %v, want a long pause of %v", i+1, g, long)
			}
		} else if g < delay-slack {
			t.Errorf("gap after request %d = %v, want at least %v", i+1, g, delay)
		} else if g >= long {
			t.Errorf("gap after request %d = %v: a long pause out of turn", i+1, g)
		}
	}
	if got := stats.longPauses.Load(); got != (n-1)/every {
		t.Errorf("long pauses counted = %d, want %d", got, (n-1)/every)
	}
}

func TestLimitOtherHostsHaveTheirOwnSchedule(t *testing.T) {
	forum := httptest.NewServer(okHandler)
	defer forum.Close()
	other := httptest.NewServer(okHandler)
	defer other.Close()
	transport := NewHTTP(HTTPConfig{Timeout: 5 * time.Second})
	forumLog, otherLog := &startLog{next: transport}, &startLog{next: transport}
	byHost := FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		if strings.HasPrefix(req.URL, forum.URL) {
			return forumLog.Fetch(ctx, req)
		}
		return otherLog.Fetch(ctx, req)
	})
	lim := NewLimiter(LimitConfig{
		Forum: Schedule{Delay: 300 * time.Millisecond},
		Other: Schedule{Delay: 20 * time.Millisecond},
		Hosts: NewHosts(forum.URL),
	})
	f := Limit(byHost, lim)
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); fetchAll(t, f, forum.URL, 2, 2) }()
	go func() { defer wg.Done(); fetchAll(t, f, other.URL, 6, 3) }()
	wg.Wait()
	for _, g := range otherLog.gaps() {
		if g < 20*time.Millisecond-slack {
			t.Errorf("other host gap %v < 20ms", g)
		}
	}
	if g := forumLog.gaps(); len(g) != 1 || g[0] < 300*time.Millisecond-slack {
		t.Errorf("forum gaps = %v, want one of 300ms", g)
	}
	// The image host did not queue behind the forum's slow schedule.
	otherLog.mu.Lock()
	last := otherLog.starts[len(otherLog.starts)-1]
	otherLog.mu.Unlock()
	if last.Sub(start) > 280*time.Millisecond {
		t.Errorf("other host's requests took %v: they waited for the forum's schedule", last.Sub(start))
	}
}

func TestLimitZeroDelayIsConcurrent(t *testing.T) {
	var cur, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(30 * time.Millisecond)
	}))
	defer srv.Close()
	lim := NewLimiter(LimitConfig{Forum: Schedule{Delay: 0, LongDelay: time.Hour, LongEvery: 1}, Hosts: NewHosts(srv.URL)})
	fetchAll(t, Limit(NewHTTP(HTTPConfig{Timeout: 5 * time.Second, Conns: 8}), lim), srv.URL, 16, 8)
	if peak.Load() < 2 {
		t.Errorf("peak concurrency %d with --delay 0: limiting was not off", peak.Load())
	}
}

// TestRetryAfterPausesTheHost: one 429 stops every worker for that host,
// not only the one that got it.
func TestRetryAfterPausesTheHost(t *testing.T) {
	var mu sync.Mutex
	var firstAt, otherAt time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/busy" {
			firstAt = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		otherAt = time.Now()
	}))
	defer srv.Close()
	stats := NewStats()
	lim := NewLimiter(LimitConfig{Hosts: NewHosts(srv.URL), MaxWait: 300 * time.Millisecond, Stats: stats})
	f := Limit(NewHTTP(HTTPConfig{Timeout: 5 * time.Second}), lim)
	if resp, _ := f.Fetch(t.Context(), &Request{URL: srv.URL + "/busy"}); resp.Status != 429 {
		t.Fatalf("status %d", resp.Status)
	}
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/other"}); err != nil {
		t.Fatal(err)
	}
	if d := otherAt.Sub(firstAt); d < 300*time.Millisecond-slack {
		t.Errorf("next request %v after the 429, want the Retry-After capped at 300ms", d)
	}
	if stats.retryAfters.Load() != 1 {
		t.Errorf("Retry-After pauses counted = %d, want 1", stats.retryAfters.Load())
	}
}

// deadURL returns a URL of a loopback port nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestBreakerGivesUpOnADeadHost(t *testing.T) {
	base := deadURL(t)
	var logged atomic.Int64
	lim := NewLimiter(LimitConfig{
		Hosts: NewHosts(base), BreakerThreshold: 3, BreakerPause: 20 * time.Millisecond, MaxWait: time.Second,
		Log: func(string, ...any) { logged.Add(1) },
	})
	f := Retry(Limit(NewHTTP(HTTPConfig{Timeout: time.Second}), lim), RetryConfig{Retries: 2, Backoff: time.Millisecond})
	start := time.Now()
	var last error
	calls := 0
	for ; calls < 50; calls++ {
		_, last = f.Fetch(t.Context(), &Request{URL: base + "/"})
		if errors.Is(last, ErrHostDown) {
			break
		}
	}
	if !errors.Is(last, ErrHostDown) {
		t.Fatalf("after %d fetches: %v, want ErrHostDown", calls, last)
	}
	// 4 trips of 3 failures: 12 requests, 3 per fetch.
	if calls > 5 || time.Since(start) > 5*time.Second {
		t.Errorf("gave up after %d fetches and %v", calls, time.Since(start))
	}
	if logged.Load() != breakerTrips {
		t.Errorf("%d breaker messages, want %d", logged.Load(), breakerTrips)
	}
	// Later requests fail at once, without a connection.
	t0 := time.Now()
	if _, err := f.Fetch(context.Background(), &Request{URL: base + "/x"}); !errors.Is(err, ErrHostDown) || time.Since(t0) > 100*time.Millisecond {
		t.Errorf("after giving up: %v in %v", err, time.Since(t0))
	}
}

func TestLimitJitter(t *testing.T) {
	const delay, jitter = 10 * time.Millisecond, 40 * time.Millisecond
	lim := NewLimiter(LimitConfig{Forum: Schedule{Delay: delay, Jitter: jitter}, Hosts: NewHosts("forum.example")})
	var starts []time.Time
	for range 10 {
		if err := lim.Wait(t.Context(), "forum.example"); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
	}
	var longest time.Duration
	for i := 1; i < len(starts); i++ {
		g := starts[i].Sub(starts[i-1])
		if g < delay-slack/5 {
			t.Errorf("gap %v shorter than the delay", g)
		}
		longest = max(longest, g)
	}
	// Nine jitters all under 5ms have a chance of 1 in 8^9.
	if longest < delay+5*time.Millisecond {
		t.Errorf("longest gap %v: no jitter added to the delay of %v", longest, delay)
	}
}
