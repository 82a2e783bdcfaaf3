// Package warc writes what pb fetches into WARC 1.1 files and reads them
// back: the web archive of a forum, next to its database.
//
// Records are built, digested and serialised by github.com/nlnwa/gowarc;
// this package decides what goes in them (masked headers, no secrets), how
// files are named, rotated and recovered after a kill, and when an
// unchanged page becomes a revisit record. cdxj.go indexes a folder of
// WARCs, wacz.go packages it, reader.go turns records back into page
// records.
package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Suffix is the name ending of a finished WARC file; OpenSuffix marks the
// file a writer is still appending to.
const (
	Suffix     = ".warc.gz"
	OpenSuffix = ".warc.gz.open"
)

// DefaultMaxSize is the size at which a file is closed and the next begun.
const DefaultMaxSize = 1 << 30

// Extension WARC header fields pb adds (WARC 1.1 §5: any field may be added).
const (
	// HeaderRequestedURL names the URL first asked for when the record's
	// target is a redirect hop or the end of a redirect chain.
	HeaderRequestedURL = "WARC-PB-Requested-URL"
	// HeaderRedirectHop marks a 3xx response that was followed.
	HeaderRedirectHop = "WARC-PB-Redirect-Hop"
	// HeaderNote says what a resource record is (the rendered DOM).
	HeaderNote = "WARC-PB-Note"
	// HeaderRender marks the resource record of a rendered DOM.
	HeaderRender = "WARC-PB-Render"
)

// RenderedNote is the note on the resource record of a rendered DOM.
const RenderedNote = "DOM serialised by headless Chromium after the page's scripts ran and its modals were opened; not a server response"

// Options configure a Writer.
type Options struct {
	// Prefix starts every file name (the tool's name).
	Prefix string
	// MaxSize rotates files at this many bytes (0: DefaultMaxSize).
	MaxSize int64
	// Software names the writer in the warcinfo record.
	Software string
	// Now is the clock for file names and warcinfo dates (tests inject one).
	Now func() time.Time
}

// Exchange is one HTTP request and the response to it, with the body as pb
// stores it (decompressed).
type Exchange struct {
	// URL is the URL requested (the record's WARC-Target-URI).
	URL string
	// RequestedURL is the URL the redirect chain started at, if not URL.
	RequestedURL string
	// RedirectHop is set on a 3xx response that was followed.
	RedirectHop bool
	Method      string
	// RequestHeader is what was sent; only SafeRequestHeaders are archived.
	RequestHeader http.Header
	// Proto is the response's protocol, "HTTP/1.1".
	Proto  string
	Status int
	// Header is the response header as received.
	Header http.Header
	// Encoding is the Content-Encoding the body was decoded from, if any.
	Encoding string
	Body     []byte
	// RemoteAddr is the server's IP address.
	RemoteAddr string
	// Time is when the response arrived (WARC-Date).
	Time time.Time
}

// Resource is a document pb made rather than received: a rendered DOM.
type Resource struct {
	URL          string
	RequestedURL string
	ContentType  string
	Note         string
	Body         []byte
	Time         time.Time
}

// Writer appends records to WARC files in one folder. It is safe for
// concurrent use; several processes may write into the same folder, each
// to files of its own.
type Writer struct {
	dir  string
	opts Options

	mu     sync.Mutex
	f      *os.File
	name   string // final name of the open file
	size   int64
	serial int
	info   string // WARC-Record-ID of the open file's warcinfo
	seen   *digestIndex
	closed bool
}

// Open starts a writer in dir (created if needed). It first finishes the
// .open files a killed writer left, if no live writer holds them.
func Open(dir string, opts Options) (*Writer, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Prefix == "" {
		opts.Prefix = "pb"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Software == "" {
		opts.Software = "pb"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--warc: %w", err)
	}
	if _, err := Recover(dir); err != nil {
		return nil, fmt.Errorf("--warc: finishing files a killed run left: %w", err)
	}
	seen, err := openDigestIndex(dir)
	if err != nil {
		return nil, fmt.Errorf("--warc: %w", err)
	}
	return &Writer{dir: dir, opts: opts, seen: seen}, nil
}

// Dir is the folder the writer writes into.
func (w *Writer) Dir() string { return w.dir }

func recordOpts() []gowarc.WarcRecordOption {
	return []gowarc.WarcRecordOption{
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha1"),
		gowarc.WithDefaultDigestEncoding(gowarc.Base32),
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithSpecViolationPolicy(gowarc.ErrFail),
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrFail),
	}
}

