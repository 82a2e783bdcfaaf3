package store

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// openTemp opens a new archive in a test's temporary directory.
func openTemp(t testing.TB, name string) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// loadResult is what one pb-load run returned and printed.
type loadResult struct {
	exit   int
	err    error
	stderr string
}

// runLoad runs pb-load on path with the given input.
func runLoad(t testing.TB, path string, in []byte, opts Options) loadResult {
	t.Helper()
	opts.DB = path
	var stdout, stderr bytes.Buffer
	exit, err := Run(context.Background(), bytes.NewReader(in), &stdout, &stderr, opts)
	if stdout.Len() != 0 {
		t.Errorf("pb-load wrote to stdout: %q", stdout.String())
	}
	return loadResult{exit, err, stderr.String()}
}

// mustLoad loads input into path and fails the test unless it loads cleanly.
func mustLoad(t testing.TB, path string, in []byte) loadResult {
	t.Helper()
	r := runLoad(t, path, in, Options{})
	if r.exit != 0 || r.err != nil {
		t.Fatalf("pb-load: exit %d, err %v\n%s", r.exit, r.err, r.stderr)
	}
	return r
}

// dumpFile opens the archive at path and dumps it.
func dumpFile(t testing.TB, path string, tables ...string) map[string][]string {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := Dump(s.DB, tables...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// lines makes NDJSON input from records written as JSON text.
func lines(records ...string) []byte {
	return []byte(strings.Join(records, "\n") + "\n")
}

// sameDump fails the test with a readable difference unless a equals b.
func sameDump(t testing.TB, what string, a, b map[string][]string) {
	t.Helper()
	if d := Diff(a, b, 5); d != "" {
		t.Fatalf("%s: databases differ:\n%s", what, d)
	}
}
