package fetch

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSharedLimitersBehaveAsOne runs two Limiters, as two processes would
// (pb-fetch and pb-images), on one host with one schedule folder: their
// starts together keep the delay, and the long pause comes after every
// LongEvery-th request of both together.
func TestSharedLimitersBehaveAsOne(t *testing.T) {
	srv := httptest.NewServer(okHandler)
	defer srv.Close()
	dir := t.TempDir()
	const delay, long, every = 40 * time.Millisecond, 160 * time.Millisecond, 4
	log := &startLog{next: NewHTTP(HTTPConfig{Timeout: 5 * time.Second, Conns: 8})}
	newLimiter := func() *Limiter {
		return NewLimiter(LimitConfig{
			Forum: Schedule{Delay: delay, LongDelay: long, LongEvery: every},
			Hosts: NewHosts(srv.URL), Dir: dir,
		})
	}
	a, b := newLimiter(), newLimiter()
	defer a.Close()
	defer b.Close()
	var wg sync.WaitGroup
	for _, l := range []*Limiter{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, err := range fetchAll(t, Limit(log, l), srv.URL, 6, 3) {
				if err != nil {
					t.Errorf("request %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	gaps := log.gaps()
	if len(gaps) != 11 {
		t.Fatalf("%d gaps, want 11", len(gaps))
	}
	for i, g := range gaps {
		if (i+1)%every == 0 {
			if g < long-slack {
				t.Errorf("gap after request %d = %v, want the shared long pause of %v", i+1, g, long)
			}
		} else if g < delay-slack {
			t.Errorf("gap after request %d = %v, want at least %v: the two limiters did not share the schedule", i+1, g, delay)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pb-limit-*"))
	if len(files) != 1 {
		t.Errorf("schedule files %v, want one for the one host", files)
	}
}

// TestSharedPause: a Retry-After one process gets holds the other back too.
func TestSharedPause(t *testing.T) {
	dir := t.TempDir()
	cfg := LimitConfig{Forum: Schedule{Delay: time.Millisecond}, Other: Schedule{Delay: time.Millisecond},
		Hosts: NewHosts("forum.example"), Dir: dir}
	a, b := NewLimiter(cfg), NewLimiter(cfg)
	defer a.Close()
	defer b.Close()
	a.Pause("forum.example", 150*time.Millisecond, "retry-after")
	start := time.Now()
	if err := b.Wait(t.Context(), "forum.example"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond-slack {
		t.Errorf("the other limiter started after %v, want the 150ms pause", d)
	}
	// Other hosts (images all over the web) keep their schedules in process.
	if err := b.Wait(t.Context(), "images.example"); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "pb-limit-*")); len(files) != 1 {
		t.Errorf("schedule files %v, want the forum host's only", files)
	}
}

// TestSharedFileLeftByAnEarlierRun: a rested host starts counting afresh
// (no long pause out of turn), and a recent start still holds the next one.
func TestSharedFileLeftByAnEarlierRun(t *testing.T) {
	dir := t.TempDir()
	host := "forum.example"
	sched := Schedule{Delay: 10 * time.Millisecond, LongDelay: 300 * time.Millisecond, LongEvery: 3}
	s := newSharedSchedules(dir, nil)
	write := func(st sharedState) {
		if err := os.WriteFile(s.path(host), st.bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Two starts counted, the last an hour ago: the next is the first again.
	write(sharedState{next: time.Now().Add(-time.Hour).UnixNano(), count: 2})
	l := NewLimiter(LimitConfig{Forum: sched, Hosts: NewHosts(host), Dir: dir})
	defer l.Close()
	for i := range 2 {
		start := time.Now()
		if err := l.Wait(t.Context(), host); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("start %d waited %v: a long pause counted from the earlier run", i+1, d)
		}
	}
	if st := readState(t, s.path(host)); st.count != 2 {
		t.Errorf("count %d after two starts on a rested host, want 2", st.count)
	}
	// Another process started 100ms from now: wait for it.
	write(sharedState{next: time.Now().Add(100 * time.Millisecond).UnixNano(), count: 1})
	start := time.Now()
	if err := l.Wait(t.Context(), host); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond-slack {
		t.Errorf("started after %v, want the other process's slot in 100ms", d)
	}
	for _, junk := range []string{"", "garbage", "1 2", "01 02 x"} {
		if st := parseState([]byte(junk)); st != (sharedState{}) {
			t.Errorf("parseState(%q) = %+v", junk, st)
		}
	}
	if st := parseState(sharedState{next: 1795533982906968973, paused: 9, count: 31}.bytes()); st.next != 1795533982906968973 || st.paused != 9 || st.count != 31 {
		t.Errorf("round trip: %+v", st)
	}
}

func readState(t *testing.T, path string) sharedState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseState(b)
}

// TestSharedScheduleFallsBack: an unusable folder keeps the schedule in the
// process (said once), and "none" never touches the disk.
func TestSharedScheduleFallsBack(t *testing.T) {
	var said atomic.Int64
	var msg atomic.Value
	l := NewLimiter(LimitConfig{Forum: Schedule{Delay: 20 * time.Millisecond}, Hosts: NewHosts("forum.example"),
		Dir: filepath.Join(t.TempDir(), "missing"), Log: func(f string, a ...any) { said.Add(1); msg.Store(f) }})
	defer l.Close()
	var starts []time.Time
	for range 3 {
		if err := l.Wait(t.Context(), "forum.example"); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
	}
	if said.Load() != 1 || !strings.Contains(msg.Load().(string), "kept in this process") {
		t.Errorf("%d messages (%v), want one", said.Load(), msg.Load())
	}
	for i := 1; i < len(starts); i++ {
		if g := starts[i].Sub(starts[i-1]); g < 20*time.Millisecond-slack {
			t.Errorf("gap %v without the shared file: the in-process schedule was lost", g)
		}
	}
	if n := NewLimiter(LimitConfig{Dir: LimitDirNone}); n.shared != nil {
		t.Error("--limit-dir none shares the schedule")
	}
}

// TestTwoProcessesShareTheSchedule builds pb-fetch and runs two of them at
// once against one server, as a pipeline runs pb-fetch and pb-images: the
// server sees their requests at least --delay apart, as if from one process.
func TestTwoProcessesShareTheSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pb-fetch")
	}
	bin := filepath.Join(t.TempDir(), "pb-fetch")
	build := exec.Command("go", "build", "-o", bin, "github.com/pb-archive/pb/cmd/pb-fetch")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		io.WriteString(w, "<html>page</html>")
	}))
	defer srv.Close()
	const delay, perProcess = 300 * time.Millisecond, 5
	dir := t.TempDir()
	var wg sync.WaitGroup
	for p := range 2 {
		var in strings.Builder
		for i := range perProcess {
			in.WriteString(urlLine(fmt.Sprintf("%s/p%d/%d", srv.URL, p, i)))
		}
		cmd := exec.CommandContext(t.Context(), bin, "--delay", delay.String(), "--long-every", "0", "-c", "3",
			"--robots", "ignore", "--limit-dir", dir, "-q")
		cmd.Stdin = strings.NewReader(in.String())
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cmd.Wait(); err != nil {
				t.Errorf("pb-fetch %d: %v\n%s", p, err, stderr.String())
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 2*perProcess {
		t.Fatalf("%d requests, want %d", len(arrivals), 2*perProcess)
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	// One schedule for both processes spreads the 10 requests over 9
	// delays; two schedules of their own would take 4. A gap between two
	// arrivals says little on a loaded machine (a request held up on its
	// way arrives just before the next one), so the test judges the span,
	// with the threshold halfway between the two outcomes.
	shared, separate := time.Duration(2*perProcess-1)*delay, time.Duration(perProcess-1)*delay
	if span := arrivals[len(arrivals)-1].Sub(arrivals[0]); span < (shared+separate)/2 {
		t.Errorf("the %d requests of two processes arrived within %v; one shared schedule takes at least %v", len(arrivals), span, shared)
	}
}
