package fetch

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestPromptNoEcho checks that echo is already off when the prompt becomes
// visible (so a password typed at once is never shown), that what is typed
// is read, and that the terminal's settings come back afterwards.
func TestPromptNoEcho(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&unix.ECHO == 0 {
		t.Fatal("a new pty should echo")
	}
	type result struct {
		line []byte
		err  error
	}
	done := make(chan result, 1)
	// The prompt goes through a pipe that holds the writer until the test
	// has looked at the terminal: whatever order the code uses is seen.
	pr, pw := io.Pipe()
	go func() {
		b, err := promptNoEcho(tty, pw, "password: ")
		pw.Close()
		done <- result{b, err}
	}()
	buf := make([]byte, len("password: "))
	if _, err := io.ReadFull(pr, buf); err != nil {
		t.Fatal(err)
	}
	now, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if now.Lflag&unix.ECHO != 0 {
		t.Fatal("the prompt is visible while the terminal still echoes")
	}
	go io.Copy(io.Discard, pr)
	r := bufio.NewReader(ptmx)
	var shown strings.Builder
	ptmx.Write([]byte("s3cret\n"))
	var res result
	select {
	case res = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("promptNoEcho did not return")
	}
	if res.err != nil || strings.TrimRight(string(res.line), "\r\n") != "s3cret" {
		t.Fatalf("read %q, %v; want s3cret", res.line, res.err)
	}
	after, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if after.Lflag != before.Lflag {
		t.Errorf("terminal flags not restored: %#x, want %#x", after.Lflag, before.Lflag)
	}
	// Nothing typed came back on the screen: write a marker after the
	// answer and read the screen up to it.
	tty.Write([]byte("END\n"))
	for !strings.Contains(shown.String(), "END") {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatal(err)
		}
		shown.WriteByte(b)
	}
	if strings.Contains(shown.String(), "s3cret") {
		t.Errorf("the typed password was echoed: %q", shown.String())
	}
}
