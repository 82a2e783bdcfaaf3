package store

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLoadIsIdempotentAndOrderFree: loading a crawl twice, shuffled,
// reversed, or split over many runs with tiny batches gives the same
// database (crawl timestamps and discovery numbers aside).
func TestLoadIsIdempotentAndOrderFree(t *testing.T) {
	f := genForum(7, 40, 45)
	in := input(f.lines)
	dir := t.TempDir()

	once := filepath.Join(dir, "once.db")
	mustLoad(t, once, in)
	want := dumpFile(t, once)
	for _, table := range []string{"category", "board", "moderator", "thread", "post", "post_like", "poll",
		"poll_option", "poll_voter", "user", "shoutbox_post", "image", "image_status", "avatar", "crawl"} {
		if len(want[table]) == 0 {
			t.Errorf("the generated crawl put nothing in %s", table)
		}
	}

	t.Run("twice", func(t *testing.T) {
		path := filepath.Join(dir, "twice.db")
		mustLoad(t, path, in)
		second := mustLoad(t, path, in)
		sameDump(t, "loaded twice", want, dumpFile(t, path))
		// The second run found nothing to change.
		if !strings.Contains(second.stderr, "pb-load: ") || strings.Contains(second.stderr, "inserted") {
			t.Errorf("second load reported changes:\n%s", second.stderr)
		}
	})

	t.Run("shuffled", func(t *testing.T) {
		for _, seed := range []uint64{1, 2} {
			path := filepath.Join(dir, "shuffled"+strconv.Itoa(int(seed))+".db")
			mustLoad(t, path, input(shuffled(f.lines, seed)))
			sameDump(t, "shuffled", want, dumpFile(t, path))
		}
	})

	t.Run("reversed", func(t *testing.T) {
		rev := slices.Clone(f.lines)
		slices.Reverse(rev)
		path := filepath.Join(dir, "reversed.db")
		mustLoad(t, path, input(rev))
		sameDump(t, "reversed", want, dumpFile(t, path))
	})

	t.Run("in pieces with small batches", func(t *testing.T) {
		path := filepath.Join(dir, "pieces.db")
		for i := 0; i < len(f.lines); i += 997 {
			piece := f.lines[i:min(i+997, len(f.lines))]
			if r := runLoad(t, path, input(piece), Options{Batch: 7}); r.exit != 0 || r.err != nil {
				t.Fatalf("exit %d: %v\n%s", r.exit, r.err, r.stderr)
			}
		}
		sameDump(t, "in pieces", want, dumpFile(t, path))
	})
}

// TestDiffShowsDifferences makes sure the comparison the other tests rely
// on does see a changed value, a missing row and a missing table.
func TestDiffShowsDifferences(t *testing.T) {
	a := map[string][]string{"t": {"id=1 | v=\"a\"", "id=2 | v=\"b\""}, "u": {"x=1"}}
	b := map[string][]string{"t": {"id=1 | v=\"a\"", "id=2 | v=\"c\"", "id=3 | v=NULL"}}
	d := Diff(a, b, 5)
	for _, want := range []string{`- id=2 | v="b"`, `+ id=2 | v="c"`, `+ id=3 | v=NULL`, "table u: only in the first dump"} {
		if !strings.Contains(d, want) {
			t.Errorf("Diff lacks %q:\n%s", want, d)
		}
	}
	if Diff(a, a, 5) != "" {
		t.Error("Diff of equal dumps is not empty")
	}
	// Text that looks like a number or NULL renders differently from one.
	if render("12") == render(int64(12)) || render("NULL") == render(nil) {
		t.Error("render confuses text with numbers or NULL")
	}
}
