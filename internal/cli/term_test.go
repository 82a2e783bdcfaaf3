package cli

import (
	"bytes"
	"os"
	"testing"

	"github.com/creack/pty"
)

func TestIsTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this system: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, tc := range []struct {
		name string
		w    any
		want bool
	}{
		{"pty", tty, true},
		{"pty behind a SyncWriter", &SyncWriter{W: tty}, true},
		{"pty behind two SyncWriters", &SyncWriter{W: &SyncWriter{W: tty}}, true},
		{"/dev/null (a character device, not a terminal)", null, false},
		{"/dev/null behind a SyncWriter", &SyncWriter{W: null}, false},
		{"a file", file, false},
		{"a buffer", &bytes.Buffer{}, false},
		{"a SyncWriter of a buffer", &SyncWriter{W: &bytes.Buffer{}}, false},
	} {
		w := tc.w.(interface{ Write([]byte) (int, error) })
		if got := IsTerminal(w); got != tc.want {
			t.Errorf("%s: IsTerminal = %v, want %v", tc.name, got, tc.want)
		}
	}
}
