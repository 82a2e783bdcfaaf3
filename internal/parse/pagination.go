package parse

import (
	"github.com/pb-archive/pb/internal/forumurl"
	"golang.org/x/net/html"
)

// maxPages caps the pages one pagination may announce, so a corrupt
// "last page 999999999" cannot flood the frontier. The largest real
// boards have a few thousand pages.
const maxPages = 50_000

var (
	selPagination = sel("ul.ui-pagination")
	selPageItem   = sel("li")
	selHref       = sel("a[href]")
	// The "next" item is li.next in server HTML and li.ui-pagination-next
	// once ProBoards' JavaScript has run (a rendered page).
	selNextLink = sel("li.next a[href], li.ui-pagination-next a[href]")
)

// lastPage returns the highest page number that the pagination under
// scope shows (numbered items, their hrefs and the next link), at least
// the current page. It reads all pages at once, not only "next", so a
// crawl queues every page of a list from any one of them.
func (p *Page) lastPage(scope *html.Node) int {
	last := p.Number()
	// Pagination inside a dialog (likers) or a thread row (the small
	// per-thread page links of a board) is not this page's.
	ours := func(n *html.Node) bool {
		return !inModal(n) && !hasClass(n, "ui-micro-pagination") &&
			ancestor(n, func(a *html.Node) bool { return isElement(a, "tr") || hasClass(a, "ui-micro-pagination") }) == nil
	}
	see := func(n int) {
		if n > last {
			last = n
		}
	}
	for _, ul := range findAll(scope, selPagination) {
		if !ours(ul) {
			continue
		}
		for _, li := range findAll(ul, selPageItem) {
			if n, ok := parseCount(text(li)); ok && n > 0 {
				see(int(min(n, maxPages+1)))
			}
		}
		for _, a := range findAll(ul, selHref) {
			if n, ok := p.hrefPage(a); ok {
				see(n)
			}
		}
	}
	for _, a := range findAll(scope, selNextLink) {
		if !ours(a) {
			continue
		}
		if n, ok := p.hrefPage(a); ok {
			see(n)
		}
	}
	return last
}

// hrefPage returns the ?page=N of an on-site link.
func (p *Page) hrefPage(a *html.Node) (int, bool) {
	c, ok := p.onSite(attr(a, "href"))
	if !ok {
		return 0, false
	}
	return min(forumurl.Page(c), maxPages+1), true
}

// pageLinks links every page 1..last of the list whose first page is
// first (canonical), except the page being parsed.
func (r *Result) pageLinks(p *Page, first, kind string, last int) {
	if last > maxPages {
		r.warn("pagination claims %d pages; linking only the first %d", last, maxPages)
		last = maxPages
	}
	self, _ := forumurl.Canonical(nil, p.Record.URL)
	final, _ := forumurl.Canonical(nil, p.Base.String())
	for n := 1; n <= last; n++ {
		u := withPage(first, n)
		if u == self || u == final {
			continue
		}
		r.addLink(p, u, kind, false)
	}
}
