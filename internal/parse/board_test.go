package parse

import (
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/record"
)

// boardWithRows is a board page whose thread list holds rows.
func boardWithRows(rows ...string) string {
	return `<html><body>
<div class="container stats"><div class="board-name">General</div></div>
<div class="container threads"><table class="list"><tbody>
` + strings.Join(rows, "\n") + `
</tbody></table></div></body></html>`
}

// threadRow is a thread list row as ProBoards writes it.
func threadRow(id, href string) string {
	return `<tr class="item thread" id="thread-` + id + `"><td class="main clickable"><span class="link target">` +
		`<a class="thread-link thread-` + id + `" href="` + href + `">T</a></span></td><td class="views">1</td></tr>`
}

// TestUnreadableThreadRowsFailThePage: a thread row whose id cannot be
// read is a thread the archive would silently lack. The page fails (so it
// is fetched again and stays listed as failed) with a reason and warnings
// naming the page's rows; rows elsewhere on the page are not thread rows.
func TestUnreadableThreadRowsFailThePage(t *testing.T) {
	good1, good2 := threadRow("10", "/thread/10/a"), threadRow("11", "/thread/11/b?page=2")
	tests := []struct {
		name  string
		rows  []string
		want  []string // in the reason and the warnings; none: the page is done
		links int      // thread links of a done page
	}{
		{"all readable", []string{good1, good2}, nil, 2},
		{"readable by its other link", []string{good1,
			`<tr class="item thread" id="thread-12"><td class="main"><span class="link"><a href="/thread/12/c">C</a></span></td></tr>`}, nil, 2},
		{"no number in the href", []string{good1, threadRow("abc", "/thread/abc/slug"), good2},
			[]string{`row 2 (id "thread-abc"), link "/thread/abc/slug"`}, 0},
		{"no link", []string{`<tr class="item thread" id="thread-7"><td class="main clickable"></td></tr>`, good1},
			[]string{`row 1 (id "thread-7"), no thread link`}, 0},
		{"not a thread link", []string{good1, threadRow("13", "/user/13")},
			[]string{`row 2 (id "thread-13"), link "/user/13"`}, 0},
		{"two bad rows", []string{`<tr class="item thread"><td class="main"><a class="thread-link" href="/thread/">x</a></td></tr>`, good1, threadRow("", "")},
			[]string{`row 1, link "/thread/"`, `row 3 (id "thread-"), link ""`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := pageOf(record.KindBoard, boardWithRows(tt.rows...))
			out := Parse(rec, DefaultLimits)
			checkInvariants(t, rec, out)
			o := out.Outcome
			if len(tt.want) == 0 {
				if o.Status != record.OutcomeDone {
					t.Fatalf("outcome %s (%s); want done", o.Status, o.Reason)
				}
				if n := countKind(out.Links, record.KindThread); n != tt.links {
					t.Errorf("%d thread links, want %d: %+v", n, tt.links, out.Links)
				}
				return
			}
			if o.Status != record.OutcomeFailed || !strings.Contains(o.Reason, "without a readable thread id") {
				t.Fatalf("outcome %s (%q); want failed for the unreadable rows", o.Status, o.Reason)
			}
			warnings := strings.Join(o.Warnings, "\n")
			for _, w := range tt.want {
				if !strings.Contains(o.Reason, w) || !strings.Contains(warnings, w) {
					t.Errorf("reason %q / warnings %q do not name %q", o.Reason, warnings, w)
				}
			}
			if len(out.Entities) == 0 {
				t.Errorf("the board itself was dropped")
			}
		})
	}
}

func countKind(links []record.Link, kind string) int {
	n := 0
	for _, l := range links {
		if l.Kind == kind {
			n++
		}
	}
	return n
}
