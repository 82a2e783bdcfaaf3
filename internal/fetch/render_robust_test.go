package fetch

// Render tests for what a hostile tester found (issue 11): polls without
// votes, a browser that cannot start, pages that never settle, and what
// Chromium leaves on disk.

import (
	"context"
	"errors"
	"github.com/alecthomas/kong"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
)

// TestRenderPollWithoutVotes renders the fake forum's thread 1 (small,
// seed 17): its poll has no votes, and its voters modal opens empty. An
// empty list is an answer: the page succeeds, with its likes.
func TestRenderPollWithoutVotes(t *testing.T) {
	bin := chromiumOrSkip(t)
	f, err := fakeforum.New(fakeforum.Config{Seed: 17, Size: "small"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	tmp := t.TempDir()
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--modal-timeout", "10s")...)
	o.TempDir = tmp
	u := srv.URL + "/thread/1"
	res := runFetch(t, t.Context(), `{"type":"url","url":"`+u+`","render":true}`+"\n", o)
	p := pagesByURL(t, decodeLines(t, res.stdout))[u]
	if res.code != 0 || p == nil || p["rendered"] != true {
		t.Fatalf("exit %d, %v; page rendered %v, error %v\n%s", res.code, res.err, p["rendered"], p["error"], res.stderr)
	}
	body := p["body"].(string)
	likes := strings.Count(body, `class="view-likes"`)
	if !strings.Contains(body, `<span class="votes">0</span>`) || likes == 0 {
		t.Fatal("thread 1 is no longer a poll without votes, with likes: pick another")
	}
	if !strings.Contains(body, `<div class="pb-modal" data-for="poll"><div class="ui-dialog" id="poll-voters"></div></div>`) {
		t.Error("rendered page lacks the empty voters list")
	}
	if n := strings.Count(body, `<div class="pb-modal" data-for="post-`); n != likes {
		t.Errorf("%d likes modals for %d likes links", n, likes)
	}
	waitClean(t, tmp)
}

// TestRenderPollWithoutVotesNoModal: a poll whose counts are all 0 and
// whose "View Voters" opens nothing has an empty voters list; a poll with
// votes whose modal never comes still fails.
func TestRenderPollWithoutVotesNoModal(t *testing.T) {
	bin := chromiumOrSkip(t)
	page := func(votes string) string {
		return `<html><body><div class="poll"><h3>Q?</h3><table class="results">
<tr class="answer-1"><td class="answer"><div>A</div></td><td class="view-votes"><span class="votes">` + votes + `</span></td></tr>
<tr class="answer-2"><td class="answer"><div>B</div></td><td class="view-votes"><span class="votes">0</span></td></tr></table>
<a href="javascript:void(0)" class="view-voters">View Voters</a></div>
<table><tr id="post-5"><td><a class="view-likes" href="#" onclick="document.body.insertAdjacentHTML('beforeend', '<div role=dialog><a data-id=9>Liker</a></div>')">1</a></td></tr></table>
</body></html>`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page(strings.TrimPrefix(r.URL.Path, "/votes/")))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		votes string
		code  int
	}{{"0", 0}, {"3", 1}} {
		t.Run(tc.votes, func(t *testing.T) {
			tmp := t.TempDir()
			o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--modal-timeout", "3s")...)
			o.TempDir = tmp
			u := srv.URL + "/votes/" + tc.votes
			res := runFetch(t, t.Context(), `{"type":"url","url":"`+u+`","render":true}`+"\n", o)
			p := pagesByURL(t, decodeLines(t, res.stdout))[u]
			if res.code != tc.code || p == nil {
				t.Fatalf("exit %d, want %d; page %v\n%s", res.code, tc.code, p, res.stderr)
			}
			body, _ := p["body"].(string)
			if tc.code == 0 {
				if p["rendered"] != true || !strings.Contains(body, `<div class="pb-modal" data-for="post-5"><div role="dialog"><a data-id="9">`) {
					t.Errorf("page without votes: rendered %v, body %s", p["rendered"], body)
				}
				if strings.Contains(body, `data-for="poll"`) {
					t.Errorf("a voters modal was made up: %s", body)
				}
			} else if e, _ := p["error"].(string); !strings.Contains(e, "voters modal (poll) did not appear") {
				t.Errorf("a poll with votes and no modal: error %q", e)
			}
			waitClean(t, tmp)
		})
	}
}

// fakeChromium writes an executable script standing in for Chromium.
func fakeChromium(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// readSpy reports whether anything was read from it.
type readSpy struct {
	r    io.Reader
	read atomic.Bool
}

func (s *readSpy) Read(p []byte) (int, error) {
	s.read.Store(true)
	return s.r.Read(p)
}

// TestRenderBrowserCannotStart: a browser that cannot start is a setup
// error, found before any input is read: exit 2, a message saying what
// failed and what to do, and no page records (nothing is charged).
func TestRenderBrowserCannotStart(t *testing.T) {
	srv := newModalServer(t, "http://localhost:1")
	for _, tc := range []struct {
		name, chromium string
		want           []string
	}{
		{"missing", "/nonexistent/chromium", []string{"--chromium /nonexistent/chromium"}},
		{"exits", fakeChromium(t, "echo 'cannot open display: nothing here' >&2; exit 1"),
			[]string{"could not be started", "it exited", "cannot open display: nothing here", "--chromium PATH"}},
		{"fatal", fakeChromium(t, "echo noise >&2; echo '[1:1:FATAL:main.cc:1] Socket path too long' >&2; echo more noise >&2; exit 1"),
			[]string{"it said:\n  [1:1:FATAL:main.cc:1] Socket path too long\nCheck"}},
		{"not executable", filepath.Join(t.TempDir(), "plain-file"), []string{"could not be started", "--chromium PATH"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "not executable" {
				os.WriteFile(tc.chromium, []byte("not a program"), 0o644)
			}
			tmp := t.TempDir()
			o := parseOptions(t, append(fastArgs, "--render", "--chromium", tc.chromium)...)
			o.TempDir = tmp
			in := &readSpy{r: strings.NewReader(`{"type":"url","url":"` + srv.URL + `/board/1/general","render":true}` + "\n" +
				`{"type":"url","url":"` + srv.URL + `/fake-api/likes?post=1"}` + "\n")}
			var out, errb strings.Builder
			code, err := Run(t.Context(), in, &out, &errb, o)
			if code != 2 || err == nil {
				t.Fatalf("exit %d, %v; want 2 and an error", code, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if out.Len() != 0 {
				t.Errorf("records written: %s", out.String())
			}
			if in.read.Load() {
				t.Error("input was read before the browser was known to work")
			}
			if left := profilesIn(t, tmp); len(left) > 0 {
				t.Errorf("profile left behind: %v", left)
			}
		})
	}
}

// TestRenderTempDirTooLong: Chromium cannot start when $TMPDIR is too long
// for its socket; the error says so, and what to do.
func TestRenderTempDirTooLong(t *testing.T) {
	bin := chromiumOrSkip(t)
	long := filepath.Join(t.TempDir(), strings.Repeat("x", 110))
	if err := os.Mkdir(long, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", long)
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin)...)
	res := runFetch(t, t.Context(), `{"type":"url","url":"http://127.0.0.1:1/x","render":true}`+"\n", o)
	if res.code != 2 || res.err == nil || !strings.Contains(res.err.Error(), "is too long for Chromium's socket") ||
		!strings.Contains(res.err.Error(), "set TMPDIR to a shorter folder") {
		t.Errorf("exit %d, %v", res.code, res.err)
	}
	if res.stdout != "" {
		t.Errorf("records written: %s", res.stdout)
	}
	waitNoProcesses(t, long)
	if left := profilesIn(t, long); len(left) > 0 {
		t.Errorf("profile left behind: %v", left)
	}
}

// TestRenderBrowserStartTimeout: a Chromium that never says where to reach
// it is given up after StartTimeout, and killed.
func TestRenderBrowserStartTimeout(t *testing.T) {
	bin := fakeChromium(t, "sleep 300")
	tmp := t.TempDir()
	b := NewBrowser(RenderConfig{Chromium: bin, TempDir: tmp, StartTimeout: 500 * time.Millisecond})
	start := time.Now()
	err := b.Start()
	var be *BrowserError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "did not say where to reach it within 500ms") {
		t.Fatalf("Start: %v, want a BrowserError about the timeout", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Start took %v", d)
	}
	b.Close()
	waitNoProcesses(t, bin) // the shell running the script has its path in its command line
	if left := profilesIn(t, tmp); len(left) > 0 {
		t.Errorf("profile left behind: %v", left)
	}
}

// firstRead closes ch at its first Read.
type firstRead struct {
	r    io.Reader
	ch   chan struct{}
	once sync.Once
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { close(f.ch) })
	return f.r.Read(p)
}

// TestRenderBrowserDiesMidRun: when Chromium dies after it started, the
// pages it should render are not charged: the run stops with exit 2 and
// writes no record for them.
func TestRenderBrowserDiesMidRun(t *testing.T) {
	bin := chromiumOrSkip(t)
	srv := newModalServer(t, "http://localhost:1")
	tmp := t.TempDir()
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin)...)
	o.TempDir = tmp
	pr, pw := io.Pipe()
	defer pw.Close()
	in := &firstRead{r: pr, ch: make(chan struct{})}
	type result struct {
		code int
		err  error
		out  string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb strings.Builder
		code, err := Run(t.Context(), in, &out, &errb, o)
		done <- result{code, err, out.String()}
	}()
	// Run reads its input once the browser has started.
	select {
	case <-in.ch:
	case r := <-done:
		t.Fatalf("Run ended before reading: exit %d, %v", r.code, r.err)
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not start reading")
	}
	pids := processesUnder(t, tmp)
	if len(pids) == 0 {
		t.Fatal("no Chromium process found")
	}
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	waitNoProcesses(t, tmp)
	go func() {
		io.WriteString(pw, `{"type":"url","url":"`+srv.URL+`/board/1/general","render":true}`+"\n")
		pw.Close()
	}()
	select {
	case r := <-done:
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "Chromium") {
			t.Errorf("exit %d, %v; want 2 and an error about Chromium", r.code, r.err)
		}
		if strings.Contains(r.out, `"type":"page"`) {
			t.Errorf("a page was charged for the dead browser: %s", r.out)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("pb-fetch did not stop")
	}
	waitClean(t, tmp)
}

