// Package htmlx holds the small golang.org/x/net/html helpers that both
// pb-fetch (login and password forms) and pb-parse (pages) need: reading
// an attribute and reading a node's text. It imports nothing of pb, so any
// package can use it.
package htmlx

import (
	"strings"

	"golang.org/x/net/html"
)

// Lookup returns the value of n's attribute key and whether n has it. Only
// attributes without a namespace count, and the name matches ASCII
// case-insensitively as in HTML (the parser lower-cases names already; a
// node built by hand may not). A nil node has no attributes.
func Lookup(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// Attr returns the value of n's attribute key, or "" when it has none
// (see Lookup to tell an empty value from a missing attribute).
func Attr(n *html.Node, key string) string {
	v, _ := Lookup(n, key)
	return v
}

// RawText concatenates the text under n exactly as written (the text nodes
// joined with nothing between them), without descending into scripts and
// styles. It is iterative so a deeply nested page cannot exhaust the stack.
func RawText(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	stack := []*html.Node{}
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		stack = append(stack, c)
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			if c.Data == "script" || c.Data == "style" {
				continue
			}
			fallthrough
		default:
			for k := c.LastChild; k != nil; k = k.PrevSibling {
				stack = append(stack, k)
			}
		}
	}
	return b.String()
}

// Text is RawText trimmed: the visible text of a name, title or label,
// where the markup inside a word ("Ad<b>min</b>") does not split it.
func Text(n *html.Node) string { return strings.TrimSpace(RawText(n)) }

// Words is the text under n as words separated by single spaces, with a
// break between text nodes: the readable sentence of a message box or
// form label, whose separate elements ("Wrong<br>password") must not run
// together. Scripts and styles are skipped.
func Words(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
			b.WriteByte(' ')
			continue
		case c.Type == html.ElementNode && (c.Data == "script" || c.Data == "style"):
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