// warcDate formats a WARC-Date with millisecond precision (WARC 1.1
// allows fractions), so fetched_at survives a round trip.
func warcDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func build(t gowarc.RecordType, block []byte, fields [][2]string) (gowarc.WarcRecord, error) {
	rb := gowarc.NewRecordBuilder(t, recordOpts()...)
	for _, f := range fields {
		if f[1] != "" {
			rb.AddWarcHeader(f[0], f[1])
		}
	}
	if _, err := rb.Write(block); err != nil {
		return nil, err
	}
	rec, _, err := rb.Build()
	return rec, err
}

// WriteExchange archives a request record and its response record, linked
// by WARC-Concurrent-To. A 2xx response whose payload equals the last one
// archived for the same URL becomes a revisit record instead.
func (w *Writer) WriteExchange(ex *Exchange) error {
	if ex.Method == "" {
		ex.Method = http.MethodGet
	}
	if ex.Proto == "" {
		ex.Proto = "HTTP/1.1"
	}
	date := warcDate(ex.Time)
	reqID := newID()
	requested := ex.RequestedURL
	if requested == ex.URL {
		requested = ""
	}
	common := [][2]string{
		{gowarc.WarcTargetURI, ex.URL}, {gowarc.WarcDate, date},
		{gowarc.WarcIPAddress, ex.RemoteAddr}, {HeaderRequestedURL, requested},
	}
	req, err := build(gowarc.Request, requestBlock(ex), append(common,
		[2]string{gowarc.WarcRecordID, reqID}, [2]string{gowarc.ContentType, "application/http;msgtype=request"}))
	if err != nil {
		return fmt.Errorf("warc request record of %s: %w", ex.URL, err)
	}
	defer req.Close()
	respFields := append(common, [2]string{gowarc.WarcConcurrentTo, reqID},
		[2]string{gowarc.ContentType, "application/http;msgtype=response"})
	if ex.RedirectHop {
		respFields = append(respFields, [2]string{HeaderRedirectHop, "true"})
	}
	resp, err := build(gowarc.Response, ResponseBlock(ex), respFields)
	if err != nil {
		return fmt.Errorf("warc response record of %s: %w", ex.URL, err)
	}
	defer resp.Close()
	out := resp
	digest := resp.WarcHeader().Get(gowarc.WarcPayloadDigest)
	ok := ex.Status >= 200 && ex.Status < 300
	if ok {
		if prev, found := w.seen.get(ex.URL); found && prev.Digest == digest {
			rev, err := resp.ToRevisitRecord(&gowarc.RevisitRef{
				Profile: gowarc.ProfileIdenticalPayloadDigestV1_1, TargetRecordId: prev.ID,
				TargetUri: ex.URL, TargetDate: prev.Date,
			})
			if err != nil {
				return fmt.Errorf("warc revisit record of %s: %w", ex.URL, err)
			}
			out = rev
			ok = false // the index keeps pointing at the full record
		}
	}
	if err := w.write(req, out); err != nil {
		return err
	}
	if ok {
		return w.seen.put(digestEntry{URL: ex.URL, Digest: digest, Date: date, ID: resp.WarcHeader().GetId(gowarc.WarcRecordID)})
	}
	return nil
}

