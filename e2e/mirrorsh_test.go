package e2e

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/fetch"
	"github.com/pb-archive/pb/internal/images"
)

// hit is one request as a wrapped fake forum saw it.
type hit struct {
	at         time.Time
	host, path string
	agent      string
}

// hitLog records every request a server gets, with its User-Agent.
type hitLog struct {
	mu   sync.Mutex
	hits []hit
}

func (l *hitLog) all() []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]hit(nil), l.hits...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// startWrapped serves a fake forum through wrap (nil: as it is), recording
// every request, on 127.0.0.1. The forum's images are on localhost:PORT.
func startWrapped(t *testing.T, cfg fakeforum.Config, wrap func(http.Handler) http.Handler) (*forum, *hitLog) {
	t.Helper()
	rec := &fakeforum.AccessRecorder{}
	cfg.AccessLog = rec
	f, err := fakeforum.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = f
	if wrap != nil {
		h = wrap(f)
	}
	log := &hitLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.mu.Lock()
		log.hits = append(log.hits, hit{at: time.Now(), host: r.Host, path: r.URL.RequestURI(), agent: r.UserAgent()})
		log.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &forum{Forum: f, URL: srv.URL, log: rec}, log
}

// runMirror runs examples/mirror.sh and returns its exit status and what it
// wrote on stderr and stdout, failing only if it cannot be run at all.
func runMirror(t *testing.T, site, out string, job []string, env ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, "examples", "mirror.sh"), site, out}, job...)...)
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir)
	cmd.Env = append(cmd.Env, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("mirror.sh: %v", err)
	}
	return cmd.ProcessState.ExitCode(), e.String() + o.String()
}

// kongFlags lists the flags (as "--name" and "-x") kong makes of a
// command's options struct.
func kongFlags(t *testing.T, opts any) map[string]bool {
	t.Helper()
	k, err := kong.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range k.Model.Flags {
		out["--"+f.Name] = true
		if f.Short != 0 {
			out["-"+string(f.Short)] = true
		}
	}
	delete(out, "--help")
	delete(out, "-h")
	return out
}

