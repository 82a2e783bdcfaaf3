package fetch

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pb-archive/pb/internal/cli"
)

// Logf prints one warning line on stderr.
type Logf func(format string, args ...any)

// Stats counts what a run did. Every decorator adds to the same Stats;
// all methods are safe for concurrent use and on a nil *Stats.
type Stats struct {
	start time.Time

	requests atomic.Int64 // HTTP requests started, retries and hops included
	bytes    atomic.Int64 // body bytes received
	retries  atomic.Int64
	waited   atomic.Int64 // ns spent waiting for a host's turn

	longPauses, retryAfters, breakerPauses atomic.Int64
	pauseTime                              atomic.Int64 // ns of those pauses

	done, failed, rendered atomic.Int64 // items finished (pages, images)

	pows atomic.Int64 // proof-of-work challenges solved

	robotsMu sync.Mutex
	robots   map[string]int // "host\x00rule" -> URLs it disallowed
	robotsOn string         // the --robots mode, for the summary

	wallsMu sync.Mutex
	walls   map[Wall]*wallCount
}

// NewStats returns Stats whose clock starts now.
func NewStats() *Stats { return &Stats{start: time.Now(), robots: map[string]int{}} }

func (s *Stats) pause(kind string, d time.Duration) {
	if s == nil {
		return
	}
	switch kind {
	case "long":
		s.longPauses.Add(1)
	case "retry-after":
		s.retryAfters.Add(1)
	default:
		s.breakerPauses.Add(1)
	}
	s.pauseTime.Add(int64(d))
}

func (s *Stats) powSolved() {
	if s != nil {
		s.pows.Add(1)
	}
}

// PoWSolved returns how many proof-of-work challenges were solved.
func (s *Stats) PoWSolved() int64 {
	if s == nil {
		return 0
	}
	return s.pows.Load()
}

// robotsHit counts one URL disallowed by a robots.txt rule and reports
// whether it is the rule's first.
func (s *Stats) robotsHit(rule string) bool {
	if s == nil {
		return false
	}
	s.robotsMu.Lock()
	defer s.robotsMu.Unlock()
	if s.robots == nil {
		s.robots = map[string]int{}
	}
	s.robots[rule]++
	return s.robots[rule] == 1
}

// Finished counts one item (page or image) finished, failed or not.
func (s *Stats) Finished(failed, rendered bool) {
	if s == nil {
		return
	}
	s.done.Add(1)
	if failed {
		s.failed.Add(1)
	}
	if rendered {
		s.rendered.Add(1)
	}
}

// Failed returns how many items ended in an error.
func (s *Stats) Failed() int64 { return s.failed.Load() }

// Retries returns how many requests were retries.
func (s *Stats) Retries() int64 { return s.retries.Load() }

// Requests returns how many HTTP requests were made.
func (s *Stats) Requests() int64 { return s.requests.Load() }

// Progress returns a one-line progress report; noun names one item ("page").
func (s *Stats) Progress(noun string) string {
	el := time.Since(s.start)
	n := s.done.Load()
	rate := float64(n) / max(el.Seconds(), 1e-3)
	line := fmt.Sprintf("%s (%.1f/s), %s, %s, %s, %d failed",
		cli.Count(n, noun), rate, humanBytes(s.bytes.Load()), cli.Count(s.requests.Load(), "request"),
		cli.Count(s.retries.Load(), "retry"), s.failed.Load())
	if p := s.longPauses.Load() + s.retryAfters.Load() + s.breakerPauses.Load(); p > 0 {
		line += ", " + cli.Count(p, "pause")
	}
	return line
}

// Summary returns the end-of-run report, one or more lines; noun names
// one item ("page").
func (s *Stats) Summary(noun string) string {
	el := time.Since(s.start)
	n := s.done.Load()
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %v (%.1f/s), %s in %s, %s, %d failed",
		cli.Count(n, noun), el.Round(time.Millisecond), float64(n)/max(el.Seconds(), 1e-3),
		humanBytes(s.bytes.Load()), cli.Count(s.requests.Load(), "request"), cli.Count(s.retries.Load(), "retry"), s.failed.Load())
	if r := s.rendered.Load(); r > 0 {
		fmt.Fprintf(&b, ", %d rendered", r)
	}
	if p := s.pows.Load(); p > 0 {
		fmt.Fprintf(&b, ", %s solved", cli.Count(p, "proof-of-work challenge"))
	}
	fmt.Fprintf(&b, "; workers waited %v in all for their host's turn", time.Duration(s.waited.Load()).Round(time.Millisecond))
	if l, ra, br := s.longPauses.Load(), s.retryAfters.Load(), s.breakerPauses.Load(); l+ra+br > 0 {
		fmt.Fprintf(&b, " (%s, %s, %s: %v)",
			cli.Count(l, "long pause"), cli.Count(ra, "Retry-After pause"), cli.Count(br, "failing-host pause"),
			time.Duration(s.pauseTime.Load()).Round(time.Millisecond))
	}
	s.robotsMu.Lock()
	rules := make([]string, 0, len(s.robots))
	for r := range s.robots {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		verb := "fetched anyway"
		if s.robotsOn == RobotsObey {
			verb = "skipped"
		}
		host, rule, _ := strings.Cut(r, "\x00")
		fmt.Fprintf(&b, "\nrobots.txt of %s: %s disallowed by %s, %s", host, cli.Count(s.robots[r], "URL"), rule, verb)
	}
	s.robotsMu.Unlock()
	s.wallSummary(&b)
	return b.String()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ShowProgress prints s.Progress on w every interval until ctx is done:
// rewriting one line on a terminal (w may be a wrapper of one, as a
// cli.SyncWriter of stderr is), one line each time otherwise. It
// returns a function that stops it and clears the line.
func ShowProgress(ctx context.Context, w io.Writer, name, noun string, s *Stats, interval time.Duration) (stop func()) {
	tty := cli.IsTerminal(w)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if tty {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-t.C:
				if tty {
					fmt.Fprintf(w, "\r\033[K%s: %s", name, s.Progress(noun))
				} else {
					fmt.Fprintf(w, "%s: %s\n", name, s.Progress(noun))
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
