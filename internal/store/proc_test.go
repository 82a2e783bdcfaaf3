//go:build unix

package store

import (
	"bytes"
	"fmt"
	"io"
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

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
	buildDir  string
)

// pbLoad builds cmd/pb-load once per test run and returns the binary.
func pbLoad(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the pb-load binary")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "pb-load-test")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "pb-load")
		out, err := exec.Command("go", "build", "-o", buildBin, "github.com/pb-archive/pb/cmd/pb-load").CombinedOutput()
		if err != nil {
			buildErr = err
			buildBin = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building pb-load: %v\n%s", buildErr, buildBin)
	}
	return buildBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// proc is a running pb-load fed through a pipe.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer
}

func startLoad(t *testing.T, db string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(pbLoad(t), append(args, db)...)}
	p.cmd.Stderr = &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// TestKillAndRerun kills pb-load with SIGKILL in the middle of a stream,
// checks the file is consistent (every page marked done has its entities),
// reruns the same input and compares with an uninterrupted load.
func TestKillAndRerun(t *testing.T) {
	f := genForum(3, 160, 50)
	in := input(f.lines)
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.db")
	mustLoad(t, clean, in)
	want := dumpFile(t, clean)

	killed := filepath.Join(dir, "killed.db")
	p := startLoad(t, killed, "--batch", "150", "-q")
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		p.stdin.Write(in) // fails with EPIPE once pb-load is killed
		p.stdin.Close()
	}()

	s, err := Open(killed)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Kill once some batches are committed.
	if !waitFor(t, 20*time.Second, func() bool {
		var n int
		s.DB.QueryRow(`SELECT count(*) FROM post`).Scan(&n)
		return n >= 500
	}) {
		t.Fatalf("pb-load committed nothing within 20 s\n%s", p.stderr.String())
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	<-wrote

	var ok string
	if err := s.DB.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after SIGKILL: %q, %v", ok, err)
	}
	// Done implies committed: every thread page marked done has its posts.
	done, total := 0, len(f.pagePosts)
	rows, err := s.DB.Query(`SELECT url FROM crawl WHERE state = 'done' AND kind = 'thread' AND render = 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		rows.Scan(&u)
		done++
		for _, id := range f.pagePosts[u] {
			var n int
			s.DB.QueryRow(`SELECT count(*) FROM post WHERE id = ? AND message IS NOT NULL`, id).Scan(&n)
			if n != 1 {
				t.Errorf("page %s is done but its post %d is not in the database", u, id)
			}
		}
	}
	rows.Close()
	if done == 0 || done >= total {
		t.Fatalf("%d of %d thread pages done after the kill: the kill was not mid-stream", done, total)
	}
	t.Logf("killed with %d of %d thread pages done", done, total)

	// Rerun the whole input.
	r := startLoad(t, killed)
	r.stdin.Write(in)
	r.stdin.Close()
	if err := r.cmd.Wait(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, r.stderr.String())
	}
	sameDump(t, "killed and rerun vs uninterrupted", want, dumpFile(t, killed))
}

// TestSIGINTCommitsAndExitsCleanly sends SIGINT to a pb-load waiting for
// more input with an open batch: the batch commits and the exit is clean.
func TestSIGINTCommitsAndExitsCleanly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "int.db")
	p := startLoad(t, db, "--batch", "100000", "--batch-time", "1h")
	var in []string
	for i := 1; i <= 50; i++ {
		in = append(in, `{"type":"user","id":`+strconv.Itoa(i)+`,"name":"u`+strconv.Itoa(i)+`"}`)
	}
	in = append(in, `{"type":"user","id":"bad"}`)
	if _, err := p.stdin.Write(lines(in...)); err != nil {
		t.Fatal(err)
	}
	// The records are read and applied in microseconds; give it ample time,
	// keeping stdin open as a pipeline would.
	time.Sleep(time.Second)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("pb-load did not exit within 10 s of SIGINT")
	}
	p.stdin.Close()
	// One bad line was skipped, so the status is 1, and there is no error.
	if code := p.cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit status %d (%v), want 1 (a bad line was skipped)\n%s", code, err, p.stderr.String())
	}
	stderr := p.stderr.String()
	if !strings.Contains(stderr, "stopped by a signal") || !strings.Contains(stderr, "line 51:") {
		t.Errorf("stderr:\n%s", stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "pb-load: ") && strings.Contains(l, "error") {
			t.Errorf("error reported on SIGINT: %s", l)
		}
	}
	s, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(t, s, "user"); n != 50 {
		t.Errorf("%d users committed, want 50", n)
	}
}

// TestMemoryStaysFlat loads a crawl and one ten times as big through the
// binary and compares their peak resident memory (VmHWM, read while pb-load
// waits for more input after committing everything): memory must not grow
// with the input.
func TestMemoryStaysFlat(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	peak := func(f *forum) int64 {
		in := input(f.lines)
		db := filepath.Join(t.TempDir(), "m.db")
		p := startLoad(t, db, "-q", "--batch-time", "50ms")
		go p.stdin.Write(in)
		s, err := Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		posts := 0
		for _, ids := range f.pagePosts {
			posts += len(ids)
		}
		if !waitFor(t, 60*time.Second, func() bool { return count(t, s, "post") == posts }) {
			t.Fatalf("pb-load did not load %d posts within 60 s\n%s", posts, p.stderr.String())
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		p.stdin.Close()
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("pb-load: %v\n%s", err, p.stderr.String())
		}
		var kib int64
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				fmt.Sscanf(strings.TrimPrefix(l, "VmHWM:"), "%d", &kib)
			}
		}
		if kib == 0 {
			t.Fatalf("no VmHWM in /proc/PID/status:\n%s", status)
		}
		t.Logf("peak RSS %d KiB loading %.1f MB (%d records)", kib, float64(len(in))/1e6, len(f.lines))
		return kib
	}
	a := peak(genForum(5, 60, 50))
	b := peak(genForum(5, 600, 50))
	if b > a*3/2+32*1024 {
		t.Errorf("peak RSS grew from %d KiB to %d KiB with 10x the input", a, b)
	}
}
