package warccli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
	"github.com/pb-archive/pb/internal/warc"
)

func clock() func() time.Time {
	t := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// archive writes a small WARC folder: a board page in Latin-1, a thread
// page, a stylesheet and an image.
func archive(t *testing.T, site string) string {
	t.Helper()
	dir := t.TempDir()
	w, err := warc.Open(dir, warc.Options{Prefix: "pb-fetch", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, ex := range []*warc.Exchange{
		{URL: site + "/board/1/news", Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=iso-8859-1"}}, Body: []byte("<html><title>caf\xe9</title></html>")},
		{URL: site + "/thread/7/hello", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>t</html>")},
		{URL: site + "/css/theme.css", Status: 200, Header: http.Header{"Content-Type": {"text/css"}}, Body: []byte("body{}")},
		{URL: site + "/images/a.png", Status: 200, Header: http.Header{"Content-Type": {"image/png"}}, Body: []byte("\x89PNG")},
	} {
		ex.Time = at
		if err := w.WriteExchange(ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runWarc(t *testing.T, o Options) (code int, stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err = Run(context.Background(), strings.NewReader(""), &out, &errb, o)
	return code, out.String(), errb.String(), err
}

func TestReadWritesPageRecords(t *testing.T) {
	dir := archive(t, "http://f.test")
	var o Options
	o.Command, o.Read.Files = "read <files>", []string{dir}
	code, out, _, err := runWarc(t, o)
	if code != 0 || err != nil {
		t.Fatalf("exit %d: %v", code, err)
	}
	var pages []record.Page
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var p record.Page
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if len(pages) != 3 {
		t.Fatalf("%d page records, want 3 (no image): %s", len(pages), out)
	}
	if pages[0].Body != "<html><title>café</title></html>" {
		t.Errorf("Latin-1 body decoded as %q", pages[0].Body)
	}
	if pages[2].Kind != record.KindCSS {
		t.Errorf("stylesheet kind %q", pages[2].Kind)
	}
}

func TestReadReportsABadFileAndGoesOn(t *testing.T) {
	dir := archive(t, "http://f.test")
	bad := filepath.Join(t.TempDir(), "bad.warc.gz")
	os.WriteFile(bad, []byte("this is not a WARC"), 0o644)
	files, _ := warc.Files(dir)
	var o Options
	o.Command, o.Read.Files = "read <files>", append([]string{bad}, files...)
	code, out, stderr, _ := runWarc(t, o)
	if code != 1 || !strings.Contains(stderr, "bad.warc.gz") || strings.Count(out, "\n") != 3 {
		t.Errorf("exit %d, stderr %q, %d records", code, stderr, strings.Count(out, "\n"))
	}
}

func TestIndexToStdoutAndFile(t *testing.T) {
	dir := archive(t, "http://www.F.test")
	var o Options
	o.Command, o.Index.Dir, o.Index.Stdout = "index <dir>", dir, true
	code, out, _, err := runWarc(t, o)
	if code != 0 || err != nil {
		t.Fatalf("exit %d: %v", code, err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "test,f)/board/1/news 20240301120000 {") {
		t.Errorf("index:\n%s", out)
	}
	o.Index.Stdout = false
	if code, out, _, err := runWarc(t, o); code != 0 || err != nil || out != "" {
		t.Fatalf("exit %d: %v, stdout %q", code, err, out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "index.cdxj"))
	if string(b) != strings.Join(lines, "\n")+"\n" {
		t.Errorf("index.cdxj differs from stdout")
	}
}

func TestWACZListsTheForumsPages(t *testing.T) {
	site := "http://f.test"
	dir := archive(t, site)
	db := filepath.Join(t.TempDir(), "forum.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO board (id, name, url) VALUES (1, 'News', '` + site + `/board/1/news')`,
		`INSERT INTO board (id, name, url) VALUES (2, 'Never fetched', '` + site + `/board/2/gone')`,
		`INSERT INTO thread (id, title, url, board_id) VALUES (7, 'Hello', '` + site + `/thread/7/hello', 1)`,
	} {
		if _, err := st.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out := filepath.Join(t.TempDir(), "f.wacz")
	var o Options
	o.Command, o.WACZ.Dir, o.WACZ.Out, o.WACZ.DB = "wacz <dir>", dir, out, db
	o.Now = func() time.Time { return time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC) }
	code, _, stderr, err := runWarc(t, o)
	if code != 0 || err != nil {
		t.Fatalf("exit %d: %v %s", code, err, stderr)
	}
	if !strings.Contains(stderr, "1 boards, threads or members") {
		t.Errorf("the board not archived is not reported: %q", stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	var pages string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "pages/pages.jsonl" {
			r, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(r)
			pages = b.String()
		}
	}
	if got := strings.Join(names, " "); got != "archive/pb-fetch-20240301120001-00001.warc.gz indexes/index.cdxj pages/pages.jsonl datapackage.json datapackage-digest.json" {
		t.Errorf("entries %s", got)
	}
	want := `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}
{"id":"board-1","url":"http://f.test/board/1/news","ts":"2024-03-01T12:00:00Z","title":"News"}
{"id":"thread-7","url":"http://f.test/thread/7/hello","ts":"2024-03-01T12:00:00Z","title":"Hello"}
`
	if pages != want {
		t.Errorf("pages.jsonl:\n%s\nwant:\n%s", pages, want)
	}
}

// TestReadRevisitOfALaterFile: pb-images archives a URL, then a pb-fetch of
// a later pass gets the same bytes and writes a revisit; its file sorts
// before pb-images' file, and the page is still read back whole.
func TestReadRevisitOfALaterFile(t *testing.T) {
	dir := t.TempDir()
	u := "http://f.test/thread/3/x"
	for _, prefix := range []string{"pb-images", "pb-fetch"} {
		w, err := warc.Open(dir, warc.Options{Prefix: prefix, Now: clock()})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteExchange(&warc.Exchange{URL: u, Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
			Body: []byte("<html>same</html>"), Time: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	files, _ := warc.Files(dir)
	if len(files) != 2 || !strings.Contains(files[0], "pb-fetch") {
		t.Fatalf("files %v", files)
	}
	var o Options
	o.Command, o.Read.Files = "read <files>", []string{dir}
	code, out, stderr, err := runWarc(t, o)
	if code != 0 || err != nil || strings.Count(out, `"body":"<html>same</html>"`) != 2 {
		t.Errorf("exit %d %v %s\n%s", code, err, stderr, out)
	}
	rp, err := warc.OpenReplay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ex, err := rp.Get(u); err != nil || string(ex.Body) != "<html>same</html>" {
		t.Errorf("replay: %v %v", ex, err)
	}
}
