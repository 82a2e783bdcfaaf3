package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header  string
		maxWait time.Duration
		want    time.Duration
		ok      bool
	}{
		{"120", 0, 120 * time.Second, true},
		{" 0 ", 0, 0, true},
		{"120", 30 * time.Second, 30 * time.Second, true}, // capped
		{"Sun, 01 Mar 2026 12:00:45 GMT", 0, 45 * time.Second, true},
		{"Sunday, 01-Mar-26 12:01:00 GMT", 0, time.Minute, true}, // RFC 850
		{"Sun Mar  1 12:00:10 2026", 0, 10 * time.Second, true},  // asctime
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, 0, true},            // in the past
		{"Sun, 01 Mar 2026 13:00:00 GMT", 5 * time.Minute, 5 * time.Minute, true},
		{"", 0, 0, false},
		{"-5", 0, 0, false},
		{"soon", 0, 0, false},
		{"1.5", 0, 0, false},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		got, ok := retryAfter(h, now, tc.maxWait)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q (max %v) = %v, %v; want %v, %v", tc.header, tc.maxWait, got, ok, tc.want, tc.ok)
		}
	}
}

// script is a Fetcher that answers from a list, one answer per call.
type script struct {
	answers []answer
	calls   int
}

type answer struct {
	status int
	header http.Header
	err    error
}

func (s *script) Fetch(ctx context.Context, req *Request) (*Response, error) {
	a := s.answers[min(s.calls, len(s.answers)-1)]
	s.calls++
	return &Response{URL: req.URL, FinalURL: req.URL, Status: a.status, Header: a.header, Attempts: 1}, a.err
}

func TestRetryPolicy(t *testing.T) {
	ra := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	for _, tc := range []struct {
		name      string
		method    string
		answers   []answer
		wantCalls int
		wantFinal int
		wantErr   bool
		minTime   time.Duration
	}{
		{"ok at once", "", []answer{{status: 200}}, 1, 200, false, 0},
		{"503 then ok", "", []answer{{status: 503}, {status: 200}}, 2, 200, false, 0},
		{"429 honours Retry-After", "", []answer{{status: 429, header: ra("1")}, {status: 200}}, 2, 200, false, time.Second},
		{"500 until out of retries", "", []answer{{status: 500}}, 4, 500, false, 0},
		{"502 504 then ok", "", []answer{{status: 502}, {status: 504}, {status: 200}}, 3, 200, false, 0},
		{"404 is final", "", []answer{{status: 404}, {status: 200}}, 1, 404, false, 0},
		{"401 is final", "", []answer{{status: 401}}, 1, 401, false, 0},
		{"403 is final", "", []answer{{status: 403}}, 1, 403, false, 0},
		{"410 is final", "", []answer{{status: 410}}, 1, 410, false, 0},
		{"reset then ok", "", []answer{{err: syscall.ECONNRESET}, {status: 200}}, 2, 200, false, 0},
		{"truncated then ok", "", []answer{{status: 200, err: fmt.Errorf("truncated: %w", io.ErrUnexpectedEOF)}, {status: 200}}, 2, 200, false, 0},
		{"refused until out of retries", "", []answer{{err: syscall.ECONNREFUSED}}, 4, 0, true, 0},
		{"too large is final", "", []answer{{status: 200, err: permanent{ErrTooLarge}}}, 1, 200, true, 0},
		{"POST is not repeated", "POST", []answer{{status: 503}, {status: 200}}, 1, 503, false, 0},
		{"a Cloudflare challenge is final", "", []answer{{status: 503, header: http.Header{"Cf-Mitigated": {"challenge"}}}, {status: 200}}, 1, 503, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{answers: tc.answers}
			stats := NewStats()
			f := Retry(s, RetryConfig{Retries: 3, Backoff: time.Millisecond, MaxWait: 5 * time.Second, Stats: stats})
			start := time.Now()
			resp, err := f.Fetch(t.Context(), &Request{URL: "http://x/", Method: tc.method})
			if s.calls != tc.wantCalls || resp.Attempts != tc.wantCalls {
				t.Errorf("calls = %d, attempts = %d, want %d", s.calls, resp.Attempts, tc.wantCalls)
			}
			if resp.Status != tc.wantFinal || (err != nil) != tc.wantErr {
				t.Errorf("final = %d, %v; want %d, error %v", resp.Status, err, tc.wantFinal, tc.wantErr)
			}
			if got := stats.Retries(); got != int64(tc.wantCalls-1) {
				t.Errorf("retries counted = %d, want %d", got, tc.wantCalls-1)
			}
			if el := time.Since(start); el < tc.minTime {
				t.Errorf("took %v, want at least %v", el, tc.minTime)
			}
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	cfg := RetryConfig{Backoff: 100 * time.Millisecond, MaxWait: time.Second}
	for n, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		for range 20 {
			if d := cfg.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
}

func TestRetryStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	s := &script{answers: []answer{{status: 503, header: http.Header{"Retry-After": {"60"}}}}}
	f := Retry(s, RetryConfig{Retries: 5, Backoff: time.Millisecond, MaxWait: time.Minute})
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := f.Fetch(ctx, &Request{URL: "http://x/"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v, want a prompt context.Canceled", err, time.Since(start))
	}
}
