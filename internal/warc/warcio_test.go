package warc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// warcioResult is what testdata/warcio-check.mjs prints.
type warcioResult struct {
	Records int            `json:"records"`
	Checked int            `json:"checked"`
	Types   map[string]int `json:"types"`
	CDX     []struct {
		URLKey   string `json:"urlkey"`
		Offset   int64  `json:"offset"`
		Length   int64  `json:"length"`
		Filename string `json:"filename"`
	} `json:"cdx"`
}

// runWarcio reads files with webrecorder's warcio.js. It skips when node
// is missing and fails when node is there but warcio is not installed.
func runWarcio(t *testing.T, files []string) warcioResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the warcio.js check needs it")
	}
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	pkg := filepath.Join(root, ".npm", "node_modules", "warcio")
	if _, err := os.Stat(filepath.Join(pkg, "dist", "index.js")); err != nil {
		t.Fatalf("warcio.js is not installed in %s: run make test-deps (npm install --prefix .npm warcio@2.4.11)", pkg)
	}
	cmd := exec.Command(node, append([]string{filepath.Join(filepath.Dir(here), "testdata", "warcio-check.mjs")}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO_DIR="+pkg)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("warcio.js rejects the WARCs: %v\n%s", err, errb.String())
	}
	var res warcioResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("warcio-check output: %v\n%s", err, out.String())
	}
	return res
}

// TestWarcioReadsEverything writes every kind of record pb writes
// (rotated, revisits, resources, masked gzip responses, a redirect hop),
// has warcio.js read and index them, and checks that pb's CDXJ index
// points at the same records with the same SURT keys as warcio's.
func TestWarcioReadsEverything(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{Prefix: "pb-fetch", MaxSize: 3000, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	hop := exchange("http://www.F.test:8080/thread/1", "", at)
	hop.Status, hop.RedirectHop = 301, true
	hop.Header = map[string][]string{"Location": {"/thread/1/slug"}}
	if err := w.WriteExchange(hop); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		body := fmt.Sprintf("<html>page %d é</html>", i%3) // pages 3..5 repeat 0..2: revisits
		if err := w.WriteExchange(exchange(fmt.Sprintf("http://www.F.test:8080/thread/1/slug?page=%d&b=1", i%3), body, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteResource(&Resource{URL: "http://www.F.test:8080/thread/1/slug", ContentType: "text/html; charset=utf-8", Note: RenderedNote, Body: []byte("<html>dom</html>"), Time: at}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	if len(files) < 2 {
		t.Fatalf("want several files, got %v", files)
	}
	res := runWarcio(t, files)
	if res.Types["revisit"] != 3 || res.Types["resource"] != 1 || res.Types["response"] != 4 || res.Types["warcinfo"] != len(files) {
		t.Errorf("warcio saw %v", res.Types)
	}
	if res.Checked != 5 {
		t.Errorf("warcio checked %d payload digests, want 5", res.Checked)
	}
	ours, err := Index(files)
	if err != nil {
		t.Fatal(err)
	}
	type pos struct {
		file   string
		offset int64
	}
	mine := map[pos]CDXLine{}
	for _, l := range ours {
		var off int64
		fmt.Sscan(l.Fields["offset"], &off)
		mine[pos{l.Fields["filename"], off}] = l
	}
	if len(res.CDX) != len(ours) {
		t.Errorf("warcio indexes %d records, pb %d", len(res.CDX), len(ours))
	}
	for _, c := range res.CDX {
		l, ok := mine[pos{c.Filename, c.Offset}]
		if !ok {
			t.Errorf("warcio indexes %s at %s:%d; pb's index does not", c.URLKey, c.Filename, c.Offset)
			continue
		}
		if l.Key != c.URLKey || l.Fields["length"] != fmt.Sprint(c.Length) {
			t.Errorf("at %s:%d pb says %s length %s, warcio %s length %d", c.Filename, c.Offset, l.Key, l.Fields["length"], c.URLKey, c.Length)
		}
	}
}
