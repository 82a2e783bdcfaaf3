package images

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/record"
)

func parseOptions(t *testing.T, args ...string) Options {
	t.Helper()
	var o Options
	p, err := kong.New(&o, kong.Name("pb-images"), kong.Exit(func(int) { t.Fatalf("kong exited on %q", args) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Parse(args); err != nil {
		t.Fatalf("flags %q: %v", args, err)
	}
	return o
}

// fast keeps tests quick: no politeness delays, short backoff.
func fast(dir string, extra ...string) []string {
	return append([]string{"-o", dir, "--delay", "0", "--other-delay", "0", "--backoff", "2ms", "--max-wait", "1s",
		"--timeout", "5s", "--robots", "ignore", "--retries", "2"}, extra...)
}

type result struct {
	code           int
	err            error
	stdout, stderr string
}

func run(t *testing.T, input string, o Options) result {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := Run(t.Context(), strings.NewReader(input), &out, &errb, o)
	return result{code, err, out.String(), errb.String()}
}

// requests returns how many times each host+path was requested since the
// last call.
func requests(log *fakeforum.AccessRecorder) map[string]int {
	m := map[string]int{}
	for _, e := range log.Take() {
		m["http://"+e.Host+e.Path]++
	}
	return m
}

// truthImages starts the fake forum and returns its image records as the
// truth has them (with what pb-images should add) and as pb-parse emits
// them (without).
func truthImages(t *testing.T, faults map[string]float64) (srv *httptest.Server, log *fakeforum.AccessRecorder, want map[string]map[string]any, in []string) {
	t.Helper()
	log = &fakeforum.AccessRecorder{}
	// OddForms: only its relative image URLs put images on the forum's own
	// host, which the throttling tests need; the others are on the image host.
	f, err := fakeforum.New(fakeforum.Config{Seed: 3, Size: "small", AccessLog: log, Faults: faults, OddForms: true})
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var truth bytes.Buffer
	if err := f.WriteTruth(&truth, srv.URL); err != nil {
		t.Fatal(err)
	}
	want = map[string]map[string]any{}
	r := cli.NewReader(&truth)
	for {
		l, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if l.Type != record.TypeImage {
			continue
		}
		var m map[string]any
		json.Unmarshal(l.Raw, &m)
		want[m["url"].(string)] = m
		stripped := map[string]any{}
		for k, v := range m {
			switch k {
			case "filename", "md5_hash", "size", "status", "http_status":
			default:
				stripped[k] = v
			}
		}
		b, _ := json.Marshal(stripped)
		in = append(in, string(b))
	}
	sort.Strings(in)
	return srv, log, want, in
}

func TestImagesFromTheFakeForum(t *testing.T) {
	srv, log, want, images := truthImages(t, nil)
	dir := filepath.Join(t.TempDir(), "images")

	// Each image twice, other records around them with unknown fields.
	var in strings.Builder
	var order []string // what each output line should be: a raw line or "image:" + url
	for i, im := range images {
		other := fmt.Sprintf(`{"type":"post","id":%d,"x_unknown":{"keep":[1,"two"]}}`, i)
		in.WriteString(other + "\n" + im + "\n")
		order = append(order, other, "image")
	}
	for _, im := range images {
		withExtra := strings.TrimSuffix(im, "}") + `,"x_note":"again"}`
		in.WriteString(withExtra + "\n")
		order = append(order, "image")
	}
	// A stopped clock, so that a second download of a URL gives the same record.
	opts := func(args ...string) Options {
		o := parseOptions(t, args...)
		o.Now = func() time.Time { return time.UnixMilli(1_700_000_000_000) }
		return o
	}
	res := run(t, in.String(), opts(fast(dir, "-c", "4")...))
	if res.code != 0 || res.err != nil {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	if len(lines) != len(order) {
		t.Fatalf("%d lines out, %d in", len(lines), len(order))
	}
	formats := map[string]bool{}
	statuses := map[string]int{}
	for i, l := range lines {
		if order[i] != "image" {
			if l != order[i] {
				t.Errorf("line %d: %s, want %s passed through as is", i+1, l, order[i])
			}
			continue
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(l), &got); err != nil || got["type"] != "image" {
			t.Fatalf("line %d is not the image record: %s", i+1, l)
		}
		w := want[got["url"].(string)]
		for _, k := range []string{"url", "description", "filename", "md5_hash", "size", "status", "http_status", "post_id"} {
			if fmt.Sprint(got[k]) != fmt.Sprint(w[k]) {
				t.Errorf("%s: %s = %v, want %v", got["url"], k, got[k], w[k])
			}
		}
		if i >= 2*len(images) && got["x_note"] != "again" {
			t.Errorf("line %d lost its unknown field: %s", i+1, l)
		}
		if got["fetched_at"] != float64(1_700_000_000_000) {
			t.Errorf("%s: fetched_at %v, want the clock's time", got["url"], got["fetched_at"])
		}
		statuses[fmt.Sprint(got["status"])]++
		if fn, ok := got["filename"].(string); ok {
			formats[filepath.Ext(fn)] = true
			data, err := os.ReadFile(filepath.Join(dir, fn))
			if err != nil || int64(len(data)) != int64(got["size"].(float64)) {
				t.Errorf("%s: file %s: %v", got["url"], fn, err)
			}
		}
	}
	for _, ext := range []string{".png", ".jpg", ".gif", ".webp", ".bmp", ".ico", ".svg"} {
		if !formats[ext] {
			t.Errorf("no %s file among the images", ext)
		}
	}
	if statuses["http 404"] == 0 || statuses["not an image"] == 0 {
		t.Errorf("statuses %v: want a dead link and an HTML page among them", statuses)
	}
	// Every URL was downloaded once, though named three times.
	for u, n := range requests(log) {
		if n != 1 {
			t.Errorf("%s requested %d times", u, n)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "[0-9a-f]*.*"))
	distinct := map[string]bool{}
	for _, w := range want {
		if fn, ok := w["filename"].(string); ok {
			distinct[fn] = true
		}
	}
	if len(files) != len(distinct) {
		t.Errorf("%d files in the folder, want %d", len(files), len(distinct))
	}
	if !strings.Contains(srv.URL, "127.0.0.1") {
		t.Fatal("the forum is not on 127.0.0.1")
	}

	t.Run("a rerun downloads nothing", func(t *testing.T) {
		again := run(t, in.String(), opts(fast(dir)...))
		if again.code != 0 || again.stdout != res.stdout {
			t.Errorf("rerun: exit %d, output differs: %v", again.code, again.stdout != res.stdout)
		}
		if c := requests(log); len(c) != 0 {
			t.Errorf("rerun made %d requests: %v", len(c), c)
		}
		// Records that already carry their file pass through untouched.
		done := run(t, res.stdout, opts(fast(dir, "--no-index")...))
		if done.code != 0 || done.stdout != res.stdout {
			t.Errorf("enriched records changed on a second pass")
		}
		if c := requests(log); len(c) != (statuses["http 404"]+statuses["not an image"])/2 {
			t.Errorf("with --no-index, only the images without a file are fetched again; got %v", c)
		}
	})
}

func TestImagesFailures(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("p", 100))
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(png) }) // the extension lies
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) { w.Write(append(png, make([]byte, 5000)...)) })
	mux.HandleFunc("/gone.png", http.NotFound)
	mux.HandleFunc("/cut.png", func(w http.ResponseWriter, r *http.Request) {
		// A download killed halfway: 3,000 bytes promised, 108 sent, then a reset.
		conn, buf, _ := w.(http.Hijacker).Hijack()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3000\r\n\r\n%s", png)
		buf.Flush()
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Write(append(png, 's'))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()

	dir := t.TempDir()
	in := strings.Join([]string{
		`{"type":"image","url":"` + srv.URL + `/slow.png","description":"avatar"}`,
		`{"type":"image","url":"` + srv.URL + `/ok.jpg","description":"banner"}`,
		`{"type":"image","url":"` + srv.URL + `/big.png"}`,
		`{"type":"image","url":"` + srv.URL + `/gone.png"}`,
		`{"type":"image","url":"` + srv.URL + `/cut.png"}`,
		`{"type":"image","url":"` + dead + `/x.gif"}`,
		`{"type":"image","url":"data:image/png;base64,iVBORw0KGgpkYXRh"}`,
		`{"type":"image","url":"/relative.png"}`,
		`not json`,
		`{"type":"thread","id":1}`,
	}, "\n")
	res := run(t, in, parseOptions(t, fast(dir, "--max-size", "4KB", "-c", "3")...))
	if res.code != 1 {
		t.Errorf("exit %d, want 1 (unreachable images, bad lines)", res.code)
	}
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(l), &m)
		got = append(got, m)
	}
	if len(got) != 9 {
		t.Fatalf("%d records out, want 9 (the bad line dropped):\n%s", len(got), res.stdout)
	}
	name, _ := Name(png, "png")
	for i, w := range []struct{ status, filename, httpStatus string }{
		{"ok", "", "200"},
		{"ok", name, "200"},
		{"too large", "<nil>", "200"},
		{"http 404", "<nil>", "404"},
		{"unreachable: cut", "<nil>", "200"}, // a reset or a short body, whichever the kernel reports
		{"unreachable: connection refused", "<nil>", "<nil>"},
		{"ok", "", "<nil>"},
		{"<nil>", "<nil>", "<nil>"},
		{"<nil>", "<nil>", "<nil>"},
	} {
		g := got[i]
		if w.status == "unreachable: cut" {
			if s := fmt.Sprint(g["status"]); s == "unreachable: connection reset" || s == "unreachable: truncated body" {
				w.status = s
			}
		}
		if fmt.Sprint(g["status"]) != w.status || (w.filename != "" && fmt.Sprint(g["filename"]) != w.filename) || fmt.Sprint(g["http_status"]) != w.httpStatus {
			t.Errorf("record %d: status %v, filename %v, http_status %v; want %s, %s, %s", i+1, g["status"], g["filename"], g["http_status"], w.status, w.filename, w.httpStatus)
		}
	}
	if got[0]["description"] != "avatar" || !strings.HasSuffix(fmt.Sprint(got[0]["filename"]), ".png") {
		t.Errorf("slow image: %v", got[0])
	}
	if got[8]["type"] != "thread" {
		t.Errorf("the last record is not the thread: %v", got[8])
	}
	for _, want := range []string{"line 8: image record has a url that is not absolute", "line 9: not a JSON object"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	// Nothing partial: the folder holds the three whole images and the index.
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 4 || !strings.Contains(strings.Join(names, " "), IndexName) {
		t.Errorf("folder holds %v", names)
	}
}

