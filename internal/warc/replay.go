package warc

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Replay answers requests from the WARC files of a folder instead of the
// network: each URL gets its latest capture (a revisit, the body of the
// record it refers to; a redirect, the redirect). It lets pb-images (or
// pb-fetch) run again over an archive with no network at all.
type Replay struct {
	latest map[string]replayEntry
}

type replayEntry struct {
	loc  location
	date time.Time
	ip   string
}

// OpenReplay indexes the finished WARC files of dir.
func OpenReplay(dir string) (*Replay, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	r := &Replay{latest: map[string]replayEntry{}}
	ids := map[string]location{}
	// A revisit may refer to a record of another process's file that
	// sorts after its own, so revisits are resolved once all are scanned.
	var revisits []pendingRevisit
	for _, f := range files {
		if err := r.scan(f, ids, &revisits); err != nil {
			return nil, err
		}
	}
	for _, rv := range revisits {
		if loc, ok := ids[rv.ref]; ok {
			if cur, seen := r.latest[rv.url]; !seen || !cur.date.After(rv.entry.date) {
				rv.entry.loc = loc
				r.latest[rv.url] = rv.entry
			}
		}
	}
	return r, nil
}

type pendingRevisit struct {
	url, ref string
	entry    replayEntry
}

func (r *Replay) scan(path string, ids map[string]location, revisits *[]pendingRevisit) error {
	return eachRecord(path, func(rec gowarc.Record) error {
		h := rec.WarcRecord.WarcHeader()
		typ := rec.WarcRecord.Type()
		date, _ := time.Parse(time.RFC3339Nano, h.Get(gowarc.WarcDate))
		e := replayEntry{loc: location{path, rec.Offset}, date: date, ip: h.Get(gowarc.WarcIPAddress)}
		switch typ {
		case gowarc.Response:
			ids[h.GetId(gowarc.WarcRecordID)] = e.loc
			if cur, seen := r.latest[h.Get(gowarc.WarcTargetURI)]; !seen || !cur.date.After(date) {
				r.latest[h.Get(gowarc.WarcTargetURI)] = e
			}
		case gowarc.Revisit:
			*revisits = append(*revisits, pendingRevisit{h.Get(gowarc.WarcTargetURI), h.GetId(gowarc.WarcRefersTo), e})
		}
		return nil
	})
}

// ErrNotArchived is returned for a URL the archive has no capture of.
var ErrNotArchived = errors.New("not in the web archive")

// Get returns the latest capture of url: status, headers as stored
// (masked, see MaskHeader), body, and when it was captured.
func (r *Replay) Get(url string) (*Exchange, error) {
	e, ok := r.latest[url]
	if !ok {
		return nil, fmt.Errorf("%s: %w", url, ErrNotArchived)
	}
	s, err := readOne(e.loc)
	if err != nil {
		return nil, err
	}
	proto := s.proto
	if !strings.HasPrefix(proto, "HTTP/") {
		proto = "HTTP/1.1"
	}
	return &Exchange{URL: url, Method: http.MethodGet, Proto: proto, Status: s.status, Header: s.header,
		Body: s.payload, RemoteAddr: e.ip, Time: e.date}, nil
}
