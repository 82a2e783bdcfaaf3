package parse

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

var (
	selStats            = sel("div.container.stats")
	selBoardName        = sel("div.container.stats div.board-name")
	selBoardDesc        = sel("div.container.stats div.board-description")
	selFirstH1          = sel("h1")
	selPasswordTitle    = sel("div.container > div.title-bar > h2")
	selPasswordForm     = sel(`#password-wrapper, #password-wrapper input[name="password"]`)
	selThreadsBox       = sel("div.container.threads")
	selThreadLink       = sel(`a.thread-link[href], td.main span.link a[href*="/thread/"]`)
	selThreadRow        = sel(`tr.thread, tr[id^="thread-"]`)
	selModeratorsLink   = sel("a#moderators-link")
	selModeratorsModal  = sel(`div.pb-modal[data-for="moderators-link"]`)
	selAnyModal         = sel("div.pb-modal")
	selModeratorsDialog = sel("#moderators-dialog")
	selMicroProfileA    = sel("div.micro-profile a[data-id]")
	selNavTreeItem      = sel("#nav-tree li, .nav-tree-wrapper li")
	selNavLink          = sel("a[href]")
	selAnyHref          = sel("a[href]")

	reCategoryFragment = regexp.MustCompile(`^category-(\d+)$`)
)

const passwordText = "This board is password protected"

// parseBoard reads a board page (any page of its thread list): the board
// itself, its sub-board rows, links to every thread and every page of the
// list, and its moderators when the page was rendered.
func parseBoard(p *Page) (*Result, error) {
	r := &Result{}
	id := forumurl.ID(p.Base.String())
	if id == 0 {
		id, _ = dataInt(p.Data().Board, "id")
	}
	if id <= 0 {
		return nil, missing("no board id (neither the URL /board/N nor proboards.data page.board.id)")
	}
	b := &record.Board{Type: record.TypeBoard, ID: id}
	stats := find(p.Doc, selStats)
	if stats == nil && p.isPasswordBoard() {
		// {id, name, password_protected: true} and a failed outcome: the
		// board's content is not archived until someone unlocks it.
		if h := find(p.Doc, selPasswordTitle); h != nil {
			b.Name = record.Ptr(text(h))
		}
		b.PasswordProtected = record.Ptr(true)
		r.add(b)
		return r, fail("password protected")
	}
	threads := find(p.Doc, selThreadsBox)
	if stats == nil && threads == nil {
		return nil, missing("no board content (div.container.stats, div.container.threads)")
	}
	b.PasswordProtected = record.Ptr(false)
	if stats != nil {
		if n := find(p.Doc, selBoardName); n != nil {
			b.Name = record.Ptr(text(n))
		} else {
			r.warn("no board name (div.container.stats div.board-name)")
		}
		// A board without a description has no div.board-description.
		if d := find(p.Doc, selBoardDesc); d != nil {
			b.Description = record.Ptr(text(d))
		}
	} else if h := find(p.Doc, selFirstH1); h != nil {
		// No stats box (some forums): the name from the first h1; the
		// description stays unknown (the board's row gives it).
		b.Name = record.Ptr(text(h))
		r.warn("no div.container.stats: board name from the first h1")
	} else {
		r.warn("no board name (div.container.stats, h1)")
	}
	nav := p.navTree()
	if nav.category != 0 {
		b.CategoryID = record.Ptr(nav.category)
	} else {
		r.warn("no category in the nav tree (#nav-tree a[href*=#category-])")
	}
	if parent := nav.parentOf(id); parent != 0 {
		b.ParentID = &parent
	}
	first, ok := p.canonicalFirstPage(record.KindBoard, id, nav, dataURL(p.Data().Board))
	b.URL = &first
	if !ok {
		r.warn("no /board/%d/slug link; board url taken from the page URL", id)
	}
	r.add(b)

	// Sub-boards: rows like the home page's, under this board.
	for _, box := range findAll(p.Doc, selBoardsBox) {
		for _, row := range findAll(box, selBoardRow) {
			if ancestor(row, func(a *html.Node) bool {
				return a != box && isElement(a, "div") && hasClass(a, "boards") && hasClass(a, "container")
			}) != nil {
				continue // a nested list is read with its own container
			}
			p.boardRow(r, row, nav.category, id)
		}
	}

	scope := threads
	if scope == nil {
		scope = p.Doc
	}
	for _, a := range findAll(scope, selThreadLink) {
		if u, ok := p.threadLink(a); ok {
			r.addLink(p, u, record.KindThread, false)
		}
	}
	if threads == nil {
		r.warn("no thread list (div.container.threads)")
	}
	// A thread row without a readable thread id is a thread pb would never
	// archive: the page fails (and is fetched again) rather than count as
	// done, and the reason names the rows.
	badRows := p.unreadableThreadRows(scope)
	for _, row := range badRows {
		r.warn("thread row without a readable thread id: %s", row)
	}
	if last := p.lastPage(scope); last > 1 {
		r.pageLinks(p, first, record.KindBoard, last)
	}

	if find(p.Doc, selModeratorsLink) != nil {
		if !p.Rendered() {
			// The moderators are in a JavaScript modal: ask for a rendered
			// copy of the board's first page (the same on every page).
			r.addLink(p, first, record.KindBoard, true)
		} else {
			modals := findAll(p.Doc, selModeratorsModal)
			if len(modals) == 0 {
				modals = findAll(p.Doc, selModeratorsDialog)
			}
			if len(modals) == 0 {
				modals = findAll(p.Doc, selAnyModal)
			}
			if len(modals) == 0 {
				r.warn(`rendered page has no moderators modal (div.pb-modal[data-for="moderators-link"])`)
			}
			for _, m := range modals {
				for _, uid := range p.userIDs(findAll(m, selMicroProfileA)) {
					r.add(&record.Moderator{Type: record.TypeModerator, BoardID: id, UserID: uid})
				}
			}
		}
	}
	if len(badRows) > 0 {
		return r, fail("thread rows without a readable thread id (tr.thread > a.thread-link[href=/thread/N/...]): %s",
			strings.Join(badRows, "; "))
	}
	return r, nil
}

