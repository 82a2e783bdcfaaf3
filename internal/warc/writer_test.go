package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// clock is an injected clock that moves one second per call.
func clock() func() time.Time {
	t := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

const secretCookie = "session=SECRET-COOKIE-VALUE"

func exchange(url, body string, at time.Time) *Exchange {
	return &Exchange{
		URL: url, Method: "GET", Proto: "HTTP/1.1", Status: 200, RemoteAddr: "127.0.0.1",
		RequestHeader: http.Header{"Cookie": {secretCookie}, "Authorization": {"Basic SECRET-AUTH"},
			"User-Agent": {"pb-fetch/1.0"}, "X-Token": {"SECRET-HEADER"}},
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Content-Encoding": {"gzip"},
			"Content-Length": {"12"}, "Set-Cookie": {"sid=SECRET-SET-COOKIE"}},
		Encoding: "gzip", Body: []byte(body), Time: at,
	}
}

// readAllRecords reads every record of every finished file with strict
// validation (digests and lengths checked by gowarc).
func readAllRecords(t *testing.T, dir string) []gowarc.WarcRecord {
	t.Helper()
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []gowarc.WarcRecord
	for _, f := range files {
		wf, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := wf.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s at %d: %v", f, rec.Offset, err)
			}
			if len(rec.Validation) > 0 {
				t.Fatalf("%s at %d: %v", f, rec.Offset, rec.Validation)
			}
			if err := rec.WarcRecord.Block().Cache(); err != nil {
				t.Fatal(err)
			}
			out = append(out, rec.WarcRecord)
		}
		wf.Close()
	}
	return out
}

