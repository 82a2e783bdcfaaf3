package htmlx

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestLookup covers where pb-parse's and pb-fetch's copies differed: a nil
// node (pb-fetch's panicked), a name in another case (pb-parse's missed
// it), and an empty value told apart from a missing attribute.
func TestLookup(t *testing.T) {
	n := &html.Node{Type: html.ElementNode, Data: "input", Attr: []html.Attribute{
		{Key: "Value", Val: "x"},
		{Namespace: "xlink", Key: "href", Val: "ns"},
		{Key: "checked", Val: ""},
	}}
	for _, tc := range []struct {
		n        *html.Node
		key, val string
		ok       bool
	}{
		{n, "value", "x", true},
		{n, "VALUE", "x", true},
		{n, "href", "", false}, // namespaced attributes are not HTML attributes
		{n, "checked", "", true},
		{n, "name", "", false},
		{nil, "value", "", false},
	} {
		v, ok := Lookup(tc.n, tc.key)
		if v != tc.val || ok != tc.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.key, v, ok, tc.val, tc.ok)
		}
		if got := Attr(tc.n, tc.key); got != tc.val {
			t.Errorf("Attr(%q) = %q, want %q", tc.key, got, tc.val)
		}
	}
}

// TestText shows the two ways of reading text and why both exist: a name
// split by markup stays one word in Text, a message's lines stay apart in
// Words; neither reads scripts or styles.
func TestText(t *testing.T) {
	for _, tc := range []struct{ html, raw, text, words string }{
		{"<p> Ad<b>min</b> </p>", " Admin ", "Admin", "Ad min"},
		{"<div>Wrong<br>password.\n  Try <i>again</i></div>", "Wrongpassword.\n  Try again", "Wrongpassword.\n  Try again", "Wrong password. Try again"},
		{"<div>a<script>var x</script><style>p{}</style>b</div>", "ab", "ab", "a b"},
	} {
		body := parse(t, tc.html).LastChild.LastChild // html > body
		if got := RawText(body); got != tc.raw {
			t.Errorf("RawText(%s) = %q, want %q", tc.html, got, tc.raw)
		}
		if got := Text(body); got != tc.text {
			t.Errorf("Text(%s) = %q, want %q", tc.html, got, tc.text)
		}
		if got := Words(body); got != tc.words {
			t.Errorf("Words(%s) = %q, want %q", tc.html, got, tc.words)
		}
	}
	if RawText(nil) != "" || Words(nil) != "" {
		t.Error("a nil node has text")
	}
	// A deep page does not exhaust the stack.
	// A deep tree (built by hand: the parser caps nesting) does not
	// exhaust the stack.
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	for i, n := 0, root; i < 200000; i++ {
		c := &html.Node{Type: html.ElementNode, Data: "span"}
		n.AppendChild(c)
		n = c
		if i == 199999 {
			n.AppendChild(&html.Node{Type: html.TextNode, Data: "x"})
		}
	}
	if Text(root) != "x" || Words(root) != "x" {
		t.Errorf("deep Text = %q, Words = %q", Text(root), Words(root))
	}
}
