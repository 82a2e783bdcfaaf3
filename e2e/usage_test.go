package e2e

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrorsGoToStderr runs the real binaries: an unknown flag or a
// nonsense value is a usage error, reported on stderr (never stdout, the
// data pipe) with exit status 2.
func TestUsageErrorsGoToStderr(t *testing.T) {
	for _, c := range []struct {
		tool string
		args []string
		want string
	}{
		{"pb-urls", []string{"--no-such-flag", "forum"}, "unknown flag --no-such-flag"},
		{"pb-fetch", []string{"--no-such-flag"}, "unknown flag --no-such-flag"},
		{"pb-parse", []string{"--no-such-flag"}, "unknown flag --no-such-flag"},
		{"pb-images", []string{"--no-such-flag"}, "unknown flag --no-such-flag"},
		{"pb-load", []string{"--no-such-flag", "x.db"}, "unknown flag --no-such-flag"},
		{"pb-urls", []string{"thread", "0"}, "id 0"},
		{"pb-fetch", []string{"--delay=-1s"}, "--delay -1s"},
		{"pb-parse", []string{"--max-body", "9000000000000"}, "--max-body"},
		{"pb-images", []string{"--max-size", "0"}, "--max-size 0"},
		{"pb-load", []string{"--batch", "0", "x.db"}, "--batch 0"},
	} {
		cmd := exec.Command(filepath.Join(binDir, c.tool), c.args...)
		cmd.Dir = t.TempDir()
		cmd.Stdin = strings.NewReader(`{"type":"url","url":"http://127.0.0.1:1/"}` + "\n")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%s %v: %v, want exit status 2", c.tool, c.args, err)
		}
		if stdout.Len() != 0 {
			t.Errorf("%s %v: stdout got %q", c.tool, c.args, stdout.String())
		}
		if !strings.Contains(stderr.String(), c.tool+": error: ") || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s %v: stderr lacks %q:\n%s", c.tool, c.args, c.want, stderr.String())
		}
	}
}
