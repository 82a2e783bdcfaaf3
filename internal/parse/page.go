package parse

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

// Page is one fetched page prepared for a parser: the page record, its
// parsed HTML and the URLs that links resolve against.
type Page struct {
	// Record is the page record as read.
	Record record.Page
	// Kind is the page kind the parser is chosen by.
	Kind string
	// Site is the forum: the requested URL (with the scheme the forum
	// redirected to, if it did). Only links to its host are followed.
	Site *url.URL
	// Base is the final URL (else the requested one): hrefs resolve against it.
	Base *url.URL
	// Doc is the parsed HTML; nil for stylesheets.
	Doc *html.Node

	data     *Data
	dataRead bool
}

// Rendered reports whether a browser rendered the page, so that the
// div.pb-modal copies of its JavaScript dialogs are present.
func (p *Page) Rendered() bool { return p.Record.Rendered }

// Number is the page's ?page=N (1 when absent), read from the final URL.
func (p *Page) Number() int { return forumurl.Page(p.Base.String()) }

// Data returns the page's proboards.data metadata (never nil).
func (p *Page) Data() *Data {
	if !p.dataRead {
		p.data = extractData(p.Doc)
		p.dataRead = true
	}
	return p.data
}

// Result is what a parser found on one page.
type Result struct {
	// Entities are record pointers (*record.Board, *record.Post, …) in the
	// order found; Parse merges duplicates.
	Entities []any
	// Links are the pages to crawl next, canonical and on the forum's host.
	Links []record.Link
	// Warnings name the selectors that found nothing.
	Warnings []string
	// Shown is, for a thread page, what it showed (copied to the outcome).
	Shown *Shown
}

// Shown is the list of posts a thread page showed; pb-load compares it with
// the archive to mark posts that vanished.
type Shown struct {
	ThreadID            int64
	PostIDs             []int64
	FirstPage, LastPage bool
}

// add appends entity records.
func (r *Result) add(es ...any) { r.Entities = append(r.Entities, es...) }

// warn records that something expected was missing, naming the selector.
func (r *Result) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// link adds a link to href when it is a crawlable page of the forum;
// it returns the canonical URL it added.
func (r *Result) link(p *Page, href, kind string, render bool) (string, bool) {
	c, ok := p.onSite(href)
	if !ok {
		return "", false
	}
	r.addLink(p, c, kind, render)
	return c, true
}

// addLink adds a link to an already canonical URL.
func (r *Result) addLink(p *Page, canonical, kind string, render bool) {
	r.Links = append(r.Links, record.Link{
		Type: record.TypeLink, URL: canonical, Kind: kind, Render: render, From: p.Record.URL,
	})
}

// failure is a page that could not be parsed; its message is the outcome's reason.
type failure string

func (f failure) Error() string { return string(f) }

// fail returns a failure with a formatted reason.
func fail(format string, args ...any) error { return failure(fmt.Sprintf(format, args...)) }

// missingContent is a page that lacks what its kind promises (no posts on
// a thread page); Parse then looks for the wall served in its place.
type missingContent string

func (m missingContent) Error() string { return string(m) }

// missing returns a missingContent with a formatted reason.
func missing(format string, args ...any) error { return missingContent(fmt.Sprintf(format, args...)) }

func itoa(n int) string { return strconv.Itoa(n) }
