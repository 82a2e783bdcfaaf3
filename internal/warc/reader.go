package warc

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// Page is a page record read back from a WARC, with its body as stored
// (the caller decodes it to UTF-8 by its Content-Type).
type Page struct {
	record.Page
	Raw []byte
}

type location struct {
	file   string
	offset int64
}

// Reader turns the records of WARC files back into page records: one per
// HTML or CSS response (a revisit takes the body of the record it refers
// to) of a URL whose kind pb-parse knows, one per rendered DOM (resource
// record), with the request's method and headers and the redirect hops
// before it. Redirect hops that were followed, request records and other
// payloads (images, an image's HTML error page) make no page.
type Reader struct {
	ids      map[string]location // response records, for revisits
	requests map[string]*http.Request
	hops     map[string][]record.Redirect
}

// NewReader returns a reader; read the files in the order they were written.
func NewReader() *Reader {
	return &Reader{ids: map[string]location{}, requests: map[string]*http.Request{}, hops: map[string][]record.Redirect{}}
}

// Scan notes where the response records of one WARC file are, so that a
// revisit can find the record it refers to whatever file holds it (pb-fetch
// and pb-images write files of their own at the same time). Scan every
// file before reading them.
func (r *Reader) Scan(path string) error {
	return eachRecord(path, func(rec gowarc.Record) error {
		if rec.WarcRecord.Type() == gowarc.Response {
			r.ids[rec.WarcRecord.WarcHeader().GetId(gowarc.WarcRecordID)] = location{path, rec.Offset}
		}
		return nil
	})
}

// eachRecord calls fn with every record of the WARC file at path, in
// order, and closes each after fn. Spec violations are warnings, so files
// of other tools read too; a record that cannot be read at all ends the
// walk with an error naming the file and offset, as does an error of fn.
func eachRecord(path string, fn func(gowarc.Record) error) error {
	wf, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithSpecViolationPolicy(gowarc.ErrWarn), gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn))
	if err != nil {
		return err
	}
	defer wf.Close()
	for {
		rec, err := wf.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: record at offset %d: %w", path, rec.Offset, err)
		}
		err = fn(rec)
		rec.Close()
		if err != nil {
			return err
		}
	}
}

// ReadFile calls fn with every page of one WARC file. A record that cannot
// be read ends the file with an error naming the file and offset; a record
// that makes no page (a revisit of a record not found) is reported in the
// error returned at the end, and reading goes on.
func (r *Reader) ReadFile(path string, fn func(*Page) error) error {
	var errs []error
	var stopped error // fn's own error, returned as it is
	err := eachRecord(path, func(rec gowarc.Record) error {
		p, perr := r.page(path, rec)
		if perr != nil {
			errs = append(errs, fmt.Errorf("%s: record at offset %d: %w", path, rec.Offset, perr))
			return nil
		}
		if p != nil {
			stopped = fn(p)
		}
		return stopped
	})
	if stopped != nil {
		return stopped
	}
	return errors.Join(append(errs, err)...)
}

