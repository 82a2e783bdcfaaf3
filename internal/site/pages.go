package site

import (
	"html/template"
	"strconv"
	"strings"
)

// author is how a page shows who wrote, liked or voted.
type author struct {
	ID        int64
	Name      string
	Link      string // site path of the profile, "" when there is none
	Group     string
	PostCount int64
	Avatar    string // site path of the archived avatar, "" when none
	Kind      string // member, guest, deleted, staff or former
	Initial   string
}

// author describes user id for the pages.
func (b *builder) author(id int64) author {
	u := b.f.users[id]
	a := author{ID: id, Kind: "member"}
	switch {
	case b.redacted[id]:
		a.Name, a.Kind = "a former member", "former"
	case id == deletedUserID:
		a.Name, a.Kind, a.Group = "Deleted User", "deleted", "Deleted account"
		if u != nil && u.Name != "" {
			a.Name = u.Name
		}
	case id == staffUserID:
		a.Name, a.Kind, a.Group = "ProBoards staff", "staff", "ProBoards staff"
		if u != nil && u.Name != "" {
			a.Name = u.Name
		}
	case id < 0:
		a.Name, a.Kind, a.Group = "Guest", "guest", "Guest"
		if u != nil && u.Name != "" {
			a.Name = u.Name
		}
	case u == nil:
		a.Name, a.Kind = "Unknown member #"+strconv.FormatInt(id, 10), "deleted"
	default:
		a.Name, a.Group, a.PostCount = u.Name, u.Group, u.PostCount
		if a.Name == "" {
			a.Name = u.Username
		}
		a.Link = userPath(id, 1)
		a.Avatar = b.useImage(b.f.avatars[id])
	}
	if r := []rune(strings.TrimSpace(a.Name)); len(r) > 0 {
		a.Initial = strings.ToUpper(string(r[0]))
	} else {
		a.Initial = "?"
	}
	return a
}

func (b *builder) authors(ids []int64) []author {
	out := make([]author, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.author(id))
	}
	return out
}

// boardRow is a board as the home page and parent boards list it.
type boardRow struct {
	ID          int64
	Name        string
	Description string
	Link        string
	Threads     int
	Posts       int
	Latest      *latest
	Children    []boardRow
}

type latest struct {
	Title, Link string
	Date        int64
	By          author
}

func (b *builder) boardRow(bd *board, depth int) boardRow {
	r := boardRow{ID: bd.ID, Name: bd.Name, Description: bd.Description, Link: boardPath(bd.ID, 1),
		Threads: len(bd.Threads), Posts: bd.Posts}
	if p := bd.Latest; p != nil {
		r.Latest = &latest{Title: b.f.threads[p.ThreadID].Title, Link: b.postLink(p), Date: p.Date, By: b.author(p.UserID)}
	}
	if depth < 1 {
		for _, c := range bd.Children {
			if !b.excluded[c.ID] {
				r.Children = append(r.Children, b.boardRow(c, depth+1))
			}
		}
	}
	return r
}

type homeCategory struct {
	Name   string
	Boards []boardRow
}

func (b *builder) home() error {
	var cats []homeCategory
	for _, c := range b.f.categories {
		hc := homeCategory{Name: c.Name}
		for _, bd := range c.Boards {
			if !b.excluded[bd.ID] {
				hc.Boards = append(hc.Boards, b.boardRow(bd, 0))
			}
		}
		if len(hc.Boards) > 0 {
			cats = append(cats, hc)
		}
	}
	return b.render("index.html", "home", &pageData{Title: b.siteName(), Data: cats})
}

// crumbsTo is the path from home to a board.
func (b *builder) crumbsTo(bd *board) []crumb {
	var cs []crumb
	for seen := 0; bd != nil && seen < 100; seen++ {
		cs = append([]crumb{{Name: bd.Name, Link: boardPath(bd.ID, 1)}}, cs...)
		if bd.ParentID == 0 || bd.ParentID == bd.ID {
			break
		}
		bd = b.f.boards[bd.ParentID]
	}
	return append([]crumb{{Name: "Home", Link: "index.html"}}, cs...)
}

type threadRow struct {
	ID                           int64
	Title, Link                  string
	Announcement, Sticky, Locked bool
	Poll                         bool
	By                           author
	Replies                      int
	Views                        int64
	Latest                       *latest
	Pages                        []pageLink
}

func (b *builder) threadRow(t *thread) threadRow {
	r := threadRow{ID: t.ID, Title: t.Title, Link: threadPath(t.ID, 1), Announcement: t.Announcement, Sticky: t.Sticky,
		Locked: t.Locked, Poll: b.f.polls[t.ID] != nil, By: b.author(t.UserID), Views: t.Views}
	if n := len(t.Posts); n > 0 {
		r.Replies = n - 1
		p := t.Posts[n-1]
		r.Latest = &latest{Link: b.postLink(p), Date: p.Date, By: b.author(p.UserID)}
	}
	if n := pages(len(t.Posts), postsPerPage); n > 1 {
		for i := 2; i <= n; i++ {
			if i > 4 && i < n {
				continue
			}
			r.Pages = append(r.Pages, pageLink{N: i, Link: threadPath(t.ID, i)})
		}
	}
	return r
}

