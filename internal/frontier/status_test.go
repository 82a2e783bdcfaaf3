package frontier

import (
	"regexp"
	"slices"
	"testing"

	"github.com/pb-archive/pb/schema"
)

// TestStatusCountsEveryArchiveTable: a table added to forum.sql shows in
// `pb-urls status` unless it is bookkeeping that status reports otherwise
// (crawl as the frontier, image_status as the images line).
func TestStatusCountsEveryArchiveTable(t *testing.T) {
	reported := map[string]bool{"crawl": true, "image_status": true}
	for _, m := range regexp.MustCompile(`CREATE TABLE IF NOT EXISTS "?(\w+)`).FindAllStringSubmatch(schema.SQL, -1) {
		if !reported[m[1]] && !slices.Contains(archiveTables, m[1]) {
			t.Errorf("table %s of forum.sql is missing from pb-urls status", m[1])
		}
	}
}
