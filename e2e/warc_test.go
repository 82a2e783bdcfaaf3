package e2e

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/store"
	"github.com/pb-archive/pb/internal/warc"
)

// renderEnv renders when a browser is installed, so the round trip covers
// rendered DOMs too; without one the plain pages still make the test.
func renderEnv() string {
	for _, p := range []string{os.Getenv("PB_CHROMIUM"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return "PB_RENDER=1"
			}
		}
	}
	return "PB_RENDER=0"
}

// pipe runs the tools of a pipeline one after another, each reading what
// the one before wrote, and returns the last one's stdout.
func pipe(t *testing.T, stages ...[]string) string {
	t.Helper()
	return pipeFrom(t, nil, stages...)
}

// pipeFrom is pipe with the first tool reading in.
func pipeFrom(t *testing.T, in *bytes.Buffer, stages ...[]string) string {
	t.Helper()
	var out string
	for _, s := range stages {
		out = run(t, nil, in, s[0], s[1:]...)
		in = bytes.NewBufferString(out)
	}
	return out
}

// TestWARCRoundTrip mirrors the small forum with PB_WARC on, then rebuilds
// the archive from the WARCs alone — pb-warc read | pb-parse | pb-images
// --from-warc | pb-load — without one request to the forum: the new
// database equals the mirror's, images included. warcio.js reads every
// file, the CDXJ index points at the records, and the WACZ lists every
// board, thread and member with its title.
func TestWARCRoundTrip(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 1, Size: "small", Faults: map[string]float64{fakeforum.FaultPoW: 0.2, "429": 0.05}})
	out := t.TempDir()
	w := filepath.Join(out, "warc")
	mirror(t, f.URL, out, "PB_FETCH_FLAGS=--delay 0 --other-delay 0 --backoff 10ms", renderEnv(), "PB_WARC="+w)
	want := dump(t, filepath.Join(out, "forum.db"))
	f.log.Take()

	files, err := warc.Files(w)
	if err != nil || len(files) < 2 {
		t.Fatalf("WARC files %v, %v", files, err)
	}
	var fetchFiles, imageFiles int
	for _, p := range files {
		switch {
		case strings.HasPrefix(filepath.Base(p), "pb-fetch-"):
			fetchFiles++
		case strings.HasPrefix(filepath.Base(p), "pb-images-"):
			imageFiles++
		}
	}
	if fetchFiles == 0 || imageFiles == 0 {
		t.Fatalf("want files of pb-fetch and pb-images, got %v", files)
	}
	rt := t.TempDir()
	read := exec.Command(filepath.Join(binDir, "pb-warc"), "read", w)
	var pages, readErr bytes.Buffer
	read.Stdout, read.Stderr = &pages, &readErr
	if err := read.Run(); err != nil {
		t.Fatalf("pb-warc read: %v\n%s", err, readErr.String())
	}
	pipeFrom(t, &pages, []string{"pb-parse"},
		[]string{"pb-images", "-q", "-o", filepath.Join(rt, "images"), "--from-warc", w}, []string{"pb-load", "-q", filepath.Join(rt, "forum.db")})
	if es := f.log.Take(); len(es) != 0 {
		t.Fatalf("the round trip made %d requests to the forum, e.g. %s", len(es), es[0].Path)
	}
	requireEqual(t, "archive rebuilt from the WARCs", want, dump(t, filepath.Join(rt, "forum.db")))
	checkImages(t, filepath.Join(rt, "forum.db"), filepath.Join(rt, "images"))

	warcioCheck(t, files)

	// The CDXJ index: sorted, and each line points at its record.
	run(t, nil, nil, "pb-warc", "index", w)
	idx, err := os.ReadFile(filepath.Join(w, "index.cdxj"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(idx)), "\n")
	if !sort.StringsAreSorted(lines) {
		t.Error("index.cdxj is not sorted")
	}
	captured := map[string]bool{}
	for _, l := range lines {
		checkCDXLine(t, w, l)
		parts := strings.SplitN(l, " ", 3)
		var fields map[string]string
		json.Unmarshal([]byte(parts[2]), &fields)
		captured[fields["url"]] = true
		if st := fields["status"]; st == "202" || st == "429" {
			t.Errorf("a proof-of-work page or a retried 429 is archived: %s", l)
		}
	}
	// Every image with a file was archived by pb-images.
	st, err := store.Open(filepath.Join(out, "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB.Query(`SELECT url FROM image WHERE filename IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		rows.Scan(&u)
		if !captured[u] {
			t.Errorf("image %s is not in the WARCs", u)
		}
	}
	rows.Close()
	st.Close()

	wacz := checkWACZ(t, w, filepath.Join(out, "forum.db"))
	t.Run("ReplayWeb.page", func(t *testing.T) {
		replayWACZ(t, wacz, f.URL+"/", pipe(t, []string{"pb-warc", "read", w}))
		if es := f.log.Take(); len(es) != 0 {
			t.Fatalf("replay made %d requests to the forum, e.g. %s", len(es), es[0].Path)
		}
	})
}

