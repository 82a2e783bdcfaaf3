package parse

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestPathologicalMarkupInBoundedMemory: bodies built to make the HTML
// tree huge fail the page, and parsing them costs memory in proportion
// to the body (the tree is never built), not dozens of times its size.
func TestPathologicalMarkupInBoundedMemory(t *testing.T) {
	for _, tc := range []struct {
		name, body, reason string
	}{
		{"2M attributes on one tag", "<html><body><div" + strings.Repeat(" a", 2_000_000) + "></div></body></html>", "attributes"},
		{"2M attributes without spaces", "<html><body><div" + strings.Repeat(` a=""`, 1_000_000) + strings.Repeat(`b=""`, 1_000_000) + "></div></body></html>", "attributes"},
		{"attributes over many tags", "<html><body>" + strings.Repeat(`<br a b c d e f g h i j k l m n o p q r s t>`, 100_000) + "</body></html>", "attributes"},
		{"2M tags", "<html><body>" + strings.Repeat("<b>", 2_000_000) + "</body></html>", "tags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := pageOf(record.KindThread, tc.body)
			var out Output
			alloc := allocated(func() { out = Parse(page, DefaultLimits) })
			if out.Outcome.Status != record.OutcomeFailed || !strings.Contains(out.Outcome.Reason, tc.reason) {
				t.Errorf("outcome %s: %q, want failed for too many %s", out.Outcome.Status, out.Outcome.Reason, tc.reason)
			}
			if limit := uint64(2 * len(tc.body)); alloc > limit {
				t.Errorf("parsing a %d-byte body allocated %d bytes (%.1fx)", len(tc.body), alloc, float64(alloc)/float64(len(tc.body)))
			}
		})
	}
}

// tokenizerCount counts start tags, comments and attributes with the HTML
// tokenizer, the reference countMarkup must agree with.
func tokenizerCount(body string) (nodes, attrs int) {
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nodes, attrs
		case html.CommentToken, html.DoctypeToken:
			nodes++
		case html.StartTagToken, html.SelfClosingTagToken:
			nodes++
			for _, more := z.TagName(); more; {
				_, _, more = z.TagAttr()
				attrs++
			}
		}
	}
}

// TestCountMarkupAgreesWithTheTokenizer on the parser's test pages and on
// markup that hides tags: countMarkup counts what html.Parse will hold.
func TestCountMarkupAgreesWithTheTokenizer(t *testing.T) {
	bodies := map[string]string{
		"quoted >":           `<a title="x > y" href='/a>b' data-x=1>t</a><b c=d e>`,
		"comment":            `<!-- <a b c d> --><p q><!doctype html><?xml x?>`,
		"script":             `<script type=x>if (a<b c d e) x = "<i j k>";</script><i l>`,
		"style, any case":    `<STYLE>p<q r s{}</sTyLe><br a b/>`,
		"no space":           `<a b="1"c="2"d='3'e=4 f>`,
		"slashes":            `<a/b/c/d>x</a><img src=x />`,
		"spaces around =":    `<a b = "1" c =2 d= 3>`,
		"end tags":           `<p a></p b c d><br></br>`,
		"unfinished":         `<p a b`,
		"unfinished comment": `<p a><!-- <b c>`,
	}
	files, _ := filepath.Glob("testdata/*/*.html")
	if len(files) == 0 {
		t.Fatal("no test pages")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies[f] = string(b)
	}
	for name, body := range bodies {
		wn, wa := tokenizerCount(body)
		n, a := countMarkup(body, 1<<30, 1<<30)
		// A tag cut off by the end of the body is dropped by the tokenizer
		// and counted here: a harmless overcount.
		if (n != wn || a != wa) && !(strings.HasPrefix(name, "unfinished") && n >= wn && a >= wa) {
			t.Errorf("%s: %d nodes, %d attributes; the tokenizer finds %d and %d", name, n, a, wn, wa)
		}
	}
}

// TestMarkupLimitsEdge: a page at the limits is parsed, one over is not.
func TestMarkupLimitsEdge(t *testing.T) {
	lim := Limits{MaxBody: 1 << 20, MaxTags: 100, MaxAttrs: 100, MaxDepth: 100}
	for _, tc := range []struct {
		body string
		want string // "" for accepted
	}{
		{strings.Repeat("<br a>", 100), ""},
		{strings.Repeat("<br a>", 101), "over 100 tags"},
		{strings.Repeat("<br>", 10) + "<br" + strings.Repeat(" a", 100) + ">", ""},
		{strings.Repeat("<br>", 10) + "<br" + strings.Repeat(" a", 101) + ">", "over 100 attributes"},
		{strings.Repeat("<!---->", 101), "over 100 tags"},
	} {
		err := checkMarkup(tc.body, lim)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.30q…: %v, want %q", tc.body, err, tc.want)
		}
	}
}
