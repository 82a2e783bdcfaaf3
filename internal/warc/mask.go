package warc

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// SafeRequestHeaders are the only request headers archived: none of them
// can carry a session (Cookie), a credential (Authorization, --header
// secrets) or a password.
var SafeRequestHeaders = []string{
	"User-Agent", "Accept", "Accept-Language", "Accept-Encoding", "Referer",
	"If-None-Match", "If-Modified-Since", "Range", "Cache-Control", "Pragma",
}

// SafeRequestHeader returns the safe subset of h.
func SafeRequestHeader(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range SafeRequestHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// droppedResponseHeaders never reach an archive: a Set-Cookie can hand
// out a session (after a login, a board password).
var droppedResponseHeaders = map[string]bool{"Set-Cookie": true, "Set-Cookie2": true}

// MaskHeader returns the response header as stored: the body is stored
// decoded, so, as Common Crawl does, Content-Encoding, Transfer-Encoding
// and Content-Length are renamed X-Crawler-… and Content-Length becomes
// the stored body's length; Set-Cookie is dropped.
func MaskHeader(h http.Header, encoding string, bodyLen int) http.Header {
	out := http.Header{}
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		switch {
		case droppedResponseHeaders[k]:
		case k == "Content-Encoding" || k == "Transfer-Encoding" || k == "Content-Length":
			out["X-Crawler-"+k] = append(out["X-Crawler-"+k], vs...)
		default:
			out[k] = append(out[k], vs...)
		}
	}
	if encoding != "" && len(out["X-Crawler-Content-Encoding"]) == 0 {
		out["X-Crawler-Content-Encoding"] = []string{encoding}
	}
	out["Content-Length"] = []string{strconv.Itoa(bodyLen)}
	return out
}

func writeHeader(b *bytes.Buffer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, sanitize(v))
		}
	}
}

// sanitize keeps a header value on one line.
func sanitize(v string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, []byte(v)))
}

// requestBlock is the HTTP request as archived: its line, Host and the
// safe headers, no body (a form's body may hold a password).
func requestBlock(ex *Exchange) []byte {
	var b bytes.Buffer
	target, host := "/", ""
	if u, err := url.Parse(ex.URL); err == nil {
		target, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s %s\r\nHost: %s\r\n", ex.Method, target, ex.Proto, host)
	writeHeader(&b, SafeRequestHeader(ex.RequestHeader))
	b.WriteString("\r\n")
	return b.Bytes()
}

// ResponseBlock is the HTTP response as archived: status line, masked
// headers, the body as stored.
func ResponseBlock(ex *Exchange) []byte {
	var b bytes.Buffer
	text := http.StatusText(ex.Status)
	if text == "" {
		text = "Unknown"
	}
	fmt.Fprintf(&b, "%s %d %s\r\n", ex.Proto, ex.Status, text)
	writeHeader(&b, MaskHeader(ex.Header, ex.Encoding, len(ex.Body)))
	b.WriteString("\r\n")
	b.Write(ex.Body)
	return b.Bytes()
}
