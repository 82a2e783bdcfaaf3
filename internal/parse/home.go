package parse

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

var (
	selBoardsBox    = sel("div.container.boards")
	selCategoryName = sel("div.title_wrapper")
	selTitleHeading = sel("div.title-bar h1, div.title-bar h2, h1, h2")
	selBoardRow     = sel(`tr[id^="board-"]`)
	selBoardRowLink = sel("td.main span.link a[href], td.main a[href]")
	selBoardRowDesc = sel(".main .description, td .description")
	selSubBoardLink = sel(".sub-boards a[href]")
	selShoutboxPost = sel("div.shoutbox-post")
	selShoutMessage = sel("span.message")
	selSmiley       = sel("ul.smiley-menu li img[src], .wysiwyg-smiley-menu img[src]")
	selFavicon      = sel(`link[rel~="icon"][href]`)
	selForumStyle   = sel("link#forum_style[href]")
	selStylesheet   = sel(`link[rel~="stylesheet"][href]`)

	reCategoryName = regexp.MustCompile(`^category-(\d+)$`)
	reBoardRowID   = regexp.MustCompile(`^board-(\d+)$`)
	reShoutClass   = regexp.MustCompile(`^shoutbox-post-(\d+)$`)
)

// parseHome reads the forum's home page: categories and their boards,
// sub-board links, the shoutbox, smileys, the favicon, and links to every
// board, the members list and the theme stylesheet.
func parseHome(p *Page) (*Result, error) {
	r := &Result{}
	cats, rows := homeCategories(p, r)
	if len(cats) == 0 && len(rows) == 0 {
		return nil, missing("no categories or boards (a[name^=category-], tr[id^=board-])")
	}
	if len(rows) == 0 {
		r.warn("no board rows (tr[id^=board-])")
	}
	for _, row := range rows {
		p.boardRow(r, row.node, row.category, 0)
	}
	homeShoutbox(p, r)
	homeImages(p, r)
	r.addLink(p, p.sitePath("/members"), record.KindMembers, false)
	return r, nil
}

// boardRowAt is a board row with the category it sits under (0: unknown).
type boardRowAt struct {
	node     *html.Node
	category int64
}

// homeCategories reads the category anchors and the board rows in
// document order: a row belongs to the category whose anchor came last
// before it (the anchor precedes its div.container.boards).
func homeCategories(p *Page, r *Result) ([]*record.Category, []boardRowAt) {
	var cats []*record.Category
	var rows []boardRowAt
	var cur int64
	named := map[int64]bool{}
	walk(p.Doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch {
		case n.Data == "a":
			if m := reCategoryName.FindStringSubmatch(attr(n, "name")); m != nil {
				cur, _ = strconv.ParseInt(m[1], 10, 64)
				cats = append(cats, &record.Category{Type: record.TypeCategory, ID: cur})
			}
		case n.Data == "div" && hasClass(n, "container") && hasClass(n, "boards"):
			// Name the current category from its container's title bar.
			if cur != 0 && !named[cur] && len(cats) > 0 {
				named[cur] = true
				if t := find(n, selCategoryName); t != nil {
					cats[len(cats)-1].Name = record.Ptr(text(t))
				} else if t := find(n, selTitleHeading); t != nil {
					cats[len(cats)-1].Name = record.Ptr(text(t))
				} else {
					r.warn("category %d has no name (div.title_wrapper)", cur)
				}
			}
		case n.Data == "tr" && reBoardRowID.MatchString(attr(n, "id")):
			rows = append(rows, boardRowAt{n, cur})
			return false // its sub-board links are read with the row
		}
		return true
	})
	for _, c := range cats {
		r.add(c)
	}
	return cats, rows
}

