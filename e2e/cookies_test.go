package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
)

// TestMirrorWithBrowserCookies mirrors a forum whose member pages need a
// login, with a cookies.txt as a browser extension exports it (PB_COOKIES):
// a file for the wrong site stops mirror.sh before its first request; the
// right one gets every gated page, and the session's value appears nowhere
// in the archive or the tools' output.
func TestMirrorWithBrowserCookies(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 5, Size: "small", Faults: map[string]float64{fakeforum.FaultLogin: 1}})
	session := f.SessionCookie()
	dir := t.TempDir()
	export := func(name, host string) string {
		p := filepath.Join(dir, name)
		text := "# Netscape HTTP Cookie File\n# This is a generated file! Do not edit.\n\n" +
			"#HttpOnly_" + host + "\tFALSE\t/\tFALSE\t" + "0" + "\t" + session.Name + "\t" + session.Value + "\n" +
			".example.com\tTRUE\t/\tTRUE\t2000000000\tunrelated\tx\n"
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0"}

	// The wrong export: mirror.sh stops with exit 2 and a clear reason.
	wrongOut := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "examples", "mirror.sh"), f.URL, wrongOut)
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir, "PB_COOKIES="+export("wrong.txt", "elsewhere.proboards.com"))
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(stderr.String(), "no cookie for 127.0.0.1") {
		t.Fatalf("mirror.sh with another site's cookies: %v\n%s", err, stderr.String())
	}
	if es := f.log.Take(); len(es) != 0 {
		t.Fatalf("a rejected cookies file still led to %d requests, e.g. %s", len(es), es[0].Path)
	}

	out := t.TempDir()
	logs := mirror(t, f.URL, out, append(env, "PB_COOKIES="+export("cookies.txt", "127.0.0.1"))...)
	members := 0
	for _, e := range f.log.Take() {
		if e.Fault == fakeforum.FaultLogin {
			t.Fatalf("%s was sent to the login page: the session cookie was not used", e.Path)
		}
		if strings.HasPrefix(e.Path, "/user/") && e.Status == 200 {
			members++
		}
	}
	if members == 0 {
		t.Fatal("no profile was fetched: the test proves nothing")
	}
	requireEqual(t, "mirror with a browser's cookies", without(f.truthDump(t), plainOnly), without(dump(t, filepath.Join(out, "forum.db")), plainOnly))

	// The session is a secret: not in the database, the images' index, or what the tools said.
	leaks := map[string][]byte{"mirror.sh output": []byte(logs)}
	filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			leaks[p] = b
		}
		return nil
	})
	for where, b := range leaks {
		if bytes.Contains(b, []byte(session.Value)) {
			t.Errorf("the session cookie's value is in %s", where)
		}
	}
}