// threadLink returns the canonical first-page URL of a thread link, or
// false when the link is not one (the "recent threads" list, a modal, an
// href whose /thread/N has no number).
func (p *Page) threadLink(a *html.Node) (string, bool) {
	href := attr(a, "href")
	if strings.HasPrefix(strings.TrimSpace(href), "/threads/recent") || inModal(a) {
		return "", false
	}
	u, ok := p.firstPage(href)
	if !ok || forumurl.Kind(u) != record.KindThread {
		return "", false
	}
	return u, true
}

// unreadableThreadRows describes the rows of a thread list (tr.thread,
// tr#thread-N) that hold no thread link with a readable id, naming each
// by its place in the list, its id attribute and its link.
func (p *Page) unreadableThreadRows(scope *html.Node) []string {
	var bad []string
	for i, row := range findAll(scope, selThreadRow) {
		if inModal(row) {
			continue
		}
		links := findAll(row, selThreadLink)
		readable := false
		for _, a := range links {
			if _, ok := p.threadLink(a); ok {
				readable = true
				break
			}
		}
		if readable {
			continue
		}
		desc := "row " + itoa(i+1)
		if id := attr(row, "id"); id != "" {
			desc += fmt.Sprintf(" (id %q)", id)
		}
		switch {
		case len(links) > 0:
			desc += fmt.Sprintf(", link %q", clipHref(attr(links[0], "href"), 120))
		default:
			desc += ", no thread link"
		}
		bad = append(bad, desc)
	}
	return bad
}

// clipHref shortens an href to at most n bytes for a message.
func clipHref(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// isPasswordBoard reports the "This board is password protected" page.
func (p *Page) isPasswordBoard() bool {
	if find(p.Doc, selPasswordForm) != nil {
		return true
	}
	return strings.Contains(rawText(p.Doc), passwordText)
}

// navTree is what the breadcrumb says about where a page sits.
type navTree struct {
	category int64    // from the /#category-N item; 0 if absent
	boards   []int64  // board ids, home to current
	urls     []string // their canonical first-page URLs
}

// navTree reads the breadcrumb (#nav-tree li items, proboards-markup.md §2):
// li[1] links /#category-N, then the boards down to the current one.
func (p *Page) navTree() navTree {
	var t navTree
	for _, li := range findAll(p.Doc, selNavTreeItem) {
		a := find(li, selNavLink)
		if a == nil {
			continue
		}
		href := attr(a, "href")
		if ref, err := url.Parse(strings.TrimSpace(href)); err == nil {
			if m := reCategoryFragment.FindStringSubmatch(ref.Fragment); m != nil && t.category == 0 {
				t.category, _ = strconv.ParseInt(m[1], 10, 64)
				continue
			}
		}
		if u, ok := p.firstPage(href); ok && forumurl.Kind(u) == record.KindBoard {
			t.boards = append(t.boards, forumurl.ID(u))
			t.urls = append(t.urls, u)
		}
	}
	return t
}

// parentOf returns the board just above id in the breadcrumb, or 0.
func (t navTree) parentOf(id int64) int64 {
	var parent int64
	for _, b := range t.boards {
		if b == id {
			break
		}
		parent = b
	}
	return parent
}

// dataURL is the url member of a proboards.data object, if any.
func dataURL(m map[string]any) string {
	s, _ := dataString(m, "url")
	return s
}

// canonicalFirstPage finds the canonical first-page URL (`/board/N/slug`,
// `/thread/N/slug`) of the page's board or thread: from the breadcrumb,
// proboards.data, or any link on the page to that id with a slug. When
// none has a slug (a page requested as /thread/N), it falls back to the
// page's own URL without query, and ok is false.
func (p *Page) canonicalFirstPage(kind string, id int64, nav navTree, fromData string) (string, bool) {
	good := func(u string) bool {
		return forumurl.Kind(u) == kind && forumurl.ID(u) == id && hasSlug(u)
	}
	for _, u := range nav.urls {
		if good(u) {
			return u, true
		}
	}
	if u, ok := p.firstPage(fromData); ok && good(u) {
		return u, true
	}
	if u, ok := p.firstPage(p.Base.String()); ok && good(u) {
		return u, true
	}
	for _, a := range findAll(p.Doc, selAnyHref) {
		if u, ok := p.firstPage(attr(a, "href")); ok && good(u) {
			return u, true
		}
	}
	u, ok := p.firstPage(p.Base.String())
	if !ok {
		u, _ = p.firstPage(p.Record.URL)
	}
	return u, false
}
