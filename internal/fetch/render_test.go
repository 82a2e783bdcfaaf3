package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// chromiumOrSkip returns the browser for render tests: $PB_CHROMIUM, else
// /usr/bin/chromium; the test is skipped only when neither exists.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PB_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Skip("no Chromium: /usr/bin/chromium is absent and $PB_CHROMIUM is unset")
	return ""
}

// processesUnder lists the pids whose command line mentions dir (our
// browser's profile lives there, so they are the processes we started).
func processesUnder(t *testing.T, dir string) []int {
	t.Helper()
	var pids []int
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("listing processes: %v", err)
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if strings.Contains(string(stat), ") Z ") {
			continue // a zombie is already dead, waiting for its parent
		}
		if strings.Contains(string(cmd), dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitNoProcesses waits (bounded) until no process mentions dir.
func waitNoProcesses(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := processesUnder(t, dir)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser processes left behind: %v", pids)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitClean waits (bounded) until no browser process is left of a run
// whose temp dir is tmp, and checks that its profile was removed.
func waitClean(t *testing.T, tmp string) {
	t.Helper()
	waitNoProcesses(t, tmp)
	if left := profilesIn(t, tmp); len(left) > 0 {
		t.Errorf("browser profile left behind: %v", left)
	}
	if stray := strayFiles(t, tmp); len(stray) > 0 {
		t.Errorf("files left in the temp dir: %v", stray)
	}
}

// profilesIn lists the Chromium profiles under the temp dir tmp.
func profilesIn(t *testing.T, tmp string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(tmp, "pb-chromium-*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// strayFiles lists what is in the temp dir tmp besides the profiles
// folder (Chromium's socket folder, say).
func strayFiles(t *testing.T, tmp string) []string {
	t.Helper()
	var out []string
	all, _ := filepath.Glob(filepath.Join(tmp, "*"))
	for _, f := range all {
		if !strings.HasPrefix(filepath.Base(f), "pb-chromium-") {
			out = append(out, f)
		}
	}
	return out
}

// modalPage is a forum page whose modals are inserted by JavaScript after
// an AJAX request, the way the fake forum (and ProBoards) does it.
const modalPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="/theme.css"><script src="OTHER/ad.js"></script></head>
<body><div id="wrapper">
<div class="container stats"><a id="moderators-link" href="/board/1/general/moderators">Moderators</a></div>
<div class="poll"><h3>Best?</h3><a href="javascript:void(0)" class="js-voters">View Voters</a></div>
<table><tr id="post-10" class="item post"><td><img src="/avatar.png"><a class="view-likes" href="#">12 people like this</a></td></tr>
<tr id="post-11" class="item post"><td><a class="view-likes" href="#">5 people like this</a></td></tr></table>
</div>
<script>
function later(url, insert) {
  return function (e) {
    e.preventDefault();
    setTimeout(function () {
      fetch(url, {headers: {'X-Requested-With': 'XMLHttpRequest'}}).then(function (r) { return r.text(); }).then(insert);
    }, 100);
  };
}
document.getElementById('moderators-link').addEventListener('click', later('/fake-api/moderators?board=1', function (h) {
  document.body.insertAdjacentHTML('beforeend', h);
}));
document.querySelector('.poll a').addEventListener('click', later('/fake-api/voters?thread=2', function (h) {
  document.querySelector('.poll').insertAdjacentHTML('beforeend', h);
}));
document.querySelectorAll('a.view-likes').forEach(function (a) {
  var id = a.closest('tr').id.slice(5);
  a.addEventListener('click', later('/fake-api/likes?post=' + id, function (h) {
    var old = document.getElementById('likes-dialog'); if (old) old.remove();
    document.body.insertAdjacentHTML('beforeend', h);
  }));
});
</script></body></html>`

type modalServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	uas  map[string]bool
	hang chan struct{} // when non-nil, the voters endpoint waits on it
}

func newModalServer(t *testing.T, other string) *modalServer {
	s := &modalServer{hits: map[string]int{}, uas: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.uas[r.Header.Get("User-Agent")] = true
		hang := s.hang
		s.mu.Unlock()
		switch r.URL.Path {
		case "/board/1/general":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, strings.ReplaceAll(modalPage, "OTHER", other))
		case "/fake-api/moderators":
			io.WriteString(w, `<div class="ui-dialog" id="moderators-dialog"><div class="micro-profile"><div class="info"><a class="user-link" data-id="5" href="/user/5">Mod Five</a></div></div></div>`)
		case "/fake-api/voters":
			if hang != nil {
				select {
				case <-hang:
				case <-r.Context().Done():
				}
			}
			io.WriteString(w, `<div id="poll-voters"><div class="micro-profile"><div class="info"><a data-id="7" href="/user/7">Voter</a></div></div></div>`)
		case "/fake-api/likes":
			fmt.Fprintf(w, `<div id="likes-dialog" role="dialog"><div class="users"><a class="user-link" data-id="%s" href="/user/3">liker of %s</a></div></div>`, r.URL.Query().Get("post"), r.URL.Query().Get("post"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestRenderOpensEveryModal(t *testing.T) {
	bin := chromiumOrSkip(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a third-party host was contacted by the browser: %s", r.URL)
	}))
	defer other.Close()
	// localhost is another site than 127.0.0.1, on the same loopback.
	srv := newModalServer(t, strings.Replace(other.URL, "127.0.0.1", "localhost", 1))
	tmp := t.TempDir()
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--modal-timeout", "20s")...)
	o.TempDir = tmp
	in := `{"type":"url","url":"` + srv.URL + `/board/1/general","render":true,"kind":"board"}` + "\n"
	res := runFetch(t, t.Context(), in, o)
	if res.code != 0 || res.err != nil {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	p := pages[srv.URL+"/board/1/general"]
	if p == nil || p["rendered"] != true || p["status"] != float64(200) || p["render"] != true || p["kind"] != "board" {
		t.Fatalf("page record: %v", p)
	}
	body := p["body"].(string)
	for _, want := range []string{
		`<div class="pb-modal" data-for="moderators-link"><div class="ui-dialog" id="moderators-dialog"><div class="micro-profile"><div class="info"><a class="user-link" data-id="5"`,
		`<div class="pb-modal" data-for="poll"><div id="poll-voters"><div class="micro-profile"><div class="info"><a data-id="7"`,
		`<div class="pb-modal" data-for="post-10"><div id="likes-dialog" role="dialog"><div class="users"><a class="user-link" data-id="10"`,
		`<div class="pb-modal" data-for="post-11"><div id="likes-dialog" role="dialog"><div class="users"><a class="user-link" data-id="11"`,
		"<!DOCTYPE html>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("rendered body lacks %s", want)
		}
	}
	if strings.Contains(body, "data-pb-") {
		t.Error("the renderer's marks were left in the page")
	}
	if i, j := strings.Index(body, `class="pb-modal"`), strings.LastIndex(body, "</body>"); i < 0 || i > j {
		t.Error("modals are not appended to body")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for path, n := range srv.hits {
		if n != 1 && !strings.HasPrefix(path, "/fake-api/likes") {
			t.Errorf("%s requested %d times", path, n)
		}
	}
	if srv.hits["/theme.css"]+srv.hits["/avatar.png"] != 0 {
		t.Errorf("stylesheets or images were loaded: %v", srv.hits)
	}
	if srv.hits["/fake-api/likes"] != 2 || srv.hits["/fake-api/voters"] != 1 {
		t.Errorf("modal requests: %v", srv.hits)
	}
	for ua := range srv.uas {
		if !strings.HasPrefix(ua, "pb-fetch/") {
			t.Errorf("a request went out with User-Agent %q, not through pb's HTTP stack", ua)
		}
	}
	waitClean(t, tmp)
}

func TestRenderFailuresLeaveNoBrowser(t *testing.T) {
	bin := chromiumOrSkip(t)
	t.Run("modal never appears", func(t *testing.T) {
		srv := newModalServer(t, "http://localhost:1")
		srv.hang = make(chan struct{})
		defer close(srv.hang)
		tmp := t.TempDir()
		// The voters request times out (twice), then the modal is given 700ms more.
		// The page's own limit is far away: the modal's must end it (in
		// well under a minute even on a busy machine).
		o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--modal-timeout", "700ms", "--timeout", "500ms", "--retries", "1", "--render-timeout", "10m")...)
		o.TempDir = tmp
		start := time.Now()
		res := runFetch(t, t.Context(), `{"type":"url","url":"`+srv.URL+`/board/1/general","render":true}`+"\n", o)
		if res.code != 1 || time.Since(start) > time.Minute {
			t.Fatalf("exit %d after %v, want 1 promptly\n%s", res.code, time.Since(start), res.stderr)
		}
		p := pagesByURL(t, decodeLines(t, res.stdout))[srv.URL+"/board/1/general"]
		if e, _ := p["error"].(string); !strings.Contains(e, "voters modal (poll) did not appear within 700ms") || p["status"] != float64(200) || p["rendered"] != false {
			t.Errorf("page record: status %v, rendered %v, error %q", p["status"], p["rendered"], e)
		}
		waitClean(t, tmp)
	})
	t.Run("interrupted", func(t *testing.T) {
		srv := newModalServer(t, "http://localhost:1")
		srv.hang = make(chan struct{})
		defer close(srv.hang)
		tmp := t.TempDir()
		o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--modal-timeout", "30s", "--timeout", "30s")...)
		o.TempDir = tmp
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() { // interrupt once the browser is up and waiting for the voters
			for ctx.Err() == nil {
				srv.mu.Lock()
				n := srv.hits["/fake-api/voters"]
				srv.mu.Unlock()
				if n > 0 {
					cancel()
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
		start := time.Now()
		res := runFetch(t, ctx, `{"type":"url","url":"`+srv.URL+`/board/1/general","render":true}`+"\n", o)
		if res.code != 1 || res.err == nil || time.Since(start) > 20*time.Second {
			t.Fatalf("exit %d, %v after %v", res.code, res.err, time.Since(start))
		}
		if strings.TrimSpace(res.stdout) != "" {
			t.Errorf("an interrupted page was written: %s", res.stdout)
		}
		waitClean(t, tmp)
	})
	t.Run("page not found", func(t *testing.T) {
		srv := newModalServer(t, "http://localhost:1")
		tmp := t.TempDir()
		o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin)...)
		o.TempDir = tmp
		res := runFetch(t, t.Context(), `{"type":"url","url":"`+srv.URL+`/board/404","render":true}`+"\n", o)
		p := pagesByURL(t, decodeLines(t, res.stdout))[srv.URL+"/board/404"]
		if res.code != 1 || p["status"] != float64(404) || p["error"] != "HTTP 404 Not Found" || p["rendered"] != false {
			t.Errorf("exit %d, page %v", res.code, p)
		}
		waitClean(t, tmp)
	})
}

func TestRenderUsesCookies(t *testing.T) {
	bin := chromiumOrSkip(t)
	var mu sync.Mutex
	var ajaxCookie string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			io.WriteString(w, `<html><body><script>
fetch('/ajax').then(r => r.text()).then(t => document.body.insertAdjacentHTML('beforeend', '<p id="a">' + t + '</p>'));
document.body.insertAdjacentHTML('beforeend', '<p id="c">' + document.cookie + '</p>');
</script><a class="view-likes" href="#" onclick="setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<div class=users>liked</div>'), 50)">likes</a></body></html>`)
		case "/ajax":
			mu.Lock()
			ajaxCookie = r.Header.Get("Cookie")
			mu.Unlock()
			io.WriteString(w, "ajax-ok")
		}
	}))
	defer srv.Close()
	cookies := filepath.Join(t.TempDir(), "cookies.txt")
	os.WriteFile(cookies, []byte("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\topen-sesame\n"), 0o600)
	tmp := t.TempDir()
	o := parseOptions(t, append(fastArgs, "--render", "--chromium", bin, "--cookies", cookies)...)
	o.TempDir = tmp
	res := runFetch(t, t.Context(), `{"type":"url","url":"`+srv.URL+`/page","render":true}`+"\n", o)
	p := pagesByURL(t, decodeLines(t, res.stdout))[srv.URL+"/page"]
	body, _ := p["body"].(string)
	if res.code != 0 || !strings.Contains(body, `<p id="c">session=open-sesame</p>`) {
		t.Errorf("exit %d; document.cookie not set in the browser: %s\n%s", res.code, body, res.stderr)
	}
	if !strings.Contains(body, `<div class="pb-modal" data-for="likes"><div class="users">liked</div></div>`) {
		t.Errorf("likes modal outside a post not copied with data-for=likes: %s", body)
	}
	mu.Lock()
	defer mu.Unlock()
	if ajaxCookie != "session=open-sesame" {
		t.Errorf("the page's own request carried Cookie %q", ajaxCookie)
	}
	waitClean(t, tmp)
}

// TestRenderSignals runs the real binary and interrupts it while Chromium
// is busy: SIGINT must leave no browser behind, and neither may SIGKILL
// (leakless reaps Chromium when pb-fetch dies).
func TestRenderSignals(t *testing.T) {
	bin := chromiumOrSkip(t)
	if testing.Short() {
		t.Skip("builds the pb-fetch binary")
	}
	exe := filepath.Join(t.TempDir(), "pb-fetch")
	build := exec.Command("go", "build", "-o", exe, "github.com/pb-archive/pb/cmd/pb-fetch")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []os.Signal{os.Interrupt, os.Kill, syscall.SIGPIPE} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := newModalServer(t, "http://localhost:1")
			srv.hang = make(chan struct{})
			release := sync.OnceFunc(func() { close(srv.hang) })
			defer release()
			tmp := t.TempDir()
			cmd := exec.Command(exe, "--render", "--chromium", bin, "--delay", "0", "--robots", "ignore", "-q")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			cmd.Stdin = strings.NewReader(`{"type":"url","url":"` + srv.URL + `/board/1/general","render":true}` + "\n")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			var stdout io.ReadCloser
			if sig == syscall.SIGPIPE {
				// The reader of stdout goes away (as with | head).
				var err error
				if stdout, err = cmd.StdoutPipe(); err != nil {
					t.Fatal(err)
				}
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			deadline := time.Now().Add(20 * time.Second)
			for {
				srv.mu.Lock()
				n := srv.hits["/fake-api/voters"]
				srv.mu.Unlock()
				if n > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the browser never asked for the voters\n%s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if len(processesUnder(t, tmp)) == 0 {
				t.Fatal("no browser process found under TMPDIR: the test would prove nothing")
			}
			if sig == syscall.SIGPIPE {
				stdout.Close()
				release() // now the page can be finished, and its writing fails
			} else {
				cmd.Process.Signal(sig)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				ee, _ := err.(*exec.ExitError)
				switch {
				case sig == os.Interrupt && (ee == nil || ee.ExitCode() != 1):
					t.Errorf("after SIGINT: %v, want exit status 1\n%s", err, stderr.String())
				case sig == syscall.SIGPIPE && err != nil:
					t.Errorf("with stdout closed: %v, want a quiet exit 0\n%s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("pb-fetch did not exit")
			}
			waitNoProcesses(t, tmp)
			if sig != os.Kill {
				waitClean(t, tmp)
				return
			}
			left := profilesIn(t, tmp)
			// Killed outright, pb-fetch could not remove its profile (which
			// holds the session cookie): the next start sweeps it.
			if len(left) != 1 {
				t.Fatalf("after SIGKILL: profiles %v, want the dead run's one", left)
			}
			b := NewBrowser(RenderConfig{Chromium: bin, TempDir: tmp})
			if err := b.Start(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(left[0]); !os.IsNotExist(err) {
				t.Errorf("the next start did not sweep the dead run's profile %s: %v", left[0], err)
			}
			b.Close()
			waitClean(t, tmp)
		})
	}
}
