package store

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenDump loads a small hand-written crawl (every record type, in
// pipeline order) and compares the whole database, table by table, with
// testdata/crawl.dump. Run with -update after a deliberate change and
// review the diff.
func TestGoldenDump(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "crawl.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "g.db")
	mustLoad(t, path, in)
	got := renderDump(dumpFile(t, path))
	golden := filepath.Join("testdata", "crawl.dump")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("database differs from %s (run with -update if intended):\n%s", golden, lineDiff(string(want), got))
	}
}

// renderDump writes a dump as text: a header per table, then its rows.
func renderDump(d map[string][]string) string {
	names := make([]string, 0, len(d))
	for t := range d {
		names = append(names, t)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, t := range names {
		b.WriteString("## " + t + "\n")
		for _, r := range d[t] {
			b.WriteString(r + "\n")
		}
	}
	return b.String()
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, l := range a {
		inA[l] = true
	}
	for _, l := range b {
		inB[l] = true
	}
	var out strings.Builder
	for _, l := range a {
		if !inB[l] {
			out.WriteString("- " + l + "\n")
		}
	}
	for _, l := range b {
		if !inA[l] {
			out.WriteString("+ " + l + "\n")
		}
	}
	return out.String()
}
