// Package parse is the core of pb-parse: it turns fetched `page` records
// into entity records (category, board, thread, post, user, …), `link`
// records for the pages to crawl next, and one `outcome` per page.
//
// Each page kind has its own parser (home.go, board.go, thread.go,
// members.go, profile.go, css.go), a function of a *Page that returns a
// *Result; shared readers live in users.go (author references), urls.go,
// pagination.go, timestamps.go and data.go (the proboards.data script).
// schema/README.md is the contract for every field.
package parse

import (
	"errors"
	"net/url"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

// Limits bound the work spent on one page, so a hostile or broken body
// fails that page instead of stalling or exhausting the pipeline.
type Limits struct {
	// MaxBody is the largest body parsed, in bytes. Real pages are well under 2 MB.
	MaxBody int
	// MaxTags is the most start tags and comments (nodes of the tree) a
	// page may have (a 30-post thread has about 10,000).
	MaxTags int
	// MaxAttrs is the most attributes a page may have, all tags together
	// (a 30-post thread has about 15,000).
	MaxAttrs int
	// MaxDepth bounds element nesting, which the selector engine and the
	// renderer recurse through. ProBoards pages nest about 40 deep.
	MaxDepth int
}

// DefaultLimits are generous for any real ProBoards page.
//
// The tree html.Parse builds costs about 120 bytes a node and 150 an
// attribute, so these limits bound it (to about 140 MB) whatever the body:
// a body of millions of tiny tags or attributes would otherwise cost up to
// 90 times its size.
var DefaultLimits = Limits{MaxBody: record.MaxBody, MaxTags: 500_000, MaxAttrs: 500_000, MaxDepth: 2_000}

// Output is everything pb-parse writes for one page, in write order:
// the entities, the links, then the outcome.
type Output struct {
	Entities []any
	Links    []record.Link
	Outcome  record.Outcome
}

// parsers maps a page kind to its parser.
var parsers = map[string]func(*Page) (*Result, error){
	record.KindHome:    parseHome,
	record.KindBoard:   parseBoard,
	record.KindThread:  parseThread,
	record.KindMembers: parseMembers,
	record.KindUser:    parseProfile,
}

// Parse parses one page record. It never panics on any body: a page it
// cannot read gets a failed outcome with the reason.
func Parse(rec record.Page, lim Limits) (out Output) {
	out.Outcome = record.Outcome{
		Type: record.TypeOutcome, URL: rec.URL, Render: rec.Render,
		HTTPStatus: rec.Status, FetchedAt: rec.FetchedAt,
	}
	res, err := parsePage(rec, lim, &out.Outcome.Kind)
	if res != nil {
		out.Entities = dedupeEntities(res.Entities)
		out.Links = dedupeLinks(res.Links)
		out.Outcome.Warnings = dedupeStrings(res.Warnings)
		if sh := res.Shown; sh != nil && err == nil {
			out.Outcome.ThreadID, out.Outcome.PostIDs = sh.ThreadID, sh.PostIDs
			out.Outcome.FirstPage, out.Outcome.LastPage = sh.FirstPage, sh.LastPage
		}
	}
	out.Outcome.Entities = len(out.Entities)
	out.Outcome.Status = record.OutcomeDone
	if err != nil {
		out.Outcome.Status = record.OutcomeFailed
		out.Outcome.Reason = err.Error()
		// A failed page keeps the entities its parser chose to report (the
		// password-protected board), never its links: it is retried.
		out.Links = nil
	}
	return out
}

// parsePage checks the fetch, picks the parser and runs it. It sets *kind
// as soon as the kind is known.
func parsePage(rec record.Page, lim Limits, kind *string) (res *Result, err error) {
	defer func() {
		// Parsers check what they read, so this is a last line of defence:
		// one bad page must not end a days-long crawl.
		if v := recover(); v != nil {
			res, err = nil, fail("parser error: %v", v)
		}
	}()
	*kind = rec.Kind
	if *kind == "" {
		*kind = forumurl.Kind(rec.URL)
	}
	switch {
	case rec.Error != "":
		return nil, fail("fetch failed: %s", rec.Error)
	case rec.Status < 200 || rec.Status > 299:
		if rec.Status == 0 {
			return nil, fail("no HTTP response")
		}
		return nil, fail("HTTP %d", rec.Status)
	case rec.Render && !rec.Rendered:
		return nil, fail("the page needs a browser but was not rendered (use pb-fetch --render)")
	case len(rec.Body) > lim.MaxBody:
		return nil, fail("body is %d bytes, over the %d-byte limit", len(rec.Body), lim.MaxBody)
	}
	site, err := url.Parse(rec.URL)
	if err != nil || site.Host == "" || (site.Scheme != "http" && site.Scheme != "https") {
		return nil, fail("page url %q is not an absolute http(s) URL", rec.URL)
	}
	base := site
	if rec.FinalURL != "" {
		if b, err := url.Parse(rec.FinalURL); err == nil && b.Host != "" {
			base = b
		}
	}
	if strings.EqualFold(base.Host, site.Host) && base.Scheme != site.Scheme {
		// The forum redirected to its other scheme (http → https): links
		// take the scheme it serves.
		s := *site
		s.Scheme = base.Scheme
		site = &s
	}
	if reason, ok := wallBefore(rec.Status, rec.Body, base.String()); ok {
		return nil, failure(reason)
	}
	p := &Page{Record: rec, Kind: *kind, Site: site, Base: base}
	if *kind == record.KindCSS {
		res, err = parseCSS(p)
		return res, explain(err, p)
	}
	if err := checkMarkup(rec.Body, lim); err != nil {
		return nil, err
	}
	p.Doc, err = html.Parse(strings.NewReader(rec.Body))
	if err != nil {
		return nil, fail("not HTML: %v", err)
	}
	if err := checkDepth(p.Doc, lim); err != nil {
		return nil, err
	}
	if *kind == "" {
		*kind = routeKind(p.Data().Route)
		p.Kind = *kind
	}
	parser := parsers[*kind]
	if parser == nil {
		if *kind == "" {
			return nil, explain(missing("unknown page kind: neither the record, the URL path nor proboards.data route says"), p)
		}
		return nil, fail("unknown page kind %q", *kind)
	}
	res, err = parser(p)
	return res, explain(err, p)
}

// explain replaces the reason of a page without its content by the wall
// that took its place, when there is one.
func explain(err error, p *Page) error {
	var m missingContent
	if err == nil || !errors.As(err, &m) {
		return err
	}
	if reason, ok := wallAfter(p.Record.Body, p.Doc); ok {
		return failure(reason)
	}
	return err
}

// routeKind maps a proboards.data route name to a page kind.
func routeKind(route string) string {
	switch route {
	case "home", "forum":
		return record.KindHome
	case "board", "list_threads":
		return record.KindBoard
	case "thread", "list_posts":
		return record.KindThread
	case "members", "list_members":
		return record.KindMembers
	case "user", "show_user", "current_user":
		return record.KindUser
	}
	return ""
}

// checkMarkup bounds the parser's memory before it starts: html.Parse
// keeps every node and attribute, so a body of too many is refused. Small
// bodies cannot hold too many (a tag takes 3 bytes, an attribute 2);
// others are counted by countMarkup, which allocates nothing.
func checkMarkup(body string, lim Limits) error {
	if len(body)/3 <= lim.MaxTags && len(body)/2 <= lim.MaxAttrs {
		return nil
	}
	nodes, attrs := countMarkup(body, lim.MaxTags, lim.MaxAttrs)
	if nodes > lim.MaxTags {
		return fail("page has over %d tags and comments", lim.MaxTags)
	}
	if attrs > lim.MaxAttrs {
		return fail("page has over %d attributes", lim.MaxAttrs)
	}
	return nil
}

// countMarkup counts the start tags and comments (each a node of the tree)
// and the attributes of an HTML body the way the HTML tokenizer reads them
// (quoted values, comments and the raw text of script and style hide
// markup), stopping once either passes its limit.
func countMarkup(body string, maxNodes, maxAttrs int) (nodes, attrs int) {
	n := len(body)
	for i := 0; i < n && nodes <= maxNodes && attrs <= maxAttrs; {
		j := strings.IndexByte(body[i:], '<')
		if j < 0 || i+j+1 >= n {
			break
		}
		i += j + 1
		switch c := body[i]; {
		case c == '!' || c == '?': // a comment, doctype or bogus comment: one node
			nodes++
			end := ">"
			if strings.HasPrefix(body[i:], "!--") {
				i, end = i+3, "-->"
			}
			k := strings.Index(body[i:], end)
			if k < 0 {
				return nodes, attrs
			}
			i += k + len(end)
		case c == '/': // an end tag adds nothing to the tree
			k := strings.IndexByte(body[i:], '>')
			if k < 0 {
				return nodes, attrs
			}
			i += k + 1
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			nodes++
			start := i
			for i < n && !isHTMLSpace(body[i]) && body[i] != '>' && body[i] != '/' {
				i++
			}
			name := body[start:i]
			var a int
			i, a = countAttrs(body, i)
			attrs += a
			if rawTextTags[strings.ToLower(name)] {
				i = rawTextEnd(body, i, name)
			}
		}
	}
	return nodes, attrs
}

// countAttrs counts the attributes of a start tag from i (just after its
// name) and returns the index after its '>'.
func countAttrs(body string, i int) (int, int) {
	n, a := len(body), 0
	for i < n {
		switch c := body[i]; {
		case c == '>':
			return i + 1, a
		case isHTMLSpace(c) || c == '/':
			i++
		default:
			a++
			for i++; i < n && !isHTMLSpace(body[i]) && body[i] != '/' && body[i] != '>' && body[i] != '='; i++ {
			}
			k := i
			for k < n && isHTMLSpace(body[k]) {
				k++
			}
			if k >= n || body[k] != '=' {
				continue
			}
			for i = k + 1; i < n && isHTMLSpace(body[i]); i++ {
			}
			if i < n && (body[i] == '"' || body[i] == '\'') {
				e := strings.IndexByte(body[i+1:], body[i])
				if e < 0 {
					return n, a
				}
				i += e + 2
				continue
			}
			for i < n && !isHTMLSpace(body[i]) && body[i] != '>' {
				i++
			}
		}
	}
	return n, a
}

// rawTextTags are the elements whose content the tokenizer reads as text.
var rawTextTags = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
}

// rawTextEnd returns the index of the end tag of the raw-text element
// name whose content starts at i (or the end of the body).
func rawTextEnd(body string, i int, name string) int {
	for {
		k := strings.Index(body[i:], "</")
		if k < 0 {
			return len(body)
		}
		i += k + 2
		if len(body)-i >= len(name) && strings.EqualFold(body[i:i+len(name)], name) {
			return i
		}
	}
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// checkDepth bounds the nesting of the parsed tree: selectors and the
// renderer recurse once per level.
func checkDepth(doc *html.Node, lim Limits) error {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > lim.MaxDepth {
			return fail("page nests elements over %d deep", lim.MaxDepth)
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			if c.FirstChild != nil {
				stack = append(stack, item{c, it.depth + 1})
			}
		}
	}
	return nil
}
