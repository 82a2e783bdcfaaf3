package e2e

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/pb-archive/pb/internal/fakeforum"
)

// TestLoginPromptsOnTheTerminal runs pb-fetch --login without $PB_PASSWORD,
// as a user would at a shell: stdin carries the records, and the password is
// typed on the controlling terminal (a pty here), without echo. A right
// password logs in; a wrong one fails fast with exit 2 and the forum's reason.
func TestLoginPromptsOnTheTerminal(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 6, Size: "small", Faults: map[string]float64{fakeforum.FaultLogin: 1}})
	acct := fakeforum.DefaultAccount
	for _, tc := range []struct {
		name, typed string
		code        int
		want        string // in stderr
	}{
		{"right password", acct.Password, 0, "logged in to " + f.URL + "/ as " + acct.Email},
		{"wrong password", "not-" + acct.Password, 2, "failed: The email address or password you entered is incorrect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			screen, stderr, code := typeAtPrompt(t, tc.typed, "pb-fetch", "--login", acct.Email, "--site", f.URL,
				"--save-cookies", filepath.Join(t.TempDir(), "cookies.txt"), "--delay", "0")
			if !strings.Contains(screen, "pb-fetch: password for "+acct.Email+": ") {
				t.Errorf("no prompt on the terminal; it showed %q", screen)
			}
			if strings.Contains(screen, tc.typed) || strings.Contains(stderr, tc.typed) {
				t.Errorf("the typed password is visible: terminal %q, stderr %q", screen, stderr)
			}
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// typeAtPrompt runs a built tool with empty stdin and a pty as its
// controlling terminal, types answer once the terminal shows "password",
// and returns what the terminal showed, stderr and the exit code.
func typeAtPrompt(t *testing.T, answer, tool string, args ...string) (screen, stderr string, code int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, tool), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PB_PASSWORD=") { // the terminal must be the only source
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var errb bytes.Buffer
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	cmd.ExtraFiles = []*os.File{tty} // fd 3 in the child
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 3}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()

	var shown bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := bufio.NewReader(ptmx)
		typed := false
		for {
			b, err := r.ReadByte()
			if err != nil {
				return // EIO once the child has closed the terminal
			}
			shown.WriteByte(b)
			if !typed && strings.HasSuffix(shown.String(), ": ") && strings.Contains(shown.String(), "password") {
				typed = true
				ptmx.Write([]byte(answer + "\r"))
			}
		}
	}()
	err = cmd.Wait()
	ptmx.Close()
	<-done
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return shown.String(), errb.String(), cmd.ProcessState.ExitCode()
}
