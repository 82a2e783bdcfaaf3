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
	// MaxTags is the most start tags a page may have (a 30-post thread has about 10,000).
	MaxTags int
	// MaxDepth bounds element nesting, which the selector engine and the
	// renderer recurse through. ProBoards pages nest about 40 deep.
	MaxDepth int
}

// DefaultLimits are generous for any real ProBoards page.
var DefaultLimits = Limits{MaxBody: record.MaxBody, MaxTags: 1_000_000, MaxDepth: 2_000}

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
	if err := checkTags(rec.Body, lim); err != nil {
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

// checkTags bounds the parser's memory before it starts: html.Parse keeps
// every node, so a body of millions of tags is refused. Counting '<' is an
// upper bound that clears every real page at memory speed; only bodies over
// it are tokenized for the exact count.
func checkTags(body string, lim Limits) error {
	if strings.Count(body, "<") <= lim.MaxTags {
		return nil
	}
	z := html.NewTokenizer(strings.NewReader(body))
	for tags := 0; ; {
		switch z.Next() {
		case html.ErrorToken:
			return nil // io.EOF: the tokenizer reads from memory
		case html.StartTagToken, html.SelfClosingTagToken:
			if tags++; tags > lim.MaxTags {
				return fail("page has over %d tags", lim.MaxTags)
			}
		}
	}
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
