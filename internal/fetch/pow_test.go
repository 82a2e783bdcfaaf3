package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/cookies"
)

// powServer answers with ProBoards' proof-of-work page until the request
// carries a valid pow_bypass cookie (proboards-markup.md §13).
func powServer(t *testing.T) (*httptest.Server, *int) {
	challenges := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("pow_bypass"); err == nil {
			p := strings.Split(c.Value, "|")
			sum := sha256.Sum256([]byte(p[0] + p[1] + p[2]))
			if len(p) == 5 && p[0] == "n0nce" && p[1] == "1767225600" && hex.EncodeToString(sum[:]) == p[3] &&
				strings.HasPrefix(p[3], "bb") && p[4] == "mac" {
				w.Write([]byte("the forum"))
				return
			}
			t.Errorf("bad pow_bypass cookie %q", c.Value)
		}
		challenges++
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `<html><script>window.POW_CHALLENGE_DATA={challenge_nonce:'n0nce', challenge_hmac:'mac', difficulty:'2', difficulty_char:'b', issued_at:'1767225600', cookie_duration:'3600', referrer:'(null)' };</script></html>`)
	}))
	t.Cleanup(srv.Close)
	return srv, &challenges
}

func TestPoWIsSolved(t *testing.T) {
	srv, challenges := powServer(t)
	jar, _ := cookiejar.New(nil)
	f := PoW(NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second}), jar, nil)
	for i := range 2 {
		resp, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/board/1"})
		if err != nil || resp.Status != 200 || string(resp.Body) != "the forum" {
			t.Fatalf("fetch %d: %d %q %v", i, resp.Status, resp.Body, err)
		}
	}
	if *challenges != 1 {
		t.Errorf("%d challenges, want 1 (the cookie is kept)", *challenges)
	}
}

func TestPoWUnreadableChallenge(t *testing.T) {
	if _, err := solvePoW(t.Context(), []byte(`POW_CHALLENGE_DATA={difficulty:'x'}`)); err == nil {
		t.Error("a challenge without fields was solved")
	}
}

// expiringPoWServer issues challenges like ProBoards: a solution is good
// for an hour after its challenge was issued, by the server's clock, which
// the test moves; an expired one gets a fresh challenge.
type expiringPoWServer struct {
	mu         sync.Mutex
	now        time.Time
	challenges int
	pages      int
}

func (s *expiringPoWServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := r.Cookie("pow_bypass"); err == nil {
		p := strings.Split(c.Value, "|")
		issued, _ := strconv.ParseInt(p[1], 10, 64)
		sum := sha256.Sum256([]byte(p[0] + p[1] + p[2]))
		if len(p) == 5 && hex.EncodeToString(sum[:]) == p[3] && strings.HasPrefix(p[3], "b") &&
			s.now.Unix()-issued <= 3600 {
			s.pages++
			w.Write([]byte("the forum"))
			return
		}
	}
	s.challenges++
	w.Header().Set("Retry-After", "0")
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, `<html><script>window.POW_CHALLENGE_DATA={challenge_nonce:'n%d', challenge_hmac:'mac', difficulty:'1', difficulty_char:'b', issued_at:'%d', cookie_duration:'3600', referrer:'(null)' };</script></html>`,
		s.challenges, s.now.Unix())
}

func TestPoWExpiredChallengeIsSolvedAgain(t *testing.T) {
	ps := &expiringPoWServer{now: time.Unix(1_767_225_600, 0)}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	jar, _ := cookies.NewJar(nil)
	stats := NewStats()
	f := PoW(NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second}), jar, stats)
	get := func() {
		t.Helper()
		resp, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/thread/1"})
		if err != nil || resp.Status != 200 || string(resp.Body) != "the forum" {
			t.Fatalf("fetch: %v %v", resp, err)
		}
	}
	get()
	get()
	ps.mu.Lock()
	ps.now = ps.now.Add(2 * time.Hour) // the cookie's solution expires
	ps.mu.Unlock()
	get()
	if ps.challenges != 2 || stats.PoWSolved() != 2 {
		t.Errorf("%d challenges served, %d solved; want 2 and 2", ps.challenges, stats.PoWSolved())
	}
	if !strings.Contains(stats.Summary("page"), "2 proof-of-work challenges solved") {
		t.Errorf("summary: %s", stats.Summary("page"))
	}
}

// TestPoWSolvedOncePerHost: workers challenged at once solve one challenge.
func TestPoWSolvedOncePerHost(t *testing.T) {
	ps := &expiringPoWServer{now: time.Unix(1_767_225_600, 0)}
	release := make(chan struct{})
	var arrived atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The first four requests are all challenged before any is answered.
		if arrived.Add(1) <= 4 {
			if arrived.Load() == 4 {
				close(release)
			}
			<-release
		}
		ps.ServeHTTP(w, r)
	}))
	defer srv.Close()
	jar, _ := cookies.NewJar(nil)
	stats := NewStats()
	f := PoW(NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second, Conns: 4}), jar, stats)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := f.Fetch(t.Context(), &Request{URL: fmt.Sprintf("%s/thread/%d", srv.URL, i)})
			if err != nil || resp.Status != 200 {
				t.Errorf("worker %d: %v %v", i, resp, err)
			}
		}()
	}
	wg.Wait()
	if stats.PoWSolved() != 1 || ps.pages != 4 {
		t.Errorf("%d challenges solved, %d pages served; want 1 and 4", stats.PoWSolved(), ps.pages)
	}
}

func TestPoWGivesUpClearly(t *testing.T) {
	// A server that never accepts a solution.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `<script>window.POW_CHALLENGE_DATA={challenge_nonce:'n', challenge_hmac:'m', difficulty:'1', difficulty_char:'b', issued_at:'1', cookie_duration:'3600'};</script>`)
	}))
	defer srv.Close()
	jar, _ := cookies.NewJar(nil)
	f := Retry(PoW(NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second}), jar, nil), RetryConfig{Retries: 3, Backoff: time.Millisecond})
	resp, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/"})
	if !errors.Is(err, ErrPoW) || resp.Attempts != 3 {
		t.Errorf("err %v after %d attempts; want ErrPoW after 3, not retried", err, resp.Attempts)
	}
	if w, msg, _ := pageWall(&Request{URL: srv.URL + "/"}, resp, err); w != WallPoW || !strings.Contains(msg, "proof-of-work") {
		t.Errorf("wall %q %q", w, msg)
	}
}
