package fetch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/pb-archive/pb/internal/cli"
)

// Schedule is the politeness schedule of one kind of host.
type Schedule struct {
	// Delay is the least time between two request starts; 0 turns the
	// schedule off (pauses asked for by the host still apply).
	Delay time.Duration
	// LongDelay replaces Delay after every LongEvery-th request.
	LongDelay time.Duration
	LongEvery int
	// Jitter adds a random [0, Jitter) to every delay.
	Jitter time.Duration
}

// LimitConfig configures the Limiter.
type LimitConfig struct {
	// Forum is the schedule of the forum's hosts (those in Hosts); Other
	// the schedule of every other host (image hosts, CDNs), each on its own.
	Forum, Other Schedule
	Hosts        *Hosts
	// BreakerThreshold consecutive failures pause a host for BreakerPause,
	// doubling on each further trip; after breakerTrips trips without a
	// success in between the host counts as down for the rest of the run.
	// 0 turns the breaker off.
	BreakerThreshold int
	BreakerPause     time.Duration
	// MaxWait caps a pause a host asks for with Retry-After.
	MaxWait time.Duration
	// Dir holds the files that share each host's schedule with other pb
	// processes on the machine; "" or LimitDirNone keeps it in this process.
	Dir   string
	Stats *Stats
	Log   Logf
}

// breakerTrips is how many times in a row a host may trip the breaker
// before it is given up: with the default 30s pause that is 30s + 1m + 2m
// of patience, enough for a restart, bounded for a dead host.
const breakerTrips = 4

// Limiter keeps one schedule per host, shared by every worker: a request
// waits for its host's next start slot. Slots are counted from when a
// request really starts, not from when it was scheduled, so a late wake-up
// never brings two starts closer than the delay (x/time/rate's token
// bucket schedules from reservation times, and has no periodic long pause,
// which is why this is hand-made).
//
// With LimitConfig.Dir, the schedule of the forum's hosts is also shared
// with other processes (see sharedSchedules): after its in-process turn, a
// request waits for the host's slot in the shared file too.
type Limiter struct {
	cfg    LimitConfig
	mu     sync.Mutex
	hosts  map[string]*hostState
	shared *sharedSchedules // nil: this process only
}

type hostState struct {
	name string
	turn chan struct{} // a one-slot lock, held while waiting for the start slot

	mu          sync.Mutex
	next        time.Time // earliest next start
	nextIsLong  bool      // next was set by a long pause
	starts      int
	pausedUntil time.Time // a pause the host asked for, or the breaker's
	failures    int       // consecutive failures
	trips       int       // consecutive breaker trips
	down        error
}

// NewLimiter returns a Limiter.
func NewLimiter(cfg LimitConfig) *Limiter {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if cfg.Stats == nil {
		cfg.Stats = NewStats()
	}
	l := &Limiter{cfg: cfg, hosts: map[string]*hostState{}}
	if cfg.Dir != "" && cfg.Dir != LimitDirNone {
		l.shared = newSharedSchedules(cfg.Dir, cfg.Log)
	}
	return l
}

// sharesSchedule reports whether host's schedule is shared with other
// processes: the forum's hosts only, which every pb process asks; a file
// per image host of the web would be many files for little.
func (l *Limiter) sharesSchedule(host string) bool {
	return l.shared != nil && l.cfg.Hosts.Has(host)
}

// Close releases the shared schedule files.
func (l *Limiter) Close() error {
	if l.shared != nil {
		return l.shared.Close()
	}
	return nil
}

func (l *Limiter) host(host string) *hostState {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hosts[host]
	if hs == nil {
		hs = &hostState{name: host, turn: make(chan struct{}, 1)}
		l.hosts[host] = hs
	}
	return hs
}

// schedule is looked up at every start, so a host learnt to be the
// forum's after its first request gets the forum's schedule from then on.
func (l *Limiter) schedule(host string) Schedule {
	if l.cfg.Hosts.Has(host) {
		return l.cfg.Forum
	}
	return l.cfg.Other
}

