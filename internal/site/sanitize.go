package site

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the allow-list for forum HTML (posts, signatures, shouts):
// what ProBoards' editor makes (quotes, spoilers, code, lists, tables,
// images, links, colours) survives; scripts, event handlers, javascript:
// and data: URLs, iframes, forms, <base>, <style> and any CSS beyond a few
// plain properties do not.
var policy = newPolicy()

// safeClass is the class names kept: ProBoards' quote, spoiler and code
// boxes are styled by class, and nothing else needs one.
var safeClass = regexp.MustCompile(`^[a-zA-Z0-9_ -]{1,100}$`)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(safeClass).OnElements("div", "span", "code", "pre", "blockquote", "abbr", "img", "table", "td", "th", "tr", "ul", "ol", "li", "p", "a")
	p.AllowAttrs("data-timestamp").Matching(regexp.MustCompile(`^[0-9]{1,15}$`)).OnElements("abbr", "span")
	// bluemonday checks each property's value (colours, lengths, keywords),
	// so url(), expression() and imports never pass.
	p.AllowStyles("color", "background-color", "text-align", "font-weight", "font-style",
		"text-decoration", "font-size", "font-family").Globally()
	p.AllowElements("font", "center", "s", "strike", "u", "details", "summary")
	p.AllowAttrs("color").Matching(regexp.MustCompile(`^#?[a-zA-Z0-9]{1,20}$`)).OnElements("font")
	p.AllowAttrs("open").OnElements("details")
	p.RequireNoFollowOnLinks(false)
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	return p
}

// linker turns a URL of the forum into the path of its page in the site
// (relative to the site's root), or "" when the site has no such page.
type linker func(u *url.URL) string

// imageMap returns the site path of an archived image URL, or "".
type imageMap func(abs string) string

// cleaner sanitises forum HTML and points its links and images at the site.
type cleaner struct {
	base   *url.URL // the forum, to resolve relative links; may be nil
	link   linker
	redact func(u *url.URL) bool // links to members shown as "a former member"
	image  imageMap
	cache  map[[2]string]string
}

// clean returns src sanitised, with links to the forum's own pages and
// archived images rewritten relative to root (e.g. "../../"), links that
// leave the archive marked rel="nofollow noopener", mailto: links reduced
// to their text, and images that were never archived turned into plain
// links so no page reaches the network.
func (c *cleaner) clean(src, root string) string {
	if src == "" {
		return ""
	}
	key := [2]string{src, root}
	if s, ok := c.cache[key]; ok {
		return s
	}
	safe := policy.Sanitize(src)
	out := c.rewrite(safe, root)
	if c.cache == nil || len(c.cache) > 50000 {
		c.cache = map[[2]string]string{}
	}
	c.cache[key] = out
	return out
}

// rewrite walks sanitised HTML and rewrites URLs. It only ever sets
// attributes to local paths or to URLs the policy already accepted.
func (c *cleaner) rewrite(safe, root string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(safe), ctx)
	if err != nil {
		return html.EscapeString(safe)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; {
			next := ch.NextSibling
			if ch.Type == html.ElementNode {
				switch ch.DataAtom {
				case atom.A:
					c.fixLink(ch, root)
				case atom.Img:
					if repl := c.fixImage(ch, root); repl != nil {
						n.InsertBefore(repl, ch)
						n.RemoveChild(ch)
						ch = repl
					}
				}
				walk(ch)
			}
			ch = next
		}
	}
	holder := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		holder.AppendChild(n)
	}
	walk(holder)
	var b bytes.Buffer
	for n := holder.FirstChild; n != nil; n = n.NextSibling {
		html.Render(&b, n)
	}
	return b.String()
}

func getAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func delAttr(n *html.Node, key string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			out = append(out, a)
		}
	}
	n.Attr = out
}

// resolve makes href absolute against the forum's address.
func (c *cleaner) resolve(href string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return nil
	}
	if c.base != nil {
		u = c.base.ResolveReference(u)
	}
	return u
}

func (c *cleaner) fixLink(n *html.Node, root string) {
	delAttr(n, "target")
	href, ok := getAttr(n, "href")
	if !ok {
		delAttr(n, "rel")
		return
	}
	if strings.HasPrefix(href, "#") {
		delAttr(n, "rel")
		return
	}
	u := c.resolve(href)
	if u == nil {
		delAttr(n, "href")
		delAttr(n, "rel")
		return
	}
	if u.Scheme == "mailto" {
		// An e-mail address is private: keep the link text only.
		delAttr(n, "href")
		delAttr(n, "rel")
		return
	}
	if c.redact != nil && c.redact(u) {
		for n.FirstChild != nil {
			n.RemoveChild(n.FirstChild)
		}
		n.AppendChild(&html.Node{Type: html.TextNode, Data: "a former member"})
		delAttr(n, "href")
		delAttr(n, "rel")
		return
	}
	if c.link != nil {
		if p := c.link(u); p != "" {
			setAttr(n, "href", root+p)
			delAttr(n, "rel")
			return
		}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		delAttr(n, "href")
		delAttr(n, "rel")
		return
	}
	setAttr(n, "href", u.String())
	setAttr(n, "rel", "nofollow noopener")
}

// fixImage points an archived image at its local copy, or returns a link
// to replace an image that was never archived.
func (c *cleaner) fixImage(n *html.Node, root string) *html.Node {
	src, _ := getAttr(n, "src")
	if u := c.resolve(src); u != nil && c.image != nil {
		if p := c.image(u.String()); p != "" {
			setAttr(n, "src", root+p)
			setAttr(n, "loading", "lazy")
			delAttr(n, "srcset")
			return nil
		}
		if p := c.image(src); p != "" {
			setAttr(n, "src", root+p)
			setAttr(n, "loading", "lazy")
			return nil
		}
	}
	alt, _ := getAttr(n, "alt")
	if alt == "" {
		alt = "image"
	}
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "class", Val: "unarchived"}}}
	if u := c.resolve(src); u != nil && (u.Scheme == "http" || u.Scheme == "https") {
		a.Attr = append(a.Attr, html.Attribute{Key: "href", Val: u.String()}, html.Attribute{Key: "rel", Val: "nofollow noopener"})
	}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: "[" + alt + " — not archived]"})
	return a
}

// plainText is the text of forum HTML, for search and summaries.
func plainText(src string) string {
	doc, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style):
			return
		case n.Type == html.ElementNode && (n.DataAtom == atom.Br || n.DataAtom == atom.Div || n.DataAtom == atom.P || n.DataAtom == atom.Li):
			b.WriteByte(' ')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	for _, n := range doc {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