// TestMirrorSharedFlagsList checks mirror.sh's list of the flags it hands
// on from PB_FETCH_FLAGS to pb-images: exactly the flags both tools take
// with the same meaning (the embedded fetch.Flags). --site is in both but
// means the login page to pb-fetch and the forum to pb-images; mirror.sh
// gives pb-images its own.
func TestMirrorSharedFlagsList(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, "examples", "mirror.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^shared_flags="([^"]*)"$`).FindSubmatch(script)
	if m == nil {
		t.Fatal(`mirror.sh has no shared_flags="..." line`)
	}
	listed := map[string]bool{}
	for _, f := range strings.Fields(string(m[1])) {
		listed[f] = true
	}
	fetchFlags := kongFlags(t, &fetch.Options{})
	imageFlags := kongFlags(t, &images.Options{})
	both := map[string]bool{}
	for f := range fetchFlags {
		if imageFlags[f] && f != "--site" {
			both[f] = true
		}
	}
	common := kongFlags(t, &struct {
		fetch.Flags `embed:""`
	}{})
	for _, want := range []map[string]bool{both, common} {
		if !equalSets(listed, want) {
			t.Errorf("mirror.sh shares %v with pb-images; the tools share %v", keys(listed), keys(want))
		}
	}
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestMirrorFlagsReachTheirTools gives PB_FETCH_FLAGS pb-fetch-only flags
// (in both spellings) next to shared ones: pb-fetch takes them all, pb-images
// the shared ones (its requests carry the User-Agent they set), and
// PB_IMAGES_FLAGS reaches pb-images (--max-size makes every image too large).
func TestMirrorFlagsReachTheirTools(t *testing.T) {
	f, hits := startWrapped(t, fakeforum.Config{Seed: 11, Size: "small"}, nil)
	truth := f.truthDB(t)
	protected := query(t, truth, `SELECT id FROM board WHERE password_protected = 1 LIMIT 1`)
	if len(protected) != 1 {
		t.Fatal("the fake forum has no protected board")
	}
	out := t.TempDir()
	code, logs := runMirror(t, f.URL, out, nil,
		"PB_FETCH_FLAGS=--delay=0 --other-delay 0 --user-agent pb-test-agent --max-body=10MB --board-password "+protected[0]+"="+fakeforum.DefaultBoardPassword+" --modal-timeout 5s -q",
		"PB_IMAGES_FLAGS=--max-size 10", "PB_RENDER=0")
	if code != 0 {
		t.Fatalf("mirror.sh exited %d:\n%s", code, logs)
	}
	db := filepath.Join(out, "forum.db")
	if n := query(t, db, `SELECT count(*) FROM thread WHERE board_id = `+protected[0]); n[0] == "0" {
		t.Errorf("the protected board's threads are missing: --board-password did not reach pb-fetch\n%s", logs)
	}
	var images, foreign int
	for _, h := range hits.all() {
		if strings.HasPrefix(h.host, "localhost:") && h.path != "/robots.txt" {
			images++
			if h.agent != "pb-test-agent" {
				foreign++
			}
		}
	}
	if images == 0 || foreign != 0 {
		t.Errorf("%d image requests, %d without PB_FETCH_FLAGS' --user-agent", images, foreign)
	}
	if n := query(t, db, `SELECT count(*) FROM image_status WHERE status = 'too large'`); n[0] == "0" {
		t.Errorf("PB_IMAGES_FLAGS=--max-size 10 did not reach pb-images:\n%v", query(t, db, `SELECT status, count(*) FROM image_status GROUP BY status`))
	}
}

// TestMirrorExitStatus runs mirror.sh into trouble and checks that it
// stops, says why, and exits as its header documents: 2 at once for a
// setup error of any stage, 1 when it gives up with pages left.
func TestMirrorExitStatus(t *testing.T) {
	fast := "--delay 0 --other-delay 0 --retries 0 --breaker 0"
	// threads503 fails every thread page, as a forum with a broken thread view would.
	threads503 := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/thread/") {
				http.Error(w, "thread view is down", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	for _, tc := range []struct {
		name   string
		wrap   func(http.Handler) http.Handler
		site   string // "" = the fake forum
		env    []string
		code   int
		stderr []string // each must be in what mirror.sh said
		passes int      // the last pass it started (0: none; -1: any)
		left   string   // the kind of every page left undone, but the locked board
		db     string   // what OUT/forum.db holds before the run, if anything
	}{
		{name: "the database is not one", env: []string{"PB_FETCH_FLAGS=" + fast}, db: "not a database, but a note\n",
			code: 2, stderr: []string{"pb-load:"}},
		{name: "pb-fetch rejects a flag", env: []string{"PB_FETCH_FLAGS=" + fast + " --no-such-flag"},
			code: 2, stderr: []string{"unknown flag --no-such-flag", "stopping after pass 1: pb-fetch (exit 2)"}, passes: 1},
		{name: "pb-images rejects a flag", env: []string{"PB_FETCH_FLAGS=" + fast, "PB_IMAGES_FLAGS=--no-such-flag"},
			code: 2, stderr: []string{"stopping after pass 1: pb-images (exit 2)"}, passes: 1},
		{name: "a bad value for both", env: []string{"PB_FETCH_FLAGS=" + fast + " --limit-dir /nonexistent/dir"},
			code: 2, stderr: []string{"--limit-dir /nonexistent/dir is not a folder", "pb-fetch (exit 2)", "pb-images (exit 2)"}, passes: 1},
		{name: "thread pages always fail", wrap: threads503, env: []string{"PB_FETCH_FLAGS=" + fast},
			code: 1, stderr: []string{"gave up", "list them: pb-urls pending --max-attempts 1000"},
			left: "thread", passes: -1},
		{name: "the forum is gone", site: deadURL, env: []string{"PB_FETCH_FLAGS=" + fast},
			code: 1, stderr: []string{"gave up: no progress in 3 passes; 1 page left"}, passes: 4},
		{name: "out of passes", env: []string{"PB_FETCH_FLAGS=" + fast, "PB_MAX_PASSES=1"},
			code: 1, stderr: []string{"gave up: stopped after 1 passes (PB_MAX_PASSES);", "pages left;"}, passes: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := startWrapped(t, fakeforum.Config{Seed: 12, Size: "small"}, tc.wrap)
			site := tc.site
			if site == "" {
				site = f.URL
			}
			out := t.TempDir()
			if tc.db != "" {
				if err := os.WriteFile(filepath.Join(out, "forum.db"), []byte(tc.db), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, logs := runMirror(t, site, out, nil, append(tc.env, "PB_RENDER=0")...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(logs, s) {
					t.Errorf("mirror.sh did not say %q", s)
				}
			}
			if tc.passes >= 0 && (tc.passes > 0 && !strings.Contains(logs, passLine(tc.passes)) || strings.Contains(logs, passLine(tc.passes+1))) {
				t.Errorf("want exactly %d passes", tc.passes)
			}
			if tc.left != "" {
				left := query(t, filepath.Join(out, "forum.db"), `SELECT DISTINCT kind FROM crawl
					WHERE state != 'done' AND render = 0 AND coalesce(last_error, '') NOT LIKE 'password protected%'`)
				if strings.Join(left, ",") != tc.left {
					t.Errorf("pages of kinds %q are left; want only %s", left, tc.left)
				}
			}
			if tc.code == 2 && strings.Contains(logs, "crawl:") {
				t.Error("after a setup error mirror.sh went on to print the archive's status")
			}
			if t.Failed() {
				t.Logf("mirror.sh said:\n%s", logs)
			}
		})
	}
}

func passLine(n int) string { return "mirror: pass " + itoa(n) + ":" }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

// TestMirrorReadsRobotsOnce mirrors a forum in several passes, twice: each
// host's robots.txt is read once in all (pb-fetch and pb-images of every
// pass share one copy, cached for a day in --limit-dir).
func TestMirrorReadsRobotsOnce(t *testing.T) {
	f, hits := startWrapped(t, fakeforum.Config{Seed: 13, Size: "small"}, nil)
	out := t.TempDir()
	env := []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0 --limit-dir " + t.TempDir(), "PB_RENDER=0"}
	for run := 1; run <= 2; run++ {
		code, logs := runMirror(t, f.URL, out, nil, env...)
		if !(code == 0 || code == 1 && onlyLockedBoardsLeft(t, out, env)) || (run == 1 && !strings.Contains(logs, passLine(3))) {
			t.Fatalf("run %d: exit %d, want success after at least 3 passes:\n%s", run, code, logs)
		}
		if run == 1 {
			run2 := exec.Command(filepath.Join(binDir, "pb-urls"), "refresh", filepath.Join(out, "forum.db"))
			if b, err := run2.CombinedOutput(); err != nil {
				t.Fatalf("pb-urls refresh: %v\n%s", err, b)
			}
		}
	}
	robots := map[string]int{}
	for _, h := range hits.all() {
		if h.path == "/robots.txt" {
			robots[h.host]++
		}
	}
	forumHost := mustHost(t, f.URL)
	if robots[forumHost] != 1 {
		t.Errorf("the forum's robots.txt was fetched %d times, want 1", robots[forumHost])
	}
	for host, n := range robots {
		if n != 1 {
			t.Errorf("%s/robots.txt was fetched %d times, want 1", host, n)
		}
	}
}

// TestMirrorImagesKeepTheSchedule mirrors the members of a forum whose
// avatars are on the forum's own host, with a forum delay: every request to
// the forum host, pb-fetch's and pb-images' alike, starts at least about the
// delay after the one before (pb-images learns the forum's host from --site
// and shares pb-fetch's schedule file).
func TestMirrorImagesKeepTheSchedule(t *testing.T) {
	// OddForms: a real forum keeps images on other hosts; the odd forms put
	// the WebP avatars on the forum's own.
	f, hits := startWrapped(t, fakeforum.Config{Seed: 14, Size: "small", OddForms: true}, nil)
	forumHost := mustHost(t, f.URL)
	const delay = 400 * time.Millisecond
	out := t.TempDir()
	code, logs := runMirror(t, f.URL, out, []string{"members"},
		"PB_FETCH_FLAGS=--delay "+delay.String()+" --long-every 0 --other-delay 0 --limit-dir "+t.TempDir(), "PB_RENDER=0")
	if code != 0 {
		t.Fatalf("mirror.sh exited %d:\n%s", code, logs)
	}
	var forumHits []hit
	images := 0
	for _, h := range hits.all() {
		if h.host != forumHost {
			continue
		}
		forumHits = append(forumHits, h)
		if strings.HasPrefix(h.agent, "pb-images/") && h.path != "/robots.txt" {
			images++
		}
	}
	if images < 2 {
		t.Fatalf("pb-images made %d requests to the forum host: the test would prove nothing", images)
	}
	// Loopback and a busy machine may shift arrivals a little; a request
	// outside the schedule arrives within milliseconds of the one before.
	for i := 1; i < len(forumHits); i++ {
		if gap := forumHits[i].at.Sub(forumHits[i-1].at); gap < delay/2 {
			t.Errorf("%s (%s) started %v after %s (%s); the delay is %v",
				forumHits[i].path, tool(forumHits[i].agent), gap.Round(time.Millisecond), forumHits[i-1].path, tool(forumHits[i-1].agent), delay)
		}
	}
}

func tool(agent string) string {
	name, _, _ := strings.Cut(agent, "/")
	return name
}

// onlyLockedBoardsLeft reports whether the pages a mirror into out left
// undone (rendered ones too when env has PB_RENDER=1) are all boards that
// asked for a password: the one reason a mirror of the fake forum may end
// with exit 1 and still match the truth, which records such a board as
// password-protected and empty.
func onlyLockedBoardsLeft(t *testing.T, out string, env []string) bool {
	t.Helper()
	render := "0"
	for _, kv := range env {
		if kv == "PB_RENDER=1" {
			render = "1"
		}
	}
	left := query(t, filepath.Join(out, "forum.db"),
		`SELECT kind || ' ' || coalesce(last_error, '') FROM crawl WHERE state != 'done' AND render <= `+render)
	for _, l := range left {
		if !strings.HasPrefix(l, "board password protected") {
			return false
		}
	}
	return len(left) > 0
}