// TestRenderPagesThatNeverSettle: dialogs are answered, and a page whose
// script never ends fails after --render-timeout as a page error, not a
// hang; the tab is freed for the next page.
func TestRenderPagesThatNeverSettle(t *testing.T) {
	bin := chromiumOrSkip(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/dialogs":
			io.WriteString(w, `<html><body><p id="r"></p><script>
alert('hello');
var c = confirm('really?'), n = prompt('name?');
window.onbeforeunload = function (e) { e.preventDefault(); return 'stay'; };
document.getElementById('r').textContent = 'after dialogs: ' + c + ' ' + n;
</script><a class="view-likes" href="#" onclick="alert('liked'); document.body.insertAdjacentHTML('beforeend', '<div role=dialog>liked by 3</div>')">likes</a></body></html>`)
		case "/loop":
			io.WriteString(w, `<html><body><p>spinning</p><script>for (;;) {}</script></body></html>`)
		case "/fine":
			io.WriteString(w, `<html><body><p>fine</p></body></html>`)
		}
	}))
	defer srv.Close()
	tmp := t.TempDir()
	// One tab: the page after the endless one gets it only if it is freed.
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--tabs", "1", "-c", "1", "--render-timeout", "8s")...)
	o.TempDir = tmp
	var in strings.Builder
	for _, p := range []string{"/dialogs", "/loop", "/fine"} {
		in.WriteString(`{"type":"url","url":"` + srv.URL + p + `","render":true}` + "\n")
	}
	// Bounded, so a page that holds its tab for ever fails the test
	// rather than hang it.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res := runFetch(t, ctx, in.String(), o)
	if ctx.Err() != nil {
		t.Fatalf("the pages were not done in 2 minutes\n%s", res.stderr)
	}
	if res.code != 1 {
		t.Errorf("exit %d, want 1 (the endless page failed)\n%s", res.code, res.stderr)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	d := pages[srv.URL+"/dialogs"]
	if body, _ := d["body"].(string); d["rendered"] != true || !strings.Contains(body, "after dialogs: false null") ||
		!strings.Contains(body, `<div class="pb-modal" data-for="likes"><div role="dialog">liked by 3</div></div>`) {
		t.Errorf("page with dialogs: rendered %v, error %v, body %v", d["rendered"], d["error"], d["body"])
	}
	l := pages[srv.URL+"/loop"]
	if e, _ := l["error"].(string); l["rendered"] != false || l["status"] != float64(200) || !strings.Contains(e, "did not settle") || !strings.Contains(e, "--render-timeout") {
		t.Errorf("endless page: rendered %v, status %v, error %q", l["rendered"], l["status"], e)
	}
	if f := pages[srv.URL+"/fine"]; f["rendered"] != true {
		t.Errorf("the page after the endless one: %v", f)
	}
	waitClean(t, tmp)
}

