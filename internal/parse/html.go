package parse

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/pb-archive/pb/internal/htmlx"
)

// sel compiles a CSS selector once, at package init; a typo panics at
// start-up (and in every test) rather than silently matching nothing.
func sel(s string) cascadia.Selector { return cascadia.MustCompile(s) }

// find returns the first descendant of n matching s, or nil.
func find(n *html.Node, s cascadia.Matcher) *html.Node {
	if n == nil {
		return nil
	}
	return cascadia.Query(n, s)
}

// findAll returns every descendant of n matching s, in document order.
func findAll(n *html.Node, s cascadia.Matcher) []*html.Node {
	if n == nil {
		return nil
	}
	return cascadia.QueryAll(n, s)
}

// The HTML helpers live in htmlx, shared with pb-fetch; the short names
// keep parse's many call sites readable.
var (
	attr    = htmlx.Attr    // n's attribute key, or ""
	text    = htmlx.Text    // the trimmed visible text of a name, title or label
	rawText = htmlx.RawText // every text node under n, like DOM textContent
)

// hasAttr reports whether n has the attribute key (even if empty).
func hasAttr(n *html.Node, key string) bool {
	if n == nil {
		return false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// classes returns n's class names in order.
func classes(n *html.Node) []string { return strings.Fields(attr(n, "class")) }

// hasClass reports whether n carries the class c.
func hasClass(n *html.Node, c string) bool {
	for _, x := range classes(n) {
		if x == c {
			return true
		}
	}
	return false
}

// isElement reports whether n is an element named tag ("" matches any).
func isElement(n *html.Node, tag string) bool {
	return n != nil && n.Type == html.ElementNode && (tag == "" || n.Data == tag)
}

// innerHTML renders n's children as golang.org/x/net/html does, which is
// the contract for post messages and signatures (schema/README.md).
func innerHTML(n *html.Node) string {
	if n == nil {
		return ""
	}
	return renderNodes(n.FirstChild, nil)
}

// renderNodes renders the siblings from first up to (not including) stop.
func renderNodes(first, stop *html.Node) string {
	var b strings.Builder
	for c := first; c != nil && c != stop; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			// Render fails only on malformed trees the parser never builds;
			// keep what was rendered rather than lose the message.
			break
		}
	}
	return b.String()
}

// ancestor returns the nearest proper ancestor of n for which match is true.
func ancestor(n *html.Node, match func(*html.Node) bool) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if match(p) {
			return p
		}
	}
	return nil
}

// nextElement returns the next sibling of n that is an element, skipping text and comments.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

// firstSignificant returns n's first child that is an element or a text
// node with something other than whitespace.
func firstSignificant(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			return c
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return c
			}
		}
	}
	return nil
}

// inModal reports whether n sits inside a copied modal (div.pb-modal):
// pagination and user links there belong to the dialog, not the page.
func inModal(n *html.Node) bool {
	return ancestor(n, func(p *html.Node) bool { return isElement(p, "div") && hasClass(p, "pb-modal") }) != nil
}
