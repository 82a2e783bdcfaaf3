package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// parseOptions parses pb-fetch flags as the command does, defaults included.
func parseOptions(t testing.TB, args ...string) Options {
	t.Helper()
	var o Options
	p, err := kong.New(&o, kong.Name("pb-fetch"), kong.Exit(func(int) { t.Fatalf("kong exited on %q", args) }))
	if err != nil {
		t.Fatal(err)
	}
	// Schedules are shared through files in a folder of the test's own
	// (unless args say otherwise), never in the machine's temp dir.
	args = append([]string{"--limit-dir", t.TempDir()}, args...)
	if _, err := p.Parse(args); err != nil {
		t.Fatalf("flags %q: %v", args, err)
	}
	return o
}

// fastArgs are flags that keep tests quick: no politeness delay, short backoff.
var fastArgs = []string{"--delay", "0", "--other-delay", "0", "--backoff", "5ms", "--max-wait", "2s", "--timeout", "5s", "--robots", "ignore", "--breaker", "0"}

type runResult struct {
	code   int
	err    error
	stdout string
	stderr string
}

func runFetch(t testing.TB, ctx context.Context, input string, o Options) runResult {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := Run(ctx, strings.NewReader(input), &out, &errb, o)
	return runResult{code, err, out.String(), errb.String()}
}

// decodeLines decodes NDJSON into maps.
func decodeLines(t testing.TB, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad output line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// pagesByURL indexes page records by their url.
func pagesByURL(t testing.TB, recs []map[string]any) map[string]map[string]any {
	t.Helper()
	m := map[string]map[string]any{}
	for _, r := range recs {
		if r["type"] == "page" {
			m[r["url"].(string)] = r
		}
	}
	return m
}

func urlLine(u string) string { return `{"type":"url","url":"` + u + `"}` + "\n" }
