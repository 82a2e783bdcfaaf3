package fetch

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/warc"
)

// Wire is what one request and its response looked like on the network:
// what the web archive and the page record keep besides the body.
type Wire struct {
	Method string
	// RequestHeader is the header sent, secrets included; whoever keeps it
	// keeps only warc.SafeRequestHeader of it.
	RequestHeader http.Header
	// Proto is the response's protocol, "HTTP/1.1".
	Proto string
	// Header is the response header as received, before the body was decoded.
	Header http.Header
	// Encoding is the Content-Encoding the body was decoded from, if any.
	Encoding string
	// RemoteAddr is the server's IP address.
	RemoteAddr string
}

// Archive writes every GET or HEAD that Redirect returns into the web
// archive: each followed redirect hop as a response of its own, then the
// final response. It sits above Redirect and below UnlockBoards, so the
// retried 429/503 answers and the proof-of-work pages below it never reach
// the archive, and the form posts (a board password) are not archived.
// A failure to write is logged; the fetch itself is not failed by it.
func Archive(next Fetcher, w *warc.Writer, log Logf) Fetcher {
	if w == nil {
		return next
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		resp, err := next.Fetch(ctx, req)
		if resp == nil || !req.idempotent() {
			return resp, err
		}
		for _, hop := range append(append([]*Response(nil), resp.Hops...), resp) {
			if hop.Wire == nil {
				continue // no complete response arrived
			}
			ex := &warc.Exchange{
				URL: hop.FinalURL, RequestedURL: req.URL, RedirectHop: hop != resp,
				Method: hop.Wire.Method, RequestHeader: hop.Wire.RequestHeader, Proto: hop.Wire.Proto,
				Status: hop.Status, Header: hop.Wire.Header, Encoding: hop.Wire.Encoding,
				Body: hop.Body, RemoteAddr: hop.Wire.RemoteAddr, Time: hop.FetchedAt,
			}
			if werr := w.WriteExchange(ex); werr != nil {
				log("web archive: %v", werr)
			}
		}
		return resp, err
	})
}

// archiveDOM writes the DOM of each rendered page as a resource record.
func archiveDOM(next Fetcher, w *warc.Writer, log Logf) Fetcher {
	if w == nil {
		return next
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		resp, err := next.Fetch(ctx, req)
		if err == nil && resp != nil && resp.Rendered {
			if werr := w.WriteResource(&warc.Resource{
				URL: resp.FinalURL, RequestedURL: req.URL, ContentType: "text/html; charset=utf-8",
				Note: warc.RenderedNote, Body: resp.Body, Time: resp.FetchedAt,
			}); werr != nil {
				log("web archive: %v", werr)
			}
		}
		return resp, err
	})
}

// openWARC opens the web archive of --warc, if asked for.
func openWARC(cfg Config) (*warc.Writer, error) {
	if cfg.WARC == "" {
		return nil, nil
	}
	return warc.Open(cfg.WARC, warc.Options{
		Prefix: cfg.Tool, MaxSize: int64(cfg.WARCMaxSize), Software: cfg.UserAgent,
	})
}

// openReplay answers requests from the web archive in dir (--from-warc).
func openReplay(dir string) (Fetcher, error) {
	rp, err := warc.OpenReplay(dir)
	if err != nil {
		return nil, fmt.Errorf("--from-warc: %w", err)
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		resp := &Response{URL: req.URL, FinalURL: req.URL, Attempts: 1}
		ex, err := rp.Get(req.URL)
		if err != nil {
			return resp, permanent{err}
		}
		resp.Status, resp.Header, resp.Body, resp.FetchedAt = ex.Status, ex.Header, ex.Body, ex.Time
		return resp, nil
	}), nil
}

// addWire fills the page record's fields that describe the exchange.
func addWire(p *record.Page, resp *Response) {
	if resp == nil {
		return
	}
	if resp.Wire != nil {
		p.HTTPVersion = resp.Wire.Proto
		p.RemoteAddr = resp.Wire.RemoteAddr
		p.Headers = pageHeader(resp.Wire.Header)
		p.RequestMethod = resp.Wire.Method
		p.RequestHeaders = warc.SafeRequestHeader(resp.Wire.RequestHeader)
	}
	for _, h := range resp.Hops {
		r := record.Redirect{URL: h.FinalURL, Status: h.Status, FetchedAt: h.FetchedAt.UnixMilli()}
		if h.Header != nil {
			r.Location = h.Header.Get("Location")
		}
		if h.Wire != nil {
			r.Headers = pageHeader(h.Wire.Header)
		}
		p.Redirects = append(p.Redirects, r)
	}
}

// pageHeader is a response header as a page record keeps it: no Set-Cookie.
func pageHeader(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		if k = http.CanonicalHeaderKey(k); k != "Set-Cookie" && k != "Set-Cookie2" {
			out[k] = vs
		}
	}
	return out
}