func TestRenderTimeoutFlag(t *testing.T) {
	for _, v := range []string{"0s", "-1s"} {
		var o Options
		p, err := kong.New(&o, kong.Name("pb-fetch"), kong.Exit(func(int) {}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Parse([]string{"--render", "--chromium", "/nonexistent", "--render-timeout=" + v})
		if err == nil || !strings.Contains(err.Error(), "--render-timeout") {
			t.Errorf("--render-timeout %s: %v, want a usage error naming the flag", v, err)
		}
	}
	if o := parseOptions(t); o.RenderTimeout != time.Minute {
		t.Errorf("default --render-timeout %v", o.RenderTimeout)
	}
}

// TestRenderProfileSweep: a start removes the profiles (and their socket
// folders) of pb-fetch processes that are gone, and keeps live ones.
func TestRenderProfileSweep(t *testing.T) {
	base := t.TempDir()
	root := profileRoot(base)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPid := dead.Process.Pid
	if processAlive(deadPid) {
		t.Skip("the dead process's pid is in use again")
	}
	sock := filepath.Join(base, "org.chromium.Chromium.abc123")
	other := filepath.Join(base, "unrelated")
	for _, d := range []string{
		filepath.Join(root, strconv.Itoa(deadPid)+"-111", "data"),
		filepath.Join(root, strconv.Itoa(os.Getppid())+"-222", "data"), // go test, alive
		filepath.Join(root, "notapid-333"),
		sock, other,
	} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(root, 0o700)
	os.WriteFile(filepath.Join(root, strconv.Itoa(deadPid)+"-111", "data", "Cookies"), []byte("session"), 0o600)
	os.Symlink(filepath.Join(sock, "SingletonSocket"), filepath.Join(root, strconv.Itoa(deadPid)+"-111", "data", "SingletonSocket"))
	var logged []string
	p, err := newProfile(base, func(f string, a ...any) { logged = append(logged, f) })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{strconv.Itoa(os.Getppid()) + "-222", filepath.Base(p.dir), "notapid-333"}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("profiles after the sweep: %v, want %v", names, want)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the dead profile's socket folder is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("an unrelated folder was removed: %v", err)
	}
	if len(logged) != 1 {
		t.Errorf("logged %v, want one line for the removed profile", logged)
	}
	if !strings.HasPrefix(filepath.Base(p.dir), strconv.Itoa(os.Getpid())+"-") {
		t.Errorf("profile %s is not named after this process", p.dir)
	}
	if err := p.remove(); err != nil {
		t.Fatal(err)
	}
}

// TestRenderProfileRootMustBePrivate: a profiles folder others can open
// (made first by someone else in a shared temp dir) is refused.
func TestRenderProfileRootMustBePrivate(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(profileRoot(base), 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(profileRoot(base), 0o777)
	if _, err := newProfile(base, nil); err == nil || !strings.Contains(err.Error(), "only you can open") {
		t.Errorf("newProfile in an open folder: %v", err)
	}
}

// TestRenderKeepsChromiumFilesInProfile: Chromium runs with crash reports
// off and its home, config and cache folders in the profile, so a run
// writes nothing to the user's home, and leaves nothing when it ends.
func TestRenderKeepsChromiumFilesInProfile(t *testing.T) {
	bin := chromiumOrSkip(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	tmp := t.TempDir()
	b := NewBrowser(RenderConfig{Chromium: bin, TempDir: tmp})
	p, err := newProfile(tmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	args := b.launcherFlags(p).FormatArgs()
	for _, want := range []string{"--disable-breakpad", "--disable-crash-reporter", "--user-data-dir=" + p.data, "--headless"} {
		if !slices.Contains(args, want) {
			t.Errorf("Chromium's flags lack %s: %v", want, args)
		}
	}
	env := p.env()
	for _, want := range []string{"HOME=" + p.home, "XDG_CONFIG_HOME=" + filepath.Join(p.home, ".config"), "XDG_CACHE_HOME=" + filepath.Join(p.home, ".cache")} {
		if !slices.Contains(env, want) {
			t.Errorf("Chromium's environment lacks %s", want)
		}
	}
	for _, k := range []string{"HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME="} {
		n := 0
		for _, kv := range env {
			if strings.HasPrefix(kv, k) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is set %d times", k, n)
		}
	}
	p.remove()

	// A real run: nothing lands in the user's home, nothing stays in tmp.
	srv := newModalServer(t, "http://localhost:1")
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin)...)
	o.TempDir = tmp
	res := runFetch(t, t.Context(), `{"type":"url","url":"`+srv.URL+`/board/1/general","render":true}`+"\n", o)
	if res.code != 0 {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	waitClean(t, tmp)
	var written []string
	filepath.Walk(home, func(path string, _ os.FileInfo, _ error) error {
		if path != home {
			written = append(written, path)
		}
		return nil
	})
	if len(written) > 0 {
		t.Errorf("Chromium wrote to the user's home: %v", written)
	}
}
