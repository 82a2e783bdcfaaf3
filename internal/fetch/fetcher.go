// Package fetch is pb's polite, fault-tolerant HTTP client, and pb-fetch's core.
//
// Everything is one small interface, Fetcher, with a plain HTTP
// implementation and decorators that each add one policy:
//
//	Render       → loads render requests in headless Chromium (its requests go through the stack below)
//	UnlockBoards → posts a protected board's password when its form answers (--board-password)
//	Redirect     → follows redirects hop by hop, only to allowed hosts
//	Retry        → retries transient failures with backoff, honours Retry-After
//	Robots       → consults robots.txt (obey, warn, ignore)
//	PoW          → solves ProBoards' proof-of-work interstitial
//	Limit        → one politeness schedule per host, shared by every worker, and
//	               through small files by every pb process on the machine
//	HTTP         → a single request: cookies, headers, timeout, body limit, gzip
//
// New builds that stack from a Config; pb-fetch and pb-images both use it, so
// a forum host is throttled the same way whoever asks. Stack.Login logs in
// through it as a browser would (login.go); the Jar keeps the session and
// writes it back as cookies.txt (cookies.go). Pages that are walls rather
// than content (a login page, a CAPTCHA, a Cloudflare check, a 403, a
// protected board) are recognised in walls.go and reported once per run.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Request is one page or file to fetch.
type Request struct {
	// URL is the absolute URL to fetch.
	URL string
	// Method defaults to GET. Only GET and HEAD requests are retried.
	Method string
	// Header holds extra request headers (the browser's, for requests a
	// rendered page makes); the configured headers and cookies are added.
	Header http.Header
	// Body is the request body, for the rare POST a rendered page sends.
	Body []byte
	// Render asks for the page to be loaded in a browser with its
	// JavaScript modals opened; without a browser it is fetched plainly.
	Render bool
}

func (r *Request) method() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// idempotent reports whether the request may be repeated safely.
func (r *Request) idempotent() bool {
	m := r.method()
	return m == http.MethodGet || m == http.MethodHead
}

// Response is what came back. Fetch may return a Response together with an
// error: it then describes the last attempt (its Status, if any, and how
// many Attempts were made).
type Response struct {
	// URL is the URL as requested.
	URL string
	// FinalURL is the URL after redirects.
	FinalURL string
	// Status is the HTTP status of the final response, 0 when none arrived.
	Status int
	Header http.Header
	// Body is the response body as sent (decompressed, not yet decoded to
	// UTF-8), or the DOM serialised as UTF-8 when Rendered.
	Body []byte
	// Rendered is true when a browser produced Body.
	Rendered bool
	// Attempts counts the requests made for this response, retries and
	// redirect hops included.
	Attempts int
	// FetchedAt is when the final response arrived.
	FetchedAt time.Time
	// Wire describes the exchange on the network; nil when no complete
	// response arrived or a browser produced Body.
	Wire *Wire
	// Hops are the redirect responses followed before this one, in order.
	Hops []*Response
}

// ContentType returns the response's Content-Type header.
func (r *Response) ContentType() string {
	if r == nil || r.Header == nil {
		return ""
	}
	return r.Header.Get("Content-Type")
}

// OK reports whether the response is a success (2xx).
func (r *Response) OK() bool { return r != nil && r.Status >= 200 && r.Status < 300 }

// Fetcher fetches one request. Implementations are safe for concurrent use.
type Fetcher interface {
	Fetch(ctx context.Context, req *Request) (*Response, error)
}

// FetcherFunc adapts a function to the Fetcher interface.
type FetcherFunc func(ctx context.Context, req *Request) (*Response, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, req *Request) (*Response, error) { return f(ctx, req) }

// ErrTooLarge is returned when a body exceeds the configured limit.
var ErrTooLarge = errors.New("body too large")

// ErrDisallowed is returned for a URL robots.txt disallows, with --robots obey.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// ErrHostDown is returned without contacting a host that failed so often
// that the circuit breaker gave up on it for the rest of the run.
var ErrHostDown = errors.New("host is down")

// RedirectError reports a redirect that was not followed because it leads
// off the allowed hosts (typically to a login page).
type RedirectError struct {
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirected to %s, which is not on the forum's hosts; not followed", e.To)
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }
