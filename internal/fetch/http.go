package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"
)

// HTTPConfig configures the plain HTTP fetcher.
type HTTPConfig struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Header holds extra headers sent with every request (--header).
	Header http.Header
	// Jar holds the cookies (--cookies, and whatever the forum sets).
	Jar http.CookieJar
	// Timeout bounds one request, body included.
	Timeout time.Duration
	// MaxBody is the largest body accepted; 0 means no limit.
	MaxBody int64
	// Conns is how many idle connections to keep per host (about the
	// number of workers).
	Conns int
}

// HTTP makes exactly one request per Fetch: it never follows redirects (the
// Redirect decorator does, through the limiter) and never retries.
type HTTP struct {
	cfg    HTTPConfig
	client *http.Client
}

// NewHTTP returns the plain HTTP fetcher.
func NewHTTP(cfg HTTPConfig) *HTTP {
	conns := max(cfg.Conns, 2)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	tr.MaxIdleConns = 4 * conns
	return &HTTP{cfg: cfg, client: &http.Client{
		Transport: tr,
		Jar:       cfg.Jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Jar returns the cookie jar requests use.
func (h *HTTP) Jar() http.CookieJar { return h.cfg.Jar }

// Fetch makes one request and reads the whole body.
func (h *HTTP) Fetch(ctx context.Context, req *Request) (*Response, error) {
	if h.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.cfg.Timeout)
		defer cancel()
	}
	var remote string
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if a, ok := ci.Conn.RemoteAddr().(*net.TCPAddr); ok {
			remote = a.IP.String()
		}
	}})
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method(), req.URL, body)
	if err != nil {
		return nil, permanent{err}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	for k, vs := range h.cfg.Header {
		hr.Header.Del(k)
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if h.cfg.UserAgent != "" {
		hr.Header.Set("User-Agent", h.cfg.UserAgent)
	}
	resp := &Response{URL: req.URL, FinalURL: req.URL, Attempts: 1}
	hresp, err := h.client.Do(hr)
	if err != nil {
		return resp, timeoutCause(ctx, err)
	}
	defer hresp.Body.Close()
	resp.Status = hresp.StatusCode
	resp.Header = hresp.Header
	if h.cfg.MaxBody > 0 && hresp.ContentLength > h.cfg.MaxBody {
		return resp, permanent{fmt.Errorf("%w: Content-Length %d exceeds the limit of %d bytes", ErrTooLarge, hresp.ContentLength, h.cfg.MaxBody)}
	}
	wire := &Wire{Method: hr.Method, RequestHeader: hr.Header.Clone(), Proto: hresp.Proto, Header: hresp.Header}
	if hresp.Uncompressed {
		wire.Encoding = "gzip" // the transport asked for it and decoded it
		wire.RequestHeader.Set("Accept-Encoding", "gzip")
	}
	var r io.Reader = hresp.Body
	// The transport decompresses gzip itself unless the caller asked for
	// an encoding (with --header Accept-Encoding:...); then it is ours to do.
	if strings.EqualFold(hresp.Header.Get("Content-Encoding"), "gzip") && !hresp.Uncompressed {
		zr, err := gzip.NewReader(hresp.Body)
		if err != nil {
			return resp, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
		wire.Encoding = "gzip"
		resp.Header = hresp.Header.Clone()
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
	}
	if h.cfg.MaxBody > 0 {
		r = io.LimitReader(r, h.cfg.MaxBody+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		// A body shorter than its Content-Length, or a connection reset
		// mid-body: the caller may retry.
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return resp, fmt.Errorf("truncated body after %d bytes: %w", len(b), timeoutCause(ctx, err))
	}
	if h.cfg.MaxBody > 0 && int64(len(b)) > h.cfg.MaxBody {
		return resp, permanent{fmt.Errorf("%w: more than the limit of %d bytes", ErrTooLarge, h.cfg.MaxBody)}
	}
	resp.Body = b
	resp.FetchedAt = time.Now()
	wire.RemoteAddr = remote
	resp.Wire = wire
	return resp, nil
}

// timeoutCause turns the request context's deadline into a clear timeout
// error (the transport reports it as a bare "context deadline exceeded").
func timeoutCause(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{err}
	}
	return err
}

type timeoutError struct{ err error }

func (e *timeoutError) Error() string   { return "timeout: " + e.err.Error() }
func (e *timeoutError) Unwrap() error   { return e.err }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

var _ net.Error = (*timeoutError)(nil)
