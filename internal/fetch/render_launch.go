package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/launcher"
)

// Chromium's profile holds the session cookie, so it lives in a folder of
// pb's own, readable by its owner only:
//
//	$TMPDIR/pb-chromium-UID/PID-RANDOM/
//	    data/   the user data dir (cookies, cache)
//	    home/   HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME of Chromium, so the
//	            crash-report and dconf folders it makes land here too
//
// A run removes its profile when it ends; one that is killed (kill -9)
// cannot, so every start first sweeps the profiles whose process is gone.

// profileRoot is the folder of every pb Chromium profile of this user.
func profileRoot(base string) string {
	if base == "" {
		base = os.TempDir()
	}
	return filepath.Join(base, "pb-chromium-"+strconv.Itoa(os.Getuid()))
}

// browserProfile is one run's Chromium profile.
type browserProfile struct {
	dir, data, home string
}

// newProfile sweeps dead profiles under base (see sweepProfiles) and
// makes a fresh one named after this process.
func newProfile(base string, log Logf) (*browserProfile, error) {
	root := profileRoot(base)
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("making Chromium's profile folder: %w", err)
	}
	if err := checkPrivateDir(root); err != nil {
		return nil, err
	}
	for _, d := range sweepProfiles(root) {
		log("removed the Chromium profile of a pb-fetch that is gone: %s", d)
	}
	dir, err := os.MkdirTemp(root, strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("making Chromium's profile: %w", err)
	}
	p := &browserProfile{dir: dir, data: filepath.Join(dir, "data"), home: filepath.Join(dir, "home")}
	for _, d := range []string{p.data, p.home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("making Chromium's profile: %w", err)
		}
	}
	return p, nil
}

// env is Chromium's environment: ours, with its home and config and cache
// folders inside the profile.
func (p *browserProfile) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+p.home,
		"XDG_CONFIG_HOME="+filepath.Join(p.home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(p.home, ".cache"))
}

// remove deletes the profile, and the folder of Chromium's singleton
// socket, which Chromium makes in $TMPDIR (a path there must stay under
// the 108 bytes of a socket address) and links from the profile.
func (p *browserProfile) remove() error {
	removeSocketDir(p.data)
	return os.RemoveAll(p.dir)
}

// removeSocketDir removes the org.chromium.Chromium.XXXXXX folder that
// data/SingletonSocket points to, if it is one of those.
func removeSocketDir(data string) {
	target, err := os.Readlink(filepath.Join(data, "SingletonSocket"))
	if err != nil {
		return
	}
	dir := filepath.Dir(target)
	if strings.HasPrefix(filepath.Base(dir), "org.chromium.Chromium.") {
		_ = os.RemoveAll(dir)
	}
}

// sweepProfiles removes the profiles under root whose pb-fetch (the pid
// their name starts with) is no longer running, and returns them.
func sweepProfiles(root string) []string {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		pidText, _, ok := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || !e.IsDir() || processAlive(pid) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		removeSocketDir(filepath.Join(dir, "data"))
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// chromiumProcess is a started Chromium.
type chromiumProcess struct {
	pid    int
	exited chan struct{} // closed once it has exited
	output *launcher.URLParser
}

// launchChromium starts Chromium with the flags of l (go-rod's launcher
// keeps them) in the profile p, and returns it with its DevTools URL.
// The process gets its own process group, which kill ends, and on Linux
// a parent-death signal, so it dies with pb-fetch even when pb-fetch is
// killed outright. The wait for its URL is bounded by timeout.
func launchChromium(bin string, l *launcher.Launcher, p *browserProfile, timeout time.Duration) (*chromiumProcess, string, error) {
	cmd := exec.Command(bin, l.FormatArgs()...)
	cmd.Env = p.env()
	cmd.Dir = p.home
	parser := launcher.NewURLParser()
	cmd.Stdout, cmd.Stderr = parser, parser
	cmd.SysProcAttr = chromiumProcAttr()
	proc := &chromiumProcess{exited: make(chan struct{}), output: parser}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal is sent when the thread that started
		// the process ends: keep this one until Chromium has exited.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		proc.pid = cmd.Process.Pid
		started <- nil
		_ = cmd.Wait()
		close(proc.exited)
	}()
	if err := <-started; err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	parser.Context(ctx)
	var u string
	select {
	case u = <-parser.URL:
	case <-proc.exited:
		return nil, "", chromiumOutputError(parser, "it exited")
	case <-ctx.Done():
		what := fmt.Sprintf("it did not say where to reach it within %v", timeout)
		if !proc.kill() {
			return nil, "", errors.New(what + ", and did not end when killed")
		}
		return nil, "", chromiumOutputError(parser, what)
	}
	ws, err := launcher.ResolveURL(u)
	if err != nil {
		proc.kill()
		return nil, "", err
	}
	return proc, ws, nil
}

// chromiumOutputError says what happened and what Chromium said: its
// fatal errors if it logged any, else its last lines. It is called once
// Chromium has exited, when its output is complete.
func chromiumOutputError(parser *launcher.URLParser, what string) error {
	out := strings.TrimSpace(parser.Buffer)
	if out == "" {
		return errors.New(what + " without output")
	}
	lines := strings.Split(out, "\n")
	var fatal []string
	for _, l := range lines {
		if strings.Contains(l, ":FATAL:") {
			fatal = append(fatal, l)
		}
	}
	if len(fatal) > 0 {
		lines = fatal
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return fmt.Errorf("%s; it said:\n  %s", what, strings.Join(lines, "\n  "))
}

// kill ends Chromium and its helpers (its process group) and waits, a
// bounded time, for it to go.
func (c *chromiumProcess) kill() bool {
	killProcessGroup(c.pid)
	select {
	case <-c.exited:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}