// WriteResource archives a document pb produced, typed as a resource
// record so that no replay tool takes it for a server's response.
func (w *Writer) WriteResource(r *Resource) error {
	requested := r.RequestedURL
	if requested == r.URL {
		requested = ""
	}
	rec, err := build(gowarc.Resource, r.Body, [][2]string{
		{gowarc.WarcTargetURI, r.URL}, {gowarc.WarcDate, warcDate(r.Time)},
		{gowarc.ContentType, r.ContentType}, {HeaderNote, r.Note}, {HeaderRequestedURL, requested},
		{HeaderRender, "true"},
	})
	if err != nil {
		return fmt.Errorf("warc resource record of %s: %w", r.URL, err)
	}
	defer rec.Close()
	return w.write(rec)
}

// write appends records to the open file, each as one complete gzip
// member written at once, rotating first when they would not fit.
func (w *Writer) write(recs ...gowarc.WarcRecord) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("warc writer is closed")
	}
	// The warcinfo id goes into every record, so a record is serialised
	// once its file is known.
	members := make([][]byte, len(recs))
	total := int64(0)
	if w.f != nil {
		for i, r := range recs {
			b, err := member(r, w.info)
			if err != nil {
				return err
			}
			members[i] = b
			total += int64(len(b))
		}
		if w.size+total > w.opts.MaxSize {
			if err := w.closeFile(); err != nil {
				return err
			}
		}
	}
	if w.f == nil {
		if err := w.newFile(); err != nil {
			return err
		}
		for i, r := range recs {
			b, err := member(r, w.info)
			if err != nil {
				return err
			}
			members[i] = b
		}
	}
	buf := bytes.Join(members, nil)
	n, err := w.f.Write(buf)
	w.size += int64(n)
	if err != nil {
		return fmt.Errorf("writing %s: %w", w.name, err)
	}
	return nil
}

// member serialises one record as a gzip member of its own, so that a
// reader can start at any record and a torn tail loses one record only.
func member(r gowarc.WarcRecord, info string) ([]byte, error) {
	if info != "" && r.Type() != gowarc.Warcinfo {
		r.WarcHeader().SetId(gowarc.WarcWarcinfoID, info)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, _, err := gowarc.NewMarshaler().Marshal(zw, r, 0); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// newFile opens PREFIX-TIMESTAMP-SERIAL.warc.gz.open, locked against
// recovery by other writers, and writes its warcinfo record.
func (w *Writer) newFile() error {
	stamp := w.opts.Now().UTC().Format("20060102150405")
	for tries := 0; tries < 100000; tries++ {
		w.serial++
		base := fmt.Sprintf("%s-%s-%05d%s", w.opts.Prefix, stamp, w.serial, Suffix)
		final := filepath.Join(w.dir, base)
		if _, err := os.Stat(final); err == nil {
			continue
		}
		f, err := os.OpenFile(final+".open", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := lockFile(f); err != nil {
			f.Close()
			return err
		}
		w.f, w.name, w.size, w.info = f, final, 0, ""
		info, err := build(gowarc.Warcinfo, warcinfoBlock(w.opts.Software), [][2]string{
			{gowarc.WarcDate, warcDate(w.opts.Now())}, {gowarc.WarcFilename, base},
			{gowarc.ContentType, gowarc.ApplicationWarcFields},
		})
		if err != nil {
			return err
		}
		defer info.Close()
		b, err := member(info, "")
		if err != nil {
			return err
		}
		n, err := f.Write(b)
		w.size += int64(n)
		if err != nil {
			return err
		}
		w.info = info.WarcHeader().GetId(gowarc.WarcRecordID)
		return nil
	}
	return fmt.Errorf("no free file name for %s-%s in %s", w.opts.Prefix, stamp, w.dir)
}

// closeFile syncs the open file and gives it its final name.
func (w *Writer) closeFile() error {
	if w.f == nil {
		return nil
	}
	f, name := w.f, w.name
	w.f = nil
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Rename(name+".open", name); err == nil {
		err = rerr
	}
	syncDir(w.dir)
	return err
}

// Close finishes the open file.
func (w *Writer) Close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.closeFile()
	if cerr := w.seen.close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func warcinfoBlock(software string) []byte {
	return []byte("software: " + software + "\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
}

// newID returns a fresh WARC-Record-ID, a random (version 4) UUID URN.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Files lists the finished WARC files of dir, sorted by name.
func Files(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), Suffix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}
