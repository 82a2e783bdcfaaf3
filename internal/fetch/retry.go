package fetch

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryConfig is the retry policy.
type RetryConfig struct {
	// Retries is how many times a failed request is repeated.
	Retries int
	// Backoff is the wait before the first retry; it doubles on each
	// further one, with jitter, up to MaxWait.
	Backoff time.Duration
	// MaxWait caps any single wait, Retry-After included.
	MaxWait time.Duration
	Stats   *Stats
}

// Retry repeats requests that failed for a reason that may pass:
// 429 and 503 after their Retry-After (or the backoff when they give
// none), other 5xx and 408, timeouts, resets, refused connections and
// truncated bodies after an exponential backoff with jitter. 401, 403, 404,
// 410 and other client errors are final. Only GET and HEAD are repeated.
func Retry(next Fetcher, cfg RetryConfig) Fetcher {
	if cfg.Stats == nil {
		cfg.Stats = NewStats()
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		attempts := 0
		for n := 0; ; n++ {
			resp, err := next.Fetch(ctx, req)
			if resp == nil {
				resp = &Response{URL: req.URL, FinalURL: req.URL}
			}
			attempts += max(resp.Attempts, 1)
			resp.Attempts = attempts
			if ctx.Err() != nil {
				return resp, ctx.Err()
			}
			wait, again := cfg.decide(req, resp, err, n)
			if !again || n >= cfg.Retries {
				return resp, err
			}
			cfg.Stats.retries.Add(1)
			if err := sleep(ctx, wait); err != nil {
				return resp, err
			}
		}
	})
}

// decide says whether the n-th attempt (from 0) should be repeated, and after how long.
func (cfg RetryConfig) decide(req *Request, resp *Response, err error, n int) (time.Duration, bool) {
	if !req.idempotent() {
		return 0, false
	}
	if err != nil {
		return cfg.backoff(n), transient(err)
	}
	if cloudflareChallenge(resp) {
		return 0, false // a 503 that asks for a browser, not for patience
	}
	switch {
	case resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable:
		if d, ok := retryAfter(resp.Header, time.Now(), cfg.MaxWait); ok {
			return d, true
		}
		return cfg.backoff(n), true
	case retryableStatus(resp.Status):
		return cfg.backoff(n), true
	}
	return 0, false
}

// retryableStatus reports the statuses worth another try.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests ||
		code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported
}

// backoff is Backoff·2ⁿ, capped at MaxWait, with "equal jitter": between
// half and all of it, so retries of many workers spread out.
func (cfg RetryConfig) backoff(n int) time.Duration {
	d := cfg.Backoff
	for i := 0; i < n && (cfg.MaxWait <= 0 || d < cfg.MaxWait); i++ {
		d *= 2
	}
	if cfg.MaxWait > 0 && d > cfg.MaxWait {
		d = cfg.MaxWait
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter parses a Retry-After header (delay-seconds or an HTTP-date,
// RFC 9110 §10.2.3) relative to now, capped at maxWait when maxWait > 0.
// It reports false when the header is absent or unreadable.
func retryAfter(h http.Header, now time.Time, maxWait time.Duration) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(min(secs, 1<<31)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	if maxWait > 0 && d > maxWait {
		d = maxWait
	}
	return d, true
}

// transient reports whether an error may go away on retry: network errors,
// timeouts, resets and truncated bodies. Cancellation, unknown hosts and
// errors marked permanent (too large, disallowed, host down) do not.
func transient(err error) bool {
	if err == nil {
		return false
	}
	var p permanent
	if errors.As(err, &p) || errors.Is(err, context.Canceled) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	return true
}