// Wait blocks until a request to host may start.
func (l *Limiter) Wait(ctx context.Context, host string) error {
	hs := l.host(host)
	sched := l.schedule(host)
	start := time.Now()
	defer func() { l.cfg.Stats.waited.Add(int64(time.Since(start))) }()
	if sched.Delay > 0 {
		select {
		case hs.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-hs.turn }()
	}
	for {
		hs.mu.Lock()
		if hs.down != nil {
			err := hs.down
			hs.mu.Unlock()
			return err
		}
		until, long := hs.pausedUntil, false
		if sched.Delay > 0 && hs.next.After(until) {
			until, long = hs.next, hs.nextIsLong
		}
		d := time.Until(until)
		if d > 0 && long {
			hs.nextIsLong = false // count a long pause once, however many wait
			l.cfg.Stats.pause("long", d)
		}
		hs.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
	if sched.Delay > 0 {
		var d time.Duration
		long, shared := false, false
		if l.sharesSchedule(host) {
			// This process's turn has come; now the other processes'.
			for {
				wait, sd, sl, ok := l.shared.claim(host, max(sched.LongDelay, sched.Delay), sched.delay)
				if !ok {
					break // the file is unusable: this process's schedule only
				}
				if wait <= 0 {
					d, long, shared = sd, sl, true
					break
				}
				if err := sleep(ctx, wait); err != nil {
					return err
				}
			}
		}
		hs.mu.Lock()
		hs.starts++
		if !shared {
			d, long = sched.delay(int64(hs.starts))
		}
		hs.nextIsLong = long
		hs.next = time.Now().Add(d)
		hs.mu.Unlock()
	}
	return nil
}

// delay is the wait after the n-th start (from 1): Delay with jitter, or
// the long pause after every LongEvery-th.
func (s Schedule) delay(n int64) (time.Duration, bool) {
	d := s.Delay
	if s.Jitter > 0 {
		d += rand.N(s.Jitter)
	}
	if s.LongEvery > 0 && n%int64(s.LongEvery) == 0 && s.LongDelay > d {
		return s.LongDelay, true
	}
	return d, false
}

// Pause stops every request to host until d from now; kind ("retry-after",
// "breaker") is for the summary.
func (l *Limiter) Pause(host string, d time.Duration, kind string) {
	hs := l.host(host)
	hs.mu.Lock()
	defer hs.mu.Unlock()
	l.pauseLocked(hs, d, kind)
}

func (l *Limiter) pauseLocked(hs *hostState, d time.Duration, kind string) {
	now := time.Now()
	if until := now.Add(d); until.After(hs.pausedUntil) {
		from := now // count only the time this pause adds
		if hs.pausedUntil.After(now) {
			from = hs.pausedUntil
		}
		l.cfg.Stats.pause(kind, until.Sub(from))
		hs.pausedUntil = until
		if l.sharesSchedule(hs.name) && l.schedule(hs.name).Delay > 0 {
			l.shared.pause(hs.name, until) // the other processes wait too
		}
	}
}

// observe feeds the outcome of a request back into the host's state: a
// Retry-After pauses the whole host, and repeated failures trip the breaker.
func (l *Limiter) observe(host string, resp *Response, err error) {
	if err != nil && errors.Is(err, context.Canceled) {
		return
	}
	if resp != nil && (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header, time.Now(), l.cfg.MaxWait); ok && d > 0 {
			l.Pause(host, d, "retry-after")
		}
	}
	failed := err != nil && transient(err) ||
		err == nil && resp != nil && retryableStatus(resp.Status)
	hs := l.host(host)
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if !failed { // the host answered
		hs.failures, hs.trips = 0, 0
		return
	}
	hs.failures++
	if l.cfg.BreakerThreshold <= 0 || hs.failures < l.cfg.BreakerThreshold {
		return
	}
	hs.failures = 0
	hs.trips++
	if hs.trips >= breakerTrips {
		why := fmt.Sprintf("status %d", statusOf(resp))
		if err != nil {
			why = err.Error()
		}
		hs.down = permanent{fmt.Errorf("%w: %s failed %s in a row, giving up on it for this run (last: %s)",
			ErrHostDown, host, cli.Count(breakerTrips*l.cfg.BreakerThreshold, "time"), why)}
		l.cfg.Log("%s: %s in a row; giving up on this host for the rest of the run", host, cli.Count(breakerTrips*l.cfg.BreakerThreshold, "failure"))
		return
	}
	pause := l.cfg.BreakerPause << (hs.trips - 1)
	if l.cfg.MaxWait > 0 && pause > l.cfg.MaxWait {
		pause = l.cfg.MaxWait
	}
	l.pauseLocked(hs, pause, "breaker")
	l.cfg.Log("%s: %s in a row; pausing it for %v", host, cli.Count(l.cfg.BreakerThreshold, "failure"), pause)
}

func statusOf(r *Response) int {
	if r == nil {
		return 0
	}
	return r.Status
}

// Limit makes every request wait for its host's turn, and tells the
// limiter how it went.
func Limit(next Fetcher, l *Limiter) Fetcher {
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		host := hostOf(req.URL)
		if err := l.Wait(ctx, host); err != nil {
			return &Response{URL: req.URL, FinalURL: req.URL}, err
		}
		l.cfg.Stats.requests.Add(1)
		resp, err := next.Fetch(ctx, req)
		l.observe(host, resp, err)
		if resp != nil {
			l.cfg.Stats.bytes.Add(int64(len(resp.Body)))
		}
		return resp, err
	})
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