func TestImagesInterrupted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	start := time.Now()
	code, err := Run(ctx, strings.NewReader(`{"type":"thread","id":1}`+"\n"+`{"type":"image","url":"`+srv.URL+`/a.png"}`+"\n"), &out, &errb, parseOptions(t, fast(t.TempDir())...))
	if code != 1 || err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("exit %d, %v after %v", code, err, time.Since(start))
	}
	if out.String() != `{"type":"thread","id":1}`+"\n" {
		t.Errorf("output %q: want the record before the unfinished image only", out.String())
	}
}

func TestImagesWithFaults(t *testing.T) {
	faults := map[string]float64{"429": 0.1, "503": 0.1, "reset": 0.1, "truncate": 0.1}
	_, _, want, images := truthImages(t, faults)
	res := run(t, strings.Join(images, "\n"), parseOptions(t, fast(t.TempDir(), "--retries", "12", "--max-wait", "20ms", "--breaker-pause", "10ms", "-c", "6")...))
	if res.code != 0 {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		var got map[string]any
		json.Unmarshal([]byte(l), &got)
		w := want[got["url"].(string)]
		if fmt.Sprint(got["status"], got["filename"]) != fmt.Sprint(w["status"], w["filename"]) {
			t.Errorf("%s: %v %v, want %v %v", got["url"], got["status"], got["filename"], w["status"], w["filename"])
		}
	}
}