type boardPage struct {
	Board    boardRow
	Children []boardRow
	Threads  []threadRow
}

func (b *builder) boards() error {
	for _, bd := range b.boardList {
		row := b.boardRow(bd, 0)
		last := pages(len(bd.Threads), threadsPerPage)
		for pg := 1; pg <= last; pg++ {
			data := boardPage{Board: row}
			if pg == 1 {
				data.Children = row.Children
			}
			lo, hi := (pg-1)*threadsPerPage, min(pg*threadsPerPage, len(bd.Threads))
			for _, t := range bd.Threads[lo:hi] {
				data.Threads = append(data.Threads, b.threadRow(t))
			}
			id := bd.ID
			title := bd.Name
			if pg > 1 {
				title += " (page " + strconv.Itoa(pg) + ")"
			}
			err := b.render(boardPath(id, pg), "board", &pageData{Title: title, Crumbs: b.crumbsTo(bd),
				Pager: newPager(pg, last, func(n int) string { return boardPath(id, n) }), Data: data})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// postView is a post as a thread or profile page shows it.
type postView struct {
	ID        int64
	Anchor    string
	Link      string // its place in its thread
	Number    int    // 1-based position in the thread
	Date      int64
	By        author
	Message   template.HTML
	Signature template.HTML
	EditedBy  *author
	Edited    int64
	Likes     []author
	Thread    string // title, on profile pages
}

func (b *builder) postView(p *post, root string, number int) postView {
	v := postView{ID: p.ID, Anchor: "post-" + strconv.FormatInt(p.ID, 10), Link: b.postLink(p), Number: number,
		Date: p.Date, By: b.author(p.UserID), Message: template.HTML(b.cl.clean(p.Message, root))}
	if u := b.f.users[p.UserID]; u != nil && !b.redacted[p.UserID] && u.Signature != "" {
		v.Signature = template.HTML(b.cl.clean(u.Signature, root))
	}
	if p.LastEdited != 0 || p.EditUserID != 0 {
		v.Edited = p.LastEdited
		if p.EditUserID != 0 {
			a := b.author(p.EditUserID)
			v.EditedBy = &a
		}
	}
	v.Likes = b.authors(b.f.likes[p.ID])
	return v
}

type pollView struct {
	Name    string
	Options []pollOptionView
	Total   int64
	Voters  []author
}

type pollOptionView struct {
	Name    string
	Votes   int64
	Percent int64
}

type threadPage struct {
	Thread threadRow
	Poll   *pollView
	Posts  []postView
}

func (b *builder) threads() error {
	for _, t := range b.threadList {
		bd := b.f.boards[t.BoardID]
		row := b.threadRow(t)
		var pv *pollView
		if p := b.f.polls[t.ID]; p != nil {
			pv = &pollView{Name: p.Name, Voters: b.authors(p.Voters)}
			for _, o := range p.Options {
				pv.Total += o.Votes
			}
			for _, o := range p.Options {
				pv.Options = append(pv.Options, pollOptionView{Name: o.Name, Votes: o.Votes, Percent: percent(o.Votes, pv.Total)})
			}
		}
		last := pages(len(t.Posts), postsPerPage)
		for pg := 1; pg <= last; pg++ {
			data := threadPage{Thread: row}
			if pg == 1 {
				data.Poll = pv
			}
			lo, hi := (pg-1)*postsPerPage, min(pg*postsPerPage, len(t.Posts))
			for i, p := range t.Posts[lo:hi] {
				data.Posts = append(data.Posts, b.postView(p, "../../", lo+i+1))
			}
			id := t.ID
			title := t.Title
			if pg > 1 {
				title += " (page " + strconv.Itoa(pg) + ")"
			}
			err := b.render(threadPath(id, pg), "thread", &pageData{Title: title,
				Crumbs: append(b.crumbsTo(bd), crumb{Name: t.Title, Link: threadPath(id, 1)}),
				Pager:  newPager(pg, last, func(n int) string { return threadPath(id, n) }), Data: data})
			if err != nil {
				return err
			}
		}
		for _, p := range t.Posts {
			if err := b.redirect("post/"+strconv.FormatInt(p.ID, 10)+".html", b.postLink(p), t.Title); err != nil {
				return err
			}
		}
	}
	return nil
}

// redirect writes a tiny page at path that sends the browser to target.
func (b *builder) redirect(path, target, title string) error {
	return b.render(path, "redirect", &pageData{Title: title, Data: target})
}

type memberRow struct {
	A          author
	Registered int64
}

func (b *builder) members() error {
	last := pages(len(b.userList), membersPerPage)
	for pg := 1; pg <= last; pg++ {
		var rows []memberRow
		lo, hi := (pg-1)*membersPerPage, min(pg*membersPerPage, len(b.userList))
		for _, u := range b.userList[lo:hi] {
			rows = append(rows, memberRow{A: b.author(u.ID), Registered: u.DateRegistered})
		}
		err := b.render(membersPath(pg), "members", &pageData{Title: "Members",
			Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "Members", Link: membersPath(1)}},
			Pager:  newPager(pg, last, membersPath), Data: rows})
		if err != nil {
			return err
		}
	}
	return nil
}

type field struct{ Name, Value, Link string }

type userPage struct {
	Who       author
	Fields    []field
	Status    string
	Signature template.HTML
	Threads   []threadRow
	Posts     []postView
	NPosts    int
}

func (b *builder) users() error {
	for _, u := range b.userList {
		who := b.author(u.ID)
		var fields []field
		add := func(name, value string) {
			if value != "" {
				fields = append(fields, field{Name: name, Value: value})
			}
		}
		add("Username", u.Username)
		add("Group", u.Group)
		add("Posts", strconv.FormatInt(u.PostCount, 10))
		add("Registered", fmtDate(u.DateRegistered))
		add("Last online", fmtDate(u.LastOnline))
		add("Gender", u.Gender)
		add("Location", u.Location)
		if u.WebsiteURL != "" && (strings.HasPrefix(u.WebsiteURL, "http://") || strings.HasPrefix(u.WebsiteURL, "https://")) {
			name := u.Website
			if name == "" {
				name = u.WebsiteURL
			}
			fields = append(fields, field{Name: "Website", Value: name, Link: u.WebsiteURL})
		}
		posts := b.userPosts[u.ID]
		last := pages(len(posts), userPostsPage)
		for pg := 1; pg <= last; pg++ {
			data := userPage{Who: who, NPosts: len(posts)}
			if pg == 1 {
				data.Fields, data.Status = fields, u.LatestStatus
				data.Signature = template.HTML(b.cl.clean(u.Signature, "../../"))
				for _, t := range b.userThread[u.ID] {
					data.Threads = append(data.Threads, b.threadRow(t))
				}
			}
			lo, hi := (pg-1)*userPostsPage, min(pg*userPostsPage, len(posts))
			for _, p := range posts[lo:hi] {
				v := b.postView(p, "../../", 0)
				v.Thread = b.f.threads[p.ThreadID].Title
				v.Signature = ""
				data.Posts = append(data.Posts, v)
			}
			id := u.ID
			err := b.render(userPath(id, pg), "user", &pageData{Title: who.Name,
				Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "Members", Link: membersPath(1)}, {Name: who.Name, Link: userPath(id, 1)}},
				Pager:  newPager(pg, last, func(n int) string { return userPath(id, n) }), Data: data})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

type shoutView struct {
	ID      int64
	Date    int64
	By      author
	Message template.HTML
}

func (b *builder) shoutbox() error {
	var rows []shoutView
	for _, s := range b.f.shouts {
		rows = append(rows, shoutView{ID: s.ID, Date: s.Date, By: b.author(s.UserID), Message: template.HTML(b.cl.clean(s.Message, ""))})
	}
	return b.render("shoutbox.html", "shoutbox", &pageData{Title: "Shoutbox",
		Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "Shoutbox", Link: "shoutbox.html"}}, Data: rows})
}

type aboutPage struct {
	Source          string
	From, To        int64
	Boards, Threads int
	Posts, Members  int
	Images, Shouts  int
	Version         string
	LeftOut         []string
}

func (b *builder) about() error {
	a := aboutPage{From: b.f.captured[0], To: b.f.captured[1], Boards: len(b.boardList), Threads: len(b.threadList),
		Posts: b.nPosts, Members: len(b.userList), Shouts: len(b.f.shouts), Version: Version}
	if b.f.base != nil {
		a.Source = b.f.base.String()
	}
	for _, im := range b.f.images {
		if b.imgOK[im.Filename] {
			a.Images++
		}
	}
	if n := len(b.f.boards) - len(b.boardList); n > 0 {
		a.LeftOut = append(a.LeftOut, plural(n, "board", "boards")+" (password-protected or excluded)")
	}
	if n := len(b.o.RedactUser); n > 0 {
		a.LeftOut = append(a.LeftOut, plural(n, "member's profile", "members' profiles")+" at their request")
	}
	return b.render("about.html", "about", &pageData{Title: "About this archive",
		Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "About this archive", Link: "about.html"}}, Data: a})
}
