package cli_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fetch"
	"github.com/pb-archive/pb/internal/frontier"
	"github.com/pb-archive/pb/internal/images"
	"github.com/pb-archive/pb/internal/parse"
	"github.com/pb-archive/pb/internal/store"
)

// tools are the five commands' flag structs, as their mains parse them,
// with the arguments each needs besides flags.
var tools = []struct {
	name    string
	grammar func() any
	args    []string
}{
	{"pb-urls", func() any { return &frontier.Options{} }, []string{"forum"}},
	{"pb-fetch", func() any { return &fetch.Options{} }, nil},
	{"pb-parse", func() any { return &parse.Options{} }, nil},
	{"pb-images", func() any { return &images.Options{} }, nil},
	{"pb-load", func() any { return &store.Options{} }, []string{"x.db"}},
}

// parseArgs runs cli.ParseArgs for a tool with injected writers.
func parseArgs(t *testing.T, tool string, args ...string) (code int, exit bool, stdout, stderr string) {
	t.Helper()
	for _, tl := range tools {
		if tl.name == tool {
			var out, errw bytes.Buffer
			_, code, exit = cli.ParseArgs(tool, "test", tl.grammar(), append(args, tl.args...), &out, &errw)
			return code, exit, out.String(), errw.String()
		}
	}
	t.Fatalf("no tool %s", tool)
	return
}

func TestUsageErrorsGoToStderr(t *testing.T) {
	for _, tl := range tools {
		t.Run(tl.name, func(t *testing.T) {
			code, exit, stdout, stderr := parseArgs(t, tl.name, "--no-such-flag")
			if !exit || code != cli.ExitUsage {
				t.Errorf("exit %v, status %d; want exit with %d", exit, code, cli.ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout (the data pipe) got %q", stdout)
			}
			if !strings.Contains(stderr, tl.name+": error: unknown flag --no-such-flag") || !strings.Contains(stderr, "Usage: "+tl.name) {
				t.Errorf("stderr lacks the error or the usage:\n%s", stderr)
			}
			// The defaults alone are valid.
			if code, exit, _, stderr := parseArgs(t, tl.name); exit {
				t.Errorf("defaults refused (status %d): %s", code, stderr)
			}
		})
	}
}

func TestHelpGoesToStdout(t *testing.T) {
	for _, tl := range tools {
		code, exit, stdout, stderr := parseArgs(t, tl.name, "--help")
		if !exit || code != cli.ExitOK || !strings.Contains(stdout, "Usage: "+tl.name) || stderr != "" {
			t.Errorf("%s --help: exit %v status %d, stdout %d bytes, stderr %q", tl.name, exit, code, len(stdout), stderr)
		}
	}
}

// TestFlagRanges goes through every numeric, duration and size flag of
// every tool: nonsense is refused with exit 2 and a message naming the flag
// and the value; the edge of the range is accepted.
func TestFlagRanges(t *testing.T) {
	net := func(tool string) []struct {
		arg, want string
	} {
		_ = tool
		return []struct{ arg, want string }{
			{"--delay=-1s", "--delay -1s: must not be negative"},
			{"--delay=0s", ""},
			{"--long-delay=-1s", "--long-delay -1s"},
			{"--long-every=-1", "--long-every -1"},
			{"--long-every=0", ""},
			{"--jitter=-1ms", "--jitter -1ms"},
			{"--other-delay=-1s", "--other-delay -1s"},
			{"--concurrency=0", "--concurrency 0"},
			{"--concurrency=-3", "--concurrency -3"},
			{"--concurrency=100000", "--concurrency 100000"},
			{"--retries=-1", "--retries -1"},
			{"--retries=0", ""},
			{"--backoff=-2s", "--backoff -2s"},
			{"--max-wait=-1s", "--max-wait -1s: must be more than 0"},
			{"--max-wait=0s", "--max-wait 0s"},
			{"--timeout=-1s", "--timeout -1s"},
			{"--timeout=0s", "--timeout 0s"},
			{"--breaker=-1", "--breaker -1"},
			{"--breaker-pause=-1s", "--breaker-pause -1s"},
		}
	}
	type tc struct{ tool, arg, want string }
	var cases []tc
	for _, tool := range []string{"pb-fetch", "pb-images"} {
		for _, c := range net(tool) {
			cases = append(cases, tc{tool, c.arg, c.want})
		}
	}
	cases = append(cases,
		tc{"pb-fetch", "--max-body=0", "--max-body 0: must be between 1 and 16MB"},
		tc{"pb-fetch", "--max-body=50MB", "--max-body 50MB"},
		tc{"pb-fetch", "--max-body=16MB", ""},
		tc{"pb-fetch", "--max-body=9000000000000GB", "too large"},
		tc{"pb-fetch", "--max-body=-5", "bad size"},
		tc{"pb-fetch", "--tabs=0", "--tabs 0"},
		tc{"pb-fetch", "--modal-timeout=-1s", "--modal-timeout -1s"},
		tc{"pb-images", "--max-size=0", "--max-size 0"},
		tc{"pb-images", "--max-size=1GB", "--max-size 1GB"},
		tc{"pb-images", "--max-size=1KB", ""},
		tc{"pb-images", "--window=0", "--window 0"},
		tc{"pb-parse", "--max-body=9000000000000", "--max-body 8789062500KB (9000000000000 bytes): must be between 1 and 16MB"},
		tc{"pb-parse", "--max-body=0", "--max-body 0"},
		tc{"pb-parse", "--max-body=1MB", ""},
		tc{"pb-load", "--batch=0", "--batch 0: must be between 1 and"},
		tc{"pb-load", "--batch=-1", "--batch -1"},
		tc{"pb-load", "--batch-time=0s", "--batch-time 0s"},
		tc{"pb-load", "--batch-time=-1s", "--batch-time -1s"},
		tc{"pb-load", "--batch=1", ""},
	)
	for _, c := range cases {
		code, exit, stdout, stderr := parseArgs(t, c.tool, c.arg)
		if c.want == "" {
			if exit {
				t.Errorf("%s %s: refused (status %d): %s", c.tool, c.arg, code, stderr)
			}
			continue
		}
		if !exit || code != cli.ExitUsage || stdout != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%s %s: exit %v status %d, stdout %q; want status 2 and stderr with %q, got:\n%s",
				c.tool, c.arg, exit, code, stdout, c.want, lastLine(stderr))
		}
	}
}