// replayWACZ opens the WACZ in ReplayWeb.page (webrecorder's replay UI,
// run in Chromium from a local server) at page, and checks that the
// archived page shows with the title it had when fetched. It skips when
// the browser or ReplayWeb.page's bundle (.npm/replaywebpage/ui.js and
// sw.js: make replay-deps) is missing.
func replayWACZ(t *testing.T, wacz, page, pages string) {
	bin := chromium(t)
	bundle := filepath.Join(root, ".npm", "replaywebpage")
	if _, err := os.Stat(filepath.Join(bundle, "sw.js")); err != nil {
		t.Skip("ReplayWeb.page is not installed in .npm/replaywebpage (make replay-deps)")
	}
	// The title the page had, from its page record.
	var want string
	for _, l := range strings.Split(pages, "\n") {
		var p struct{ URL, Body string }
		if json.Unmarshal([]byte(l), &p) == nil && p.URL == page {
			if _, rest, ok := strings.Cut(p.Body, "<title>"); ok {
				want, _, _ = strings.Cut(rest, "</title>")
			}
		}
	}
	if want == "" {
		t.Fatalf("no title for %s in the WARCs", page)
	}
	site := t.TempDir()
	os.MkdirAll(filepath.Join(site, "replay"), 0o755)
	copyFile(t, filepath.Join(bundle, "ui.js"), filepath.Join(site, "ui.js"))
	copyFile(t, filepath.Join(bundle, "sw.js"), filepath.Join(site, "replay", "sw.js"))
	copyFile(t, wacz, filepath.Join(site, "forum.wacz"))
	os.WriteFile(filepath.Join(site, "index.html"), []byte(`<!doctype html><html><head><meta charset="utf-8"><script src="./ui.js"></script></head>
<body><replay-web-page style="height:800px;display:block" source="forum.wacz" url="`+page+`" replayBase="./replay/" embed="replayonly"></replay-web-page></body></html>`), 0o644)
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer srv.Close()

	l := launcher.New().Bin(bin).NoSandbox(true).Headless(true)
	u, err := l.Launch()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Cleanup() // waits for the browser to exit, then removes its profile
	defer l.Kill()
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.Page(proto.TargetCreateTarget{URL: srv.URL + "/index.html"})
	if err != nil {
		t.Fatal(err)
	}
	// The archived page is an iframe (src .../mp_/URL) inside the replay
	// app's shadow roots and frames, all on the local server's origin.
	const find = `() => {
  function walk(root) {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) { const r = walk(el.shadowRoot); if (r) return r; }
      if (el.tagName === "IFRAME") {
        let d = null; try { d = el.contentDocument; } catch (e) {}
        if (d) {
          if ((el.src || "").includes("mp_/") && d.title) return d.title;
          const r = walk(d); if (r) return r;
        }
      }
    }
    return "";
  }
  return walk(document);
}`
	got := ""
	for i := 0; i < 240 && got == ""; i++ { // up to two minutes on a busy machine
		time.Sleep(500 * time.Millisecond)
		if res, err := p.Eval(find); err == nil {
			got = res.Value.Str()
		}
	}
	if got != want {
		t.Fatalf("ReplayWeb.page shows %q for %s, want %q", got, page, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkCDXLine reads the gzip member a CDXJ line points at and checks it
// is the record of that URL.
func checkCDXLine(t *testing.T, dir, line string) {
	t.Helper()
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 {
		t.Fatalf("CDXJ line %q", line)
	}
	var f struct{ URL, Filename, Offset, Length string }
	if err := json.Unmarshal([]byte(parts[2]), &f); err != nil {
		t.Fatalf("CDXJ line %q: %v", line, err)
	}
	if parts[0] != warc.SURT(f.URL) || len(parts[1]) != 14 {
		t.Errorf("CDXJ key %q %q for %s", parts[0], parts[1], f.URL)
	}
	var off, n int64
	fmt.Sscan(f.Offset, &off)
	fmt.Sscan(f.Length, &n)
	fh, err := os.Open(filepath.Join(dir, f.Filename))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(io.NewSectionReader(fh, off, n))
	if err != nil {
		t.Fatalf("%s at %d: %v", f.Filename, off, err)
	}
	zr.Multistream(false)
	rec, err := io.ReadAll(zr)
	if err != nil || !bytes.HasPrefix(rec, []byte("WARC/1.1\r\n")) || !bytes.Contains(rec, []byte("WARC-Target-URI: "+f.URL+"\r\n")) {
		t.Errorf("%s at %d+%d is not the record of %s: %v", f.Filename, off, n, f.URL, err)
	}
}

// checkWACZ packages dir and checks the package as WACZ 1.1.1 asks.
func checkWACZ(t *testing.T, dir, db string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "forum.wacz")
	run(t, nil, nil, "pb-warc", "wacz", dir, "-o", path, "--db", db)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string][]byte{}
	for _, f := range zr.File {
		if f.Method != zip.Store {
			t.Errorf("%s is compressed; WACZ stores entries", f.Name)
		}
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		entries[f.Name] = b
	}
	for _, name := range []string{"datapackage.json", "datapackage-digest.json", "indexes/index.cdxj", "pages/pages.jsonl"} {
		if entries[name] == nil {
			t.Fatalf("WACZ has no %s", name)
		}
	}
	var dp struct {
		Profile     string `json:"profile"`
		WACZVersion string `json:"wacz_version"`
		Resources   []struct {
			Path, Hash string
			Bytes      int
		} `json:"resources"`
	}
	if err := json.Unmarshal(entries["datapackage.json"], &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Profile != "data-package" || dp.WACZVersion != "1.1.1" || len(dp.Resources) != len(entries)-2 {
		t.Errorf("datapackage.json: %s", entries["datapackage.json"])
	}
	for _, r := range dp.Resources {
		sum := sha256.Sum256(entries[r.Path])
		if r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != len(entries[r.Path]) {
			t.Errorf("datapackage.json says %s is %s (%d bytes); it is not", r.Path, r.Hash, r.Bytes)
		}
	}
	sum := sha256.Sum256(entries["datapackage.json"])
	if !bytes.Contains(entries["datapackage-digest.json"], []byte("sha256:"+hex.EncodeToString(sum[:]))) {
		t.Error("datapackage-digest.json does not hold datapackage.json's sha256")
	}
	pages := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(entries["pages/pages.jsonl"]))
	for sc.Scan() {
		var p struct{ URL, Title, TS string }
		json.Unmarshal(sc.Bytes(), &p)
		if p.URL != "" {
			pages[p.URL] = p.Title
			if _, err := time.Parse(time.RFC3339, p.TS); err != nil {
				t.Errorf("page %s: ts %q", p.URL, p.TS)
			}
		}
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	// A redirect board links off the forum: it has no page to list.
	for _, q := range []string{`SELECT url, name FROM board WHERE url IS NOT NULL`, `SELECT url, title FROM thread`, `SELECT url, name FROM user WHERE id > 0 AND url IS NOT NULL`} {
		rows, err := st.DB.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var u, title string
			rows.Scan(&u, &title)
			n++
			if got, ok := pages[u]; !ok || got != title {
				t.Errorf("pages.jsonl: %s has title %q (listed: %v), want %q", u, got, ok, title)
			}
		}
		rows.Close()
	}
	if n == 0 || len(pages) != n {
		t.Errorf("pages.jsonl lists %d pages, the database has %d boards, threads and members", len(pages), n)
	}
	return path
}

// warcioCheck reads every file with webrecorder's warcio.js (a reader pb
// did not write): skipped without node, failed when node is there but
// warcio.js is not installed (make test-deps).
func warcioCheck(t *testing.T, files []string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node is not installed: warcio.js check skipped")
		return
	}
	pkg := filepath.Join(root, ".npm", "node_modules", "warcio")
	if _, err := os.Stat(filepath.Join(pkg, "dist", "index.js")); err != nil {
		t.Fatalf("warcio.js is not installed in %s: run make test-deps", pkg)
	}
	cmd := exec.Command(node, append([]string{filepath.Join(root, "internal", "warc", "testdata", "warcio-check.mjs")}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO_DIR="+pkg)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("warcio.js rejects the WARCs: %v\n%s", err, e.String())
	}
	var res struct{ Records, Checked int }
	if err := json.Unmarshal(o.Bytes(), &res); err != nil {
		t.Fatalf("warcio-check output (%d bytes): %v", o.Len(), err)
	}
	if res.Checked == 0 {
		t.Fatalf("warcio.js checked no payload: %.500s", o.String())
	}
}

// TestWARCHoldsNoSecrets mirrors a login-gated forum with a browser's
// session cookie and a password-protected board, then logs in with a
// password: neither password, nor the session, nor the board's unlock
// cookie appears in any byte of the WARCs (decompressed), the CDXJ index,
// the WACZ, or the folder's other files.
func TestWARCHoldsNoSecrets(t *testing.T) {
	acct := fakeforum.Account{Email: "keeper@example.com", Password: "pw-Zq81-never-archive", UserID: 1}
	f := startForum(t, fakeforum.Config{Seed: 5, Size: "small", Account: acct, BoardPassword: "board-pw-Xk42",
		Faults: map[string]float64{fakeforum.FaultLogin: 1}})
	session := f.SessionCookie()
	dir := t.TempDir()
	cookies := filepath.Join(dir, "cookies.txt")
	os.WriteFile(cookies, []byte("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\t"+session.Name+"\t"+session.Value+"\n"), 0o600)
	pwFile := filepath.Join(dir, "boards.txt")
	os.WriteFile(pwFile, []byte("6=board-pw-Xk42\n"), 0o600)
	out := t.TempDir()
	w := filepath.Join(out, "warc")
	mirror(t, f.URL, out, "PB_FETCH_FLAGS=--delay 0 --other-delay 0 --board-passwords "+pwFile,
		"PB_IMAGES_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0", "PB_COOKIES="+cookies, "PB_WARC="+w)
	st, err := store.Open(filepath.Join(out, "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	var locked int
	st.DB.QueryRow(`SELECT count(*) FROM thread WHERE board_id = 6`).Scan(&locked)
	st.Close()
	// A login with a password, its pages archived into the same folder.
	login := exec.Command(filepath.Join(binDir, "pb-fetch"), "--login", acct.Email, "--delay", "0", "--warc", w, "-q")
	login.Env = append(os.Environ(), "PB_PASSWORD="+acct.Password)
	login.Stdin = strings.NewReader(`{"type":"url","url":"` + f.URL + `/members"}` + "\n" + `{"type":"url","url":"` + f.URL + `/user/1"}` + "\n")
	var lo, le bytes.Buffer
	login.Stdout, login.Stderr = &lo, &le
	if err := login.Run(); err != nil {
		t.Fatalf("pb-fetch --login: %v\n%s", err, le.String())
	}
	if !strings.Contains(lo.String(), `"status":200`) {
		t.Fatalf("pb-fetch --login fetched nothing: %s", lo.String())
	}
	run(t, nil, nil, "pb-warc", "index", w)
	wacz := filepath.Join(out, "forum.wacz")
	run(t, nil, nil, "pb-warc", "wacz", w, "-o", wacz, "--db", filepath.Join(out, "forum.db"))

	secrets := map[string]string{
		"login password": acct.Password, "board password": "board-pw-Xk42", "session cookie": session.Value,
		"board unlock cookie": f.BoardCookie(6).Value,
	}
	blobs := map[string][]byte{"page records of the login run": lo.Bytes()}
	files, _ := warc.Files(w)
	if len(files) == 0 {
		t.Fatal("no WARC files")
	}
	for _, p := range append(files, wacz, filepath.Join(w, "index.cdxj"), filepath.Join(w, warc.DigestIndexName)) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		blobs[p] = b
	}
	for _, p := range files {
		zr, err := gzip.NewReader(bytes.NewReader(blobs[p]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		blobs[p+" (decompressed)"] = b
	}
	zr, err := zip.OpenReader(wacz)
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		r, _ := zf.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		if strings.HasSuffix(zf.Name, ".gz") {
			g, _ := gzip.NewReader(bytes.NewReader(b))
			b, _ = io.ReadAll(g)
		}
		blobs["WACZ "+zf.Name] = b
	}
	zr.Close()
	all := bytes.Join(func() [][]byte {
		var v [][]byte
		for _, b := range blobs {
			v = append(v, b)
		}
		return v
	}(), nil)
	for what, s := range secrets {
		for where, b := range blobs {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("the %s is in %s", what, where)
			}
		}
	}
	// The test proves something only if the protected board, the
	// login-gated profiles and the login were archived.
	for _, want := range []string{"/user/1", "staff-lounge", "WARC-Type: request", "X-Crawler-"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("the WARCs hold no %q: the test proves nothing", want)
		}
	}
	if locked == 0 {
		t.Error("the protected board's threads were not archived: the test proves nothing")
	}
	warcioCheck(t, files)
}

// TestWARCSurvivesKill kills a mirror (SIGKILL to every process) while it
// writes WARCs, runs it again to the end, and checks that every file
// validates (gowarc through pb-warc, and warcio.js), nothing is left
// unfinished, and every page is archived.
func TestWARCSurvivesKill(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 2, Size: "small"})
	out := t.TempDir()
	w := filepath.Join(out, "warc")
	env := []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0", "PB_WARC=" + w}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "examples", "mirror.sh"), f.URL, out)
	cmd.Env = append(append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH")), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once a pass has written a good part of a file, or give up after a minute.
	killed := false
	for i := 0; i < 1200 && !killed; i++ {
		time.Sleep(50 * time.Millisecond)
		ents, _ := os.ReadDir(w)
		for _, e := range ents {
			if fi, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), warc.OpenSuffix) && fi.Size() > 40_000 {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the mirror never had a WARC file open past 40 kB to kill it in")
	}
	left, _ := filepath.Glob(filepath.Join(w, "*"+warc.OpenSuffix))
	if len(left) == 0 {
		t.Fatal("the kill left no unfinished file: the test proves nothing")
	}

	mirror(t, f.URL, out, env...)
	if left, _ := filepath.Glob(filepath.Join(w, "*"+warc.OpenSuffix)); len(left) != 0 {
		t.Errorf("unfinished files after the resumed mirror: %v", left)
	}
	files, _ := warc.Files(w)
	run(t, nil, nil, "pb-warc", "index", w) // strict: fails on a bad record
	pages := run(t, nil, nil, "pb-warc", "read", w)
	warcioCheck(t, files)
	// Every page the database holds as done is in the WARCs.
	st, err := store.Open(filepath.Join(out, "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(`SELECT url FROM crawl WHERE state = 'done' AND render = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var u string
		rows.Scan(&u)
		n++
		if !strings.Contains(pages, `"url":"`+u+`"`) {
			t.Errorf("%s is done in the database but not in the WARCs", u)
		}
	}
	if n == 0 {
		t.Fatal("no page done")
	}
}
