package frontier

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestPendingListsImagesToDownloadAgain: an image whose download failed for
// a passing reason comes out of `pb-urls pending` as an image record, after
// the pages, while it has attempts left; a file or a dead link ends that.
func TestPendingListsImagesToDownloadAgain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "forum.db")
	img := func(name, status string, http, at int) string {
		return fmt.Sprintf(`{"type":"image","url":"http://i/%s","status":%q,"http_status":%d,"fetched_at":%d}`, name, status, http, at)
	}
	load(t, db,
		`{"type":"link","url":"http://f/thread/10/a","kind":"thread"}`,
		img("busy.png", "http 503", 503, 1),
		img("busy.png", "http 503", 503, 1), // the same download, named twice
		img("cut.png", "unreachable: truncated body", 200, 1),
		img("back.png", "http 503", 503, 1),
		img("dead.png", "http 404", 404, 1),
		img("tired.png", "http 500", 500, 1),
		img("died.png", "unreachable: timeout", 0, 1),
	)
	load(t, db,
		img("back.png", "ok", 200, 2),
		img("tired.png", "http 500", 500, 2),
		img("died.png", "http 410", 410, 2),
	)
	out, errs, code := runURLs(t, "pending", "--max-attempts", "3", db)
	if code != 0 {
		t.Fatalf("pending exit %d: %s", code, errs)
	}
	want := `{"type":"url","url":"http://f/thread/10/a","kind":"thread"}
{"type":"image","url":"http://i/busy.png"}
{"type":"image","url":"http://i/cut.png"}
{"type":"image","url":"http://i/tired.png"}
`
	if out != want {
		t.Errorf("pending:\n%s\nwant\n%s", out, want)
	}
	// A third failed download of tired.png uses up its attempts.
	load(t, db, img("tired.png", "http 500", 500, 4))
	out, _, _ = runURLs(t, "pending", "--max-attempts", "3", "--kind", "image", db)
	if got := strings.Count(out, `"type":"image"`); got != 2 || strings.Contains(out, "tired") || strings.Contains(out, "thread") {
		t.Errorf("pending --kind image:\n%s\nwant busy.png and cut.png only", out)
	}
	if out, _, _ := runURLs(t, "pending", "--render-only", db); out != "" {
		t.Errorf("pending --render-only lists %s; images need no browser", out)
	}
	// Both succeed on the next pass: nothing is left but the record of
	// tired.png's attempts and died.png's end.
	load(t, db,
		`{"type":"outcome","url":"http://f/thread/10/a","kind":"thread","status":"done","entities":1}`,
		img("busy.png", "ok", 200, 5), img("cut.png", "ok", 200, 5))
	if out, _, _ := runURLs(t, "pending", "--max-attempts", "3", db); out != "" {
		t.Errorf("finished archive still has pending entries: %s", out)
	}
	out, _, _ = runURLs(t, "status", "--crawl-only", db)
	if out != "crawl: done 1; done (images) 1; failed (images) 1;\n" {
		t.Errorf("status --crawl-only = %q", out)
	}
}