// TestEveryBadFlagIsReported: several bad values give one error line
// each, all named.
func TestEveryBadFlagIsReported(t *testing.T) {
	_, _, _, stderr := parseArgs(t, "pb-fetch", "--delay=-1s", "--max-wait=-1s", "--retries=-1")
	for _, want := range []string{
		"pb-fetch: error: --delay -1s: must not be negative\n",
		"pb-fetch: error: --max-wait -1s: must be more than 0\n",
		"pb-fetch: error: --retries -1: must be between 0 and 100\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestURLsRanges checks pb-urls' numbers, which belong to its commands.
func TestURLsRanges(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"pending", "--limit=-1", "x.db"}, "--limit -1"},
		{[]string{"pending", "--max-attempts=0", "x.db"}, "--max-attempts 0"},
		{[]string{"pending", "--limit=0", "--max-attempts=1", "x.db"}, ""},
		{[]string{"thread", "0"}, "id 0: must be at least 1"},
		{[]string{"board", "--", "-3"}, "id -3"},
		{[]string{"user", "7"}, ""},
		{[]string{"members"}, ""},
	} {
		var out, errw bytes.Buffer
		_, code, exit := cli.ParseArgs("pb-urls", "test", &frontier.Options{}, c.args, &out, &errw)
		switch {
		case c.want == "" && exit:
			t.Errorf("%v: refused (status %d): %s", c.args, code, errw.String())
		case c.want != "" && (!exit || code != cli.ExitUsage || out.Len() != 0 || !strings.Contains(errw.String(), c.want)):
			t.Errorf("%v: exit %v status %d; want status 2 and %q on stderr, got:\n%s", c.args, exit, code, c.want, errw.String())
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}