func TestRoundTripDigestsMaskingSecrets(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{Prefix: "pb-fetch", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 12, 30, 0, 123e6, time.UTC)
	body := "<html>héllo</html>"
	if err := w.WriteExchange(exchange("http://f.test/thread/1", body, at)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteResource(&Resource{URL: "http://f.test/thread/1", ContentType: "text/html", Note: RenderedNote, Body: []byte("<html>dom</html>"), Time: at}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	if len(files) != 1 || filepath.Base(files[0]) != "pb-fetch-20240301120001-00001.warc.gz" {
		t.Fatalf("files %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	zr, _ := gzip.NewReader(bytes.NewReader(raw))
	plain, _ := io.ReadAll(zr)
	for _, secret := range []string{"SECRET-COOKIE-VALUE", "SECRET-AUTH", "SECRET-HEADER", "SECRET-SET-COOKIE"} {
		if bytes.Contains(plain, []byte(secret)) {
			t.Errorf("%s is in the WARC", secret)
		}
	}
	recs := readAllRecords(t, dir)
	var types []string
	for _, r := range recs {
		types = append(types, r.Type().String())
	}
	if got := strings.Join(types, ","); got != "warcinfo,request,response,resource" {
		t.Fatalf("record types %s", got)
	}
	req, resp, res := recs[1], recs[2], recs[3]
	if resp.WarcHeader().GetId(gowarc.WarcConcurrentTo) != req.WarcHeader().GetId(gowarc.WarcRecordID) {
		t.Error("response not linked to its request")
	}
	if d := resp.WarcHeader().Get(gowarc.WarcDate); d != "2024-03-01T12:30:00.123Z" {
		t.Errorf("WARC-Date %s", d)
	}
	if ip := resp.WarcHeader().Get(gowarc.WarcIPAddress); ip != "127.0.0.1" {
		t.Errorf("WARC-IP-Address %q", ip)
	}
	sum := sha1.Sum([]byte(body))
	if want := "sha1:" + base32.StdEncoding.EncodeToString(sum[:]); resp.WarcHeader().Get(gowarc.WarcPayloadDigest) != want {
		t.Errorf("payload digest %s, want %s", resp.WarcHeader().Get(gowarc.WarcPayloadDigest), want)
	}
	hb := resp.Block().(gowarc.HttpResponseBlock)
	h := hb.HttpHeader()
	if h.Get("Content-Length") != "19" || h.Get("X-Crawler-Content-Length") != "12" ||
		h.Get("X-Crawler-Content-Encoding") != "gzip" || h.Get("Content-Encoding") != "" {
		t.Errorf("masked header %v", h)
	}
	if res.WarcHeader().Get(gowarc.ContentType) != "text/html" || res.WarcHeader().Get(HeaderNote) == "" {
		t.Errorf("resource headers %v", res.WarcHeader())
	}

	// Read back into page records.
	var pages []*Page
	if err := NewReader().ReadFile(files[0], func(p *Page) error { pages = append(pages, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages", len(pages))
	}
	p := pages[0]
	if string(p.Raw) != body || p.URL != "http://f.test/thread/1" || p.Status != 200 || p.FetchedAt != at.UnixMilli() ||
		p.HTTPVersion != "HTTP/1.1" || p.RemoteAddr != "127.0.0.1" || p.RequestMethod != "GET" ||
		len(p.RequestHeaders["User-Agent"]) != 1 || p.RequestHeaders["Cookie"] != nil {
		t.Errorf("page %+v", p.Page)
	}
	if !pages[1].Rendered || string(pages[1].Raw) != "<html>dom</html>" {
		t.Errorf("rendered page %+v", pages[1].Page)
	}
}

func TestRevisitAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for run, body := range []string{"same", "same", "changed"} {
		w, err := Open(dir, Options{Prefix: "pb-fetch", Now: clock()})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteExchange(exchange("http://f.test/board/1", body, at.Add(time.Duration(run)*time.Hour))); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	var types []string
	var revisit gowarc.WarcRecord
	for _, r := range readAllRecords(t, dir) {
		if r.Type() == gowarc.Response || r.Type() == gowarc.Revisit {
			types = append(types, r.Type().String())
		}
		if r.Type() == gowarc.Revisit {
			revisit = r
		}
	}
	if got := strings.Join(types, ","); got != "response,revisit,response" {
		t.Fatalf("types %s", got)
	}
	h := revisit.WarcHeader()
	if h.Get(gowarc.WarcRefersToTargetURI) != "http://f.test/board/1" || h.Get(gowarc.WarcRefersToDate) != "2024-03-01T12:00:00.000Z" || h.Get(gowarc.WarcPayloadDigest) == "" {
		t.Errorf("revisit headers %v", h)
	}
	// The revisit reads back with the body of the record it refers to.
	files, _ := Files(dir)
	r := NewReader()
	var bodies []string
	for _, f := range files {
		if err := r.ReadFile(f, func(p *Page) error { bodies = append(bodies, string(p.Raw)); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(bodies, ","); got != "same,same,changed" {
		t.Errorf("bodies %s", got)
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{Prefix: "pb-images", MaxSize: 2000, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		body := strings.Repeat(string(rune('a'+i)), 600) + string(rune('0'+i))
		if err := w.WriteExchange(exchange("http://f.test/i/"+string(rune('a'+i)), body, time.Unix(1e9, 0))); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	files, _ := Files(dir)
	if len(files) < 3 {
		t.Fatalf("%d files, want rotation", len(files))
	}
	for i, f := range files {
		fi, _ := os.Stat(f)
		if fi.Size() > 2000 && i < len(files)-1 {
			t.Errorf("%s is %d bytes", f, fi.Size())
		}
		if !strings.HasPrefix(filepath.Base(f), "pb-images-20240301120") {
			t.Errorf("name %s", f)
		}
	}
	responses := 0
	for _, r := range readAllRecords(t, dir) {
		if r.Type() == gowarc.Response {
			responses++
		}
	}
	if responses != 10 {
		t.Errorf("%d responses", responses)
	}
}

func TestRecoverTornFile(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{Prefix: "pb-fetch", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c"} {
		if err := w.WriteExchange(exchange("http://f.test/"+u, u+" body", time.Unix(1e9, 0))); err != nil {
			t.Fatal(err)
		}
	}
	// Simulate a kill in the middle of the last record: the writer never
	// closes, its file keeps the .open name and loses a tail.
	open := w.name + ".open"
	w.f.Close()
	st, _ := os.Stat(open)
	if err := os.Truncate(open, st.Size()-20); err != nil {
		t.Fatal(err)
	}
	if files, _ := Files(dir); len(files) != 0 {
		t.Fatalf("unfinished file listed: %v", files)
	}
	w2, err := Open(dir, Options{Prefix: "pb-fetch", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.WriteExchange(exchange("http://f.test/d", "d body", time.Unix(1e9, 0))); err != nil {
		t.Fatal(err)
	}
	w2.Close()
	files, _ := Files(dir)
	if len(files) != 2 {
		t.Fatalf("files %v", files)
	}
	var urls []string
	for _, r := range readAllRecords(t, dir) {
		if r.Type() == gowarc.Response {
			urls = append(urls, r.WarcHeader().Get(gowarc.WarcTargetURI))
		}
	}
	if got := strings.Join(urls, " "); got != "http://f.test/a http://f.test/b http://f.test/d" {
		t.Errorf("responses after recovery: %s", got)
	}
}

func TestRecoverLeavesLiveFile(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{Prefix: "pb-fetch", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.WriteExchange(exchange("http://f.test/a", "a", time.Unix(1e9, 0))); err != nil {
		t.Fatal(err)
	}
	done, err := Recover(dir)
	if err != nil || len(done) != 0 {
		t.Fatalf("recovered a live writer's file: %v %v", done, err)
	}
}
