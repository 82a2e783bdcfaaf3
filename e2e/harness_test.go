// Package e2e runs the real binaries through real pipes against the fake
// forum and compares the archive with the forum's ground truth.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/store"
)

// binDir holds the tools built once for all tests.
var binDir string

// root is the repository's top directory.
var root string

func TestMain(m *testing.M) {
	_, file, _, _ := runtime.Caller(0)
	root = filepath.Dir(filepath.Dir(file))
	dir, err := os.MkdirTemp("", "pb-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = dir
	build := exec.Command("go", "build", "-o", dir+"/", "./cmd/...")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the tools:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// entityTables are the tables that hold what the forum says; the crawl
// table and clock columns describe the archive's own history.
var entityTables = []string{
	"category", "board", "moderator", "thread", "post", "post_like", "poll", "poll_option",
	"poll_voter", "user", "shoutbox_post", "image", "image_status", "avatar", "user_field",
}

// forum is a fake forum served on 127.0.0.1 for one test.
type forum struct {
	*fakeforum.Forum
	URL string
	log *fakeforum.AccessRecorder
}

func startForum(t *testing.T, cfg fakeforum.Config) *forum {
	t.Helper()
	log := &fakeforum.AccessRecorder{}
	cfg.AccessLog = log
	f, err := fakeforum.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &forum{Forum: f, URL: srv.URL, log: log}
}

// truthDump loads the forum's ground truth into a fresh database and dumps
// the entity tables.
func (f *forum) truthDump(t *testing.T) map[string][]string {
	t.Helper()
	return dump(t, f.truthDB(t))
}

func dump(t *testing.T, db string) map[string][]string {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := store.Dump(st.DB, entityTables...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// without returns a copy of d without the given tables.
func without(d map[string][]string, skip map[string]bool) map[string][]string {
	out := map[string][]string{}
	for k, v := range d {
		if !skip[k] {
			out[k] = v
		}
	}
	return out
}

// run runs one of the built tools and fails the test on exit status 2.
func run(t *testing.T, env []string, stdin *bytes.Buffer, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, tool), args...)
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code >= 2 || (err != nil && code < 0) {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// mirror runs examples/mirror.sh against site into out and returns its stderr.
func mirror(t *testing.T, site, out string, env ...string) string {
	t.Helper()
	return mirrorJob(t, site, out, nil, env...)
}

// mirrorJob is mirror with a job for mirror.sh, e.g. "board", "12".
func mirrorJob(t *testing.T, site, out string, job []string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, "examples", "mirror.sh"), site, out}, job...)...)
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir)
	cmd.Env = append(cmd.Env, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	// Exit 1 is expected only for the fake forum's password-protected board,
	// which a mirror without its password cannot open (see onlyLockedBoardsLeft).
	if err := cmd.Run(); err != nil && (cmd.ProcessState.ExitCode() != 1 || !onlyLockedBoardsLeft(t, out, env)) {
		t.Fatalf("mirror.sh: %v\n%s\n%s", err, o.String(), e.String())
	}
	return e.String() + o.String()
}

// chromium returns the browser for render tests, skipping when none is installed.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("PB_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no Chromium (make test installs Debian's chromium)")
	return ""
}

// requireEqual fails with a readable diff when the archive differs from the truth.
func requireEqual(t *testing.T, what string, want, got map[string][]string) {
	t.Helper()
	if d := store.Diff(want, got, 8); d != "" {
		t.Fatalf("%s differs from the truth (- truth, + archive):\n%s", what, d)
	}
	var n int
	for _, rows := range got {
		n += len(rows)
	}
	if n == 0 {
		t.Fatalf("%s: empty archive", what)
	}
}

// pathsOf lists the distinct paths of successful GETs to the forum host.
func pathsOf(es []fakeforum.AccessEntry, host string) []string {
	seen := map[string]bool{}
	for _, e := range es {
		if e.Status == 200 && e.Host == host {
			seen[e.Path] = true
		}
	}
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