// TestImagesForumHostsAreThrottled: images on the forum's host (--site, or
// learnt from link records) follow the forum's schedule; other hosts do not wait for it.
func TestImagesForumHostsAreThrottled(t *testing.T) {
	srv, log, _, images := truthImages(t, nil)
	var forum, other []string
	for _, im := range images {
		switch {
		case strings.Contains(im, srv.URL) && len(forum) < 5:
			forum = append(forum, im)
		case strings.Contains(im, "//localhost:") && len(other) < 5:
			other = append(other, im)
		}
	}
	in := `{"type":"link","url":"` + srv.URL + `/board/1/x"}` + "\n" + strings.Join(append(forum, other...), "\n")
	res := run(t, in, parseOptions(t, fast(t.TempDir(), "--delay", "200ms", "-c", "4")...))
	if res.code != 0 {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	starts := map[string][]int64{}
	for _, e := range log.Entries() {
		host := e.Host[:strings.LastIndex(e.Host, ":")]
		starts[host] = append(starts[host], e.TimeNS)
	}
	gaps := func(ts []int64) (lo time.Duration) {
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		lo = time.Hour
		for i := 1; i < len(ts); i++ {
			lo = min(lo, time.Duration(ts[i]-ts[i-1]))
		}
		return lo
	}
	if len(starts["127.0.0.1"]) != 5 || gaps(starts["127.0.0.1"]) < 195*time.Millisecond {
		t.Errorf("forum host: %d requests, smallest gap %v; want 5 at least 200ms apart", len(starts["127.0.0.1"]), gaps(starts["127.0.0.1"]))
	}
	if len(starts["localhost"]) != 5 || gaps(starts["localhost"]) > 150*time.Millisecond {
		t.Errorf("image host: %d requests, smallest gap %v; want them not held to the forum's 200ms", len(starts["localhost"]), gaps(starts["localhost"]))
	}
}

// TestPassingFailuresAreTriedAgain: a download that failed for a passing
// reason (503, a reset) is not remembered in the folder's index, so the next
// pass of the crawl downloads it again; a permanent answer (404, 403) is
// remembered and not asked again. Every record of one download carries that
// download's fetched_at, which pb-load uses to count one attempt per pass.
func TestPassingFailuresAreTriedAgain(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("p", 100))
	var mu sync.Mutex
	hits := map[string]int{}
	firstPass := true // the host is busy and drops connections during the first pass only
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		failing := firstPass
		mu.Unlock()
		switch r.URL.Path {
		case "/busy.png":
			if failing {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
		case "/reset.png":
			if failing {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
				return
			}
		case "/gone.png":
			http.NotFound(w, r)
			return
		case "/forbidden.png":
			http.Error(w, "no hotlinking", http.StatusForbidden)
			return
		}
		w.Write(append(png, r.URL.Path...))
	}))
	defer srv.Close()
	dir := t.TempDir()
	var in strings.Builder
	for _, p := range []string{"/busy.png", "/reset.png", "/gone.png", "/forbidden.png", "/busy.png"} {
		fmt.Fprintf(&in, `{"type":"image","url":"%s%s"}`+"\n", srv.URL, p)
	}
	pass := func(at int64, code int) []map[string]any {
		t.Helper()
		o := parseOptions(t, fast(dir, "--retries", "0", "-c", "2")...)
		o.Now = func() time.Time { return time.UnixMilli(at) }
		res := run(t, in.String(), o)
		if res.code != code {
			t.Errorf("exit %d, want %d (1: some images may be had later)\n%s", res.code, code, res.stderr)
		}
		var out []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			out = append(out, m)
		}
		if len(out) != 5 {
			t.Fatalf("%d records out, want 5:\n%s", len(out), res.stdout)
		}
		return out
	}
	check := func(what string, got []map[string]any, want []string, at []int64) {
		t.Helper()
		for i, m := range got {
			if fmt.Sprint(m["status"]) != want[i] {
				t.Errorf("%s, record %d (%s): status %v, want %s", what, i+1, m["url"], m["status"], want[i])
			}
			if m["fetched_at"] != float64(at[i]) {
				t.Errorf("%s, record %d (%s): fetched_at %v, want %d", what, i+1, m["url"], m["fetched_at"], at[i])
			}
		}
	}

	first := pass(1000, 1)
	if s := fmt.Sprint(first[1]["status"]); s != "unreachable: connection reset" && s != "unreachable: truncated body" {
		first[1]["status"] = s + " (want a reset)"
	} else {
		first[1]["status"] = "reset"
	}
	check("first pass", first, []string{"http 503", "reset", "http 404", "http 403", "http 503"},
		[]int64{1000, 1000, 1000, 1000, 1000})

	mu.Lock()
	firstPass = false
	before := maps.Clone(hits)
	mu.Unlock()
	second := pass(2000, 0)
	// The passing failures were downloaded again and are files now; the
	// permanent answers came from the index, with their first download's time.
	check("second pass", second, []string{"ok", "ok", "http 404", "http 403", "ok"},
		[]int64{2000, 2000, 1000, 1000, 2000})
	mu.Lock()
	defer mu.Unlock()
	// (Go's HTTP client may itself resend a request whose reused
	// connection was reset, so the first pass is not counted.)
	for p, want := range map[string]int{"/busy.png": 1, "/reset.png": 1, "/gone.png": 0, "/forbidden.png": 0} {
		if n := hits[p] - before[p]; n != want {
			t.Errorf("second pass: %s requested %d times, want %d", p, n, want)
		}
	}
}

// TestRefusedForNowExitsOne: a host that answers 503 gives no file this
// time, but may the next: the exit status says so, as for a dead host.
func TestRefusedForNowExitsOne(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone.png" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		code int
	}{{"/busy.png", 1}, {"/gone.png", 0}} {
		res := run(t, `{"type":"image","url":"`+srv.URL+tc.path+`"}`+"\n", parseOptions(t, fast(t.TempDir(), "--retries", "0")...))
		if res.code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s", tc.path, res.code, tc.code, res.stderr)
		}
	}
}