func (r *Reader) page(path string, rec gowarc.Record) (*Page, error) {
	wr := rec.WarcRecord
	h := wr.WarcHeader()
	date, _ := time.Parse(time.RFC3339Nano, h.Get(gowarc.WarcDate))
	target := h.Get(gowarc.WarcTargetURI)
	requested := h.Get(HeaderRequestedURL)
	if requested == "" {
		requested = target
	}
	switch wr.Type() {
	case gowarc.Request:
		if b, ok := wr.Block().(gowarc.HttpRequestBlock); ok {
			hdr := http.Header{}
			if b.HttpHeader() != nil {
				hdr = b.HttpHeader().Clone()
			}
			method, _, _ := strings.Cut(b.HttpRequestLine(), " ")
			if hb := b.ProtocolHeaderBytes(); len(hb) > 0 {
				method, _, _ = strings.Cut(string(hb), " ")
			}
			r.requests[h.GetId(gowarc.WarcRecordID)] = &http.Request{Method: method, Header: hdr}
		}
		return nil, nil
	case gowarc.Resource:
		if h.Get(HeaderRender) != "true" {
			return nil, nil
		}
		body, err := readAll(wr.Block())
		if err != nil {
			return nil, err
		}
		return &Page{Page: record.Page{
			Type: record.TypePage, URL: requested, FinalURL: target, Render: true, Rendered: true,
			Status: http.StatusOK, ContentType: h.Get(gowarc.ContentType), FetchedAt: date.UnixMilli(),
			Attempts: 1, Redirects: r.takeHops(requested),
		}, Raw: body}, nil
	case gowarc.Response, gowarc.Revisit:
	default:
		return nil, nil
	}
	block, ok := wr.Block().(gowarc.HttpResponseBlock)
	var payload []byte
	var status int
	var hdr http.Header
	var proto string
	if ok {
		status = block.HttpStatusCode()
		if block.HttpHeader() != nil {
			hdr = block.HttpHeader().Clone()
		}
		proto, _, _ = strings.Cut(string(block.ProtocolHeaderBytes()), " ")
	}
	if wr.Type() == gowarc.Revisit {
		ref := h.GetId(gowarc.WarcRefersTo)
		loc, found := r.ids[ref]
		if !found {
			return nil, fmt.Errorf("revisit of %s refers to record %s, which is in none of the files", target, ref)
		}
		orig, err := readOne(loc)
		if err != nil {
			return nil, err
		}
		payload, status, hdr, proto = orig.payload, orig.status, orig.header, orig.proto
	} else if ok {
		r.ids[h.GetId(gowarc.WarcRecordID)] = location{path, rec.Offset}
		pr, err := block.PayloadBytes()
		if err != nil {
			return nil, err
		}
		if payload, err = io.ReadAll(pr); err != nil {
			return nil, err
		}
	} else {
		return nil, nil
	}
	if h.Get(HeaderRedirectHop) == "true" {
		r.hops[requested] = append(r.hops[requested], record.Redirect{
			URL: target, Status: status, Location: hdr.Get("Location"), FetchedAt: date.UnixMilli(), Headers: hdr,
		})
		return nil, nil
	}
	ct := hdr.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "text/css" && (mt != "text/html" || forumurl.Kind(requested) == "") {
		return nil, nil // images (and the error pages of dead ones): no page to parse
	}
	p := &Page{Page: record.Page{
		Type: record.TypePage, URL: requested, FinalURL: target, Status: status, ContentType: ct,
		FetchedAt: date.UnixMilli(), Attempts: 1, HTTPVersion: proto,
		RemoteAddr: h.Get(gowarc.WarcIPAddress), Headers: hdr, Redirects: r.takeHops(requested),
	}, Raw: payload}
	if mt == "text/css" {
		p.Kind = record.KindCSS
	}
	if req := r.requests[h.GetId(gowarc.WarcConcurrentTo)]; req != nil {
		p.RequestMethod, p.RequestHeaders = req.Method, req.Header
		delete(r.requests, h.GetId(gowarc.WarcConcurrentTo))
	}
	return p, nil
}

func (r *Reader) takeHops(requested string) []record.Redirect {
	hops := r.hops[requested]
	delete(r.hops, requested)
	return hops
}

type stored struct {
	payload []byte
	status  int
	header  http.Header
	proto   string
}

// readOne reads the response record at loc (the target of a revisit).
func readOne(loc location) (*stored, error) {
	wf, err := gowarc.NewWarcFileReader(loc.file, loc.offset)
	if err != nil {
		return nil, err
	}
	defer wf.Close()
	rec, err := wf.Next()
	if err != nil {
		return nil, fmt.Errorf("%s at offset %d: %w", loc.file, loc.offset, err)
	}
	defer rec.Close()
	b, ok := rec.WarcRecord.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return nil, fmt.Errorf("%s at offset %d: not an HTTP response", loc.file, loc.offset)
	}
	pr, err := b.PayloadBytes()
	if err != nil {
		return nil, err
	}
	payload, err := io.ReadAll(pr)
	if err != nil {
		return nil, err
	}
	proto, _, _ := strings.Cut(string(b.ProtocolHeaderBytes()), " ")
	hdr := http.Header{}
	if b.HttpHeader() != nil {
		hdr = b.HttpHeader().Clone()
	}
	return &stored{payload, b.HttpStatusCode(), hdr, proto}, nil
}

func readAll(b gowarc.Block) ([]byte, error) {
	if pb, ok := b.(gowarc.PayloadBlock); ok {
		r, err := pb.PayloadBytes()
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	r, err := b.RawBytes()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
