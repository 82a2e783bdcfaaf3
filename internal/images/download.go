package images

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/pb-archive/pb/internal/fetch"
)

// Statuses of an image record (schema/README.md).
const (
	StatusOK       = "ok"
	StatusNotImage = "not an image"
	StatusTooLarge = "too large"
)

// downloader fetches one image and stores it.
type downloader struct {
	f       fetch.Fetcher
	store   *Store
	maxSize int64
	now     func() time.Time
}

// get downloads u and returns what it gave. An error is returned only when
// the file could not be written (the folder's problem, not the image's) or
// the run was interrupted.
func (d *downloader) get(ctx context.Context, u string) (Result, bool, error) {
	res := Result{URL: u}
	var body []byte
	if strings.HasPrefix(u, "data:") {
		b, err := decodeDataURL(u)
		if err != nil {
			res.Status = "unreachable: " + err.Error()
			return res, false, nil
		}
		body = b
	} else {
		resp, err := d.f.Fetch(ctx, &fetch.Request{URL: u})
		if ctx.Err() != nil {
			return res, false, ctx.Err()
		}
		res.FetchedAt = d.now().UnixMilli()
		if resp != nil {
			res.HTTPStatus = resp.Status
		}
		switch {
		case errors.Is(err, fetch.ErrTooLarge):
			res.Status = StatusTooLarge
			return res, false, nil
		case err != nil:
			res.Status = "unreachable: " + reason(err)
			return res, false, nil
		case !resp.OK():
			res.Status = fmt.Sprintf("http %d", resp.Status)
			return res, false, nil
		}
		body = resp.Body
	}
	if int64(len(body)) > d.maxSize && d.maxSize > 0 {
		res.Status = StatusTooLarge
		return res, false, nil
	}
	ext, ok := Sniff(body)
	if !ok {
		res.Status = StatusNotImage
		return res, false, nil
	}
	res.Filename, res.MD5Hash = Name(body, ext)
	res.Size = int64(len(body))
	written, err := d.store.Put(res.Filename, body)
	if err != nil {
		return res, false, err
	}
	res.Status = StatusOK
	return res, written, nil
}

// reason says briefly why a host could not be reached.
func reason(err error) string {
	var ne net.Error
	var dns *net.DNSError
	var ue *url.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated body"
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "no such host " + dns.Name
		}
		return "DNS error: " + dns.Err
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, fetch.ErrDisallowed):
		return fetch.ErrDisallowed.Error() // the exact words record.ImageRetryable knows
	case errors.Is(err, fetch.ErrHostDown):
		return err.Error()
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

// decodeDataURL returns the bytes of a data: URL (RFC 2397), as posts
// sometimes embed small images.
func decodeDataURL(u string) ([]byte, error) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
	if !ok {
		return nil, errors.New("data: URL without a comma")
	}
	if strings.HasSuffix(strings.ToLower(meta), ";base64") {
		data = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, data)
		if b, err := base64.StdEncoding.DecodeString(data); err == nil {
			return b, nil
		}
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(data, "="))
		if err != nil {
			return nil, fmt.Errorf("bad base64 in data: URL: %w", err)
		}
		return b, nil
	}
	s, err := url.PathUnescape(data)
	if err != nil {
		return nil, fmt.Errorf("bad data: URL: %w", err)
	}
	return []byte(s), nil
}