// boardRow reads one board row (home page or a board's sub-board list)
// into a partial board record, plus the sub-boards it lists, and links
// both. A row does not say whether the board is password protected.
func (p *Page) boardRow(r *Result, row *html.Node, category, parent int64) {
	m := reBoardRowID.FindStringSubmatch(attr(row, "id"))
	if m == nil {
		return
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	b := &record.Board{Type: record.TypeBoard, ID: id}
	if category != 0 {
		b.CategoryID = record.Ptr(category)
	}
	if parent != 0 {
		b.ParentID = record.Ptr(parent)
	}
	if a := find(row, selBoardRowLink); a != nil {
		b.Name = record.Ptr(text(a))
		if u, ok := p.firstPage(attr(a, "href")); ok && forumurl.ID(u) == id {
			b.URL = &u
			r.addLink(p, u, record.KindBoard, false)
		}
	} else {
		r.warn("board %d row has no link (td.main span.link a)", id)
	}
	if d := find(row, selBoardRowDesc); d != nil {
		b.Description = record.Ptr(text(d))
	}
	r.add(b)
	for _, a := range findAll(row, selSubBoardLink) {
		u, ok := p.firstPage(attr(a, "href"))
		if !ok || forumurl.Kind(u) != record.KindBoard {
			continue
		}
		sub := &record.Board{Type: record.TypeBoard, ID: forumurl.ID(u), Name: record.Ptr(text(a)), URL: &u, ParentID: record.Ptr(id)}
		if sub.ID == 0 || sub.ID == id {
			continue
		}
		sub.CategoryID = b.CategoryID
		r.add(sub)
		r.addLink(p, u, record.KindBoard, false)
	}
}

// homeShoutbox reads div.shoutbox-post elements (id from the
// shoutbox-post-N class).
func homeShoutbox(p *Page, r *Result) {
	for _, n := range findAll(p.Doc, selShoutboxPost) {
		var id int64
		for _, c := range classes(n) {
			if m := reShoutClass.FindStringSubmatch(c); m != nil {
				id, _ = strconv.ParseInt(m[1], 10, 64)
			}
		}
		if id == 0 {
			r.warn("shoutbox post without a shoutbox-post-N class")
			continue
		}
		s := &record.ShoutboxPost{Type: record.TypeShoutboxPost, ID: id}
		if ms, ok := timestamp(n); ok {
			s.Date = &ms
		} else {
			r.warn("shoutbox post %d has no date (abbr[data-timestamp])", id)
		}
		if m := find(n, selShoutMessage); m != nil {
			s.Message = record.Ptr(text(m))
		} else {
			r.warn("shoutbox post %d has no span.message", id)
		}
		if a, ok := p.authorIn(n); ok {
			s.UserID, s.GuestName = a.UserID, a.GuestName
		} else {
			r.warn("shoutbox post %d has no author (a.user-link, span.user-guest)", id)
		}
		r.add(s)
	}
}

// homeImages reads the smileys and the favicon, and links the theme
// stylesheet (link#forum_style, else every stylesheet on the forum host).
func homeImages(p *Page, r *Result) {
	for _, img := range findAll(p.Doc, selSmiley) {
		code := strings.TrimSpace(attr(img, "title"))
		if code == "" {
			code = strings.TrimSpace(attr(img, "alt"))
		}
		if u, ok := p.abs(attr(img, "src")); ok && code != "" {
			r.add(&record.Image{Type: record.TypeImage, URL: u, Description: "smiley " + code})
		}
	}
	if l := find(p.Doc, selFavicon); l != nil {
		if u, ok := p.abs(attr(l, "href")); ok {
			r.add(&record.Image{Type: record.TypeImage, URL: u, Description: record.ImageFavicon})
		}
	} else {
		r.warn("no favicon (link[rel=icon])")
	}
	if l := find(p.Doc, selForumStyle); l != nil {
		// The theme stylesheet is followed wherever ProBoards hosts it:
		// it is the only source of the background and banner.
		if u, ok := forumurl.Canonical(p.Base, attr(l, "href")); ok {
			r.addLink(p, u, record.KindCSS, false)
			return
		}
	}
	found := false
	for _, l := range findAll(p.Doc, selStylesheet) {
		if _, ok := r.link(p, attr(l, "href"), record.KindCSS, false); ok {
			found = true
		}
	}
	if !found {
		r.warn("no theme stylesheet (link#forum_style)")
	}
}

// walk visits n and its descendants in document order, without recursion
// (a page may nest deeply); visit returns false to skip n's children.
func walk(n *html.Node, visit func(*html.Node) bool) {
	if n == nil {
		return
	}
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(c) {
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
}
