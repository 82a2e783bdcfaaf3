package parse

import (
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/record"
)

// pollPage is a rendered thread page whose poll options have the given vote
// counts, with voters (user ids) in a #poll-voters dialog when withBox.
func pollPage(votes []string, withBox bool, voters ...string) record.Page {
	var b strings.Builder
	b.WriteString(`<html><body><div class="container posts"><div class="title-bar"><h1>Q</h1></div>
<div class="poll"><h3>Which?</h3><table class="results">`)
	for i, v := range votes {
		id := string(rune('1' + i))
		b.WriteString(`<tr class="answer-` + id + `"><td class="answer"><div>Option ` + id + `</div></td><td class="view-votes"><span class="votes">` + v + `</span></td></tr>`)
	}
	b.WriteString(`</table></div><table class="list"><tr class="item post first" id="post-70"><td><table><tr>` +
		`<td class="left-panel"><div class="mini-profile"><a class="user-link" data-id="2" href="/user/2">A</a></div></td>` +
		`<td class="content"><div class="content-head"><div class="info"><span class="date">` +
		`<abbr class="o-timestamp time" data-timestamp="1700000000000">x</abbr></span></div></div>` +
		`<article><div class="message">Hi</div></article></td></tr></table></td></tr></table></div>`)
	if withBox {
		b.WriteString(`<div id="poll-voters">`)
		for _, v := range voters {
			b.WriteString(`<div class="micro-profile"><div class="info"><a data-id="` + v + `" href="/user/` + v + `">U</a></div></div>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`<script>proboards.data({"page":{"thread":{"id":7,"board_id":3,"is_poll":1}}});</script></body></html>`)
	p := pageOf(record.KindThread, b.String())
	p.Rendered = true
	return p
}

// TestPollVoters: a poll nobody voted in has an empty voters list, which is
// an answer, not a missing part; a poll with votes and no list is warned of.
func TestPollVoters(t *testing.T) {
	for _, tc := range []struct {
		name   string
		page   record.Page
		voters int
		warned bool
	}{
		{"voters listed", pollPage([]string{"1", "1"}, true, "4", "5"), 2, false},
		{"no votes, empty dialog", pollPage([]string{"0", "0"}, true), 0, false},
		{"no votes, no dialog", pollPage([]string{"0", "0"}, false), 0, false},
		{"votes but no dialog", pollPage([]string{"2", "0"}, false), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := Parse(tc.page, DefaultLimits)
			checkInvariants(t, tc.page, out)
			n := 0
			for _, e := range out.Entities {
				if _, ok := e.(*record.PollVoter); ok {
					n++
				}
			}
			warned := strings.Contains(strings.Join(out.Outcome.Warnings, "\n"), "no voters list")
			if n != tc.voters || warned != tc.warned || out.Outcome.Status != record.OutcomeDone {
				t.Errorf("%d voters, warned %v, outcome %s; want %d voters, warned %v, done (warnings %q)",
					n, warned, out.Outcome.Status, tc.voters, tc.warned, out.Outcome.Warnings)
			}
		})
	}
}
