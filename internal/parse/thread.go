package parse

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

var (
	selPostRow       = sel(`tr.post[id^="post-"]`)
	selFirstPostRow  = sel("tr.post.first")
	selThreadTitle   = sel("div.container.posts div.title-bar h1")
	selPostsBox      = sel("div.container.posts")
	selLeftPanel     = sel("td.left-panel")
	selMiniProfile   = sel("div.mini-profile, div.deleted-mini-profile")
	selHeadDate      = sel("div.content-head span.date")
	selHeadInfo      = sel("div.content-head")
	selAnyDate       = sel("span.date, abbr.time")
	selMessage       = sel("div.message")
	selEditedBy      = sel("div.edited_by")
	selLikes         = sel(".likes")
	selViewLikes     = sel("a.view-likes")
	selLikeUser      = sel(`a.user-link, a[data-id], a[href*="/user/"]`)
	selModalUser     = sel(`a.user-link, a[data-id]`)
	selLikesDialog   = sel(`[id^="likes-dialog-"]`)
	selImg           = sel("img[src]")
	selPoll          = sel("div.poll")
	selPollQuestion  = sel("h3")
	selPollAnswer    = sel("tr")
	selAnswerName    = sel("td.answer div")
	selAnswerCell    = sel("td.answer")
	selVotes         = sel("td.view-votes span.votes, span.votes")
	selPollVoters    = sel("#poll-voters a[data-id]")
	selPollVotersBox = sel("#poll-voters")
	selGuestName     = sel("span.user-guest")

	rePostID   = regexp.MustCompile(`^post-(\d+)$`)
	reAnswerID = regexp.MustCompile(`^answer-(\d+)$`)
)

// guestCreator is the name schema/README.md gives a guest thread creator
// whose first post is gone.
const guestCreator = "user-guest"

// parseThread reads a thread page: the thread (from proboards.data and
// the title bar), its posts with authors, dates, messages, editors, likes
// and images, the poll, links to every page of the thread, and a render
// link when likers or poll voters are behind a JavaScript dialog.
func parseThread(p *Page) (*Result, error) {
	r := &Result{}
	data := p.Data().Thread
	id, _ := dataInt(data, "id")
	if id <= 0 {
		id = forumurl.ID(p.Base.String())
	}
	rows := findAll(p.Doc, selPostRow)
	if len(rows) == 0 {
		return nil, missing("no posts (tr.post[id^=post-])")
	}
	if id <= 0 {
		return nil, missing("no thread id (neither proboards.data page.thread.id nor the URL /thread/N)")
	}
	nav := p.navTree()
	first, ok := p.canonicalFirstPage(record.KindThread, id, nav, dataURL(data))
	if !ok {
		r.warn("no /thread/%d/slug link; thread url taken from the page URL", id)
	}
	r.add(p.threadRecord(r, id, data, first, nav))

	poll := p.threadPoll(r, id, data)
	modals := p.modals()
	needRender := false
	var shown []int64
	for _, row := range rows {
		if p.threadPost(r, row, id, modals) {
			needRender = true
		}
		if m := rePostID.FindStringSubmatch(attr(row, "id")); m != nil {
			if pid, err := strconv.ParseInt(m[1], 10, 64); err == nil && pid > 0 {
				shown = append(shown, pid)
			}
		}
	}
	if !p.Rendered() {
		if needRender {
			// Likers behind "view likes" need the rendered copy of this page.
			r.addLink(p, withPage(first, p.Number()), record.KindThread, true)
		}
		if poll && p.Number() == 1 {
			// Poll voters need the rendered first page; once per thread.
			r.addLink(p, first, record.KindThread, true)
		}
	}

	scope := find(p.Doc, selPostsBox)
	if scope == nil {
		scope = p.Doc
	}
	last := p.lastPage(scope)
	if last > 1 {
		r.pageLinks(p, first, record.KindThread, last)
	}
	// Only a page whose every post row had an id can say what is missing.
	if len(shown) == len(rows) {
		r.Shown = &Shown{ThreadID: id, PostIDs: shown, FirstPage: p.Number() == 1, LastPage: p.Number() >= last}
	}
	return r, nil
}

// threadRecord builds the thread from page.thread in proboards.data (ids
// and flags) and the title bar (title).
func (p *Page) threadRecord(r *Result, id int64, data map[string]any, first string, nav navTree) *record.Thread {
	t := &record.Thread{Type: record.TypeThread, ID: id, URL: &first}
	if h := find(p.Doc, selThreadTitle); h != nil {
		t.Title = record.Ptr(text(h))
	} else if h := find(p.Doc, selFirstH1); h != nil {
		t.Title = record.Ptr(text(h))
		r.warn("no title bar (div.container.posts div.title-bar h1): title from the first h1")
	} else {
		r.warn("no thread title (div.container.posts div.title-bar h1)")
	}
	if data == nil {
		r.warn("no proboards.data page.thread object: flags, views and creator unknown")
	}
	t.Announcement = dataFlag(data, "is_announcement")
	t.Locked = dataFlag(data, "is_locked")
	t.Sticky = dataFlag(data, "is_sticky")
	if v, ok := dataInt(data, "views"); ok && v >= 0 {
		t.Views = &v
	}
	if b, ok := dataInt(data, "board_id"); ok && b > 0 {
		t.BoardID = &b
	} else if len(nav.boards) > 0 {
		t.BoardID = record.Ptr(nav.boards[len(nav.boards)-1])
	}
	creator, ok := dataInt(data, "created_by")
	switch {
	case ok && creator > 0:
		t.UserID = &creator
	case ok && creator == 0:
		// A guest: the name is on the first post. When the first post is
		// gone (on page 1, where it would be), schema/README.md says
		// "user-guest"; on later pages the name is unknown.
		firstRow := find(p.Doc, selFirstPostRow)
		if fp, ok := dataInt(data, "first_post_id"); ok && firstRow == nil {
			want := "post-" + strconv.FormatInt(fp, 10)
			for _, row := range findAll(p.Doc, selPostRow) {
				if attr(row, "id") == want {
					firstRow = row
					break
				}
			}
		}
		switch {
		case firstRow != nil:
			name := guestCreator
			if g := find(leftPanel(firstRow), selGuestName); g != nil && text(g) != "" {
				name = text(g)
			}
			t.GuestName = &name
		case p.Number() == 1:
			t.GuestName = record.Ptr(guestCreator)
		}
	}
	return t
}

// leftPanel is a post row's author column (td.left-panel, else the mini-profile).
func leftPanel(row *html.Node) *html.Node {
	if lp := find(row, selLeftPanel); lp != nil {
		return lp
	}
	return find(row, selMiniProfile)
}

// postScope is a post's row plus the rows after it up to the next post:
// the foot (edited_by, likes) may be a row of its own.
func postScope(row *html.Node) []*html.Node {
	scope := []*html.Node{row}
	for s := row.NextSibling; s != nil; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if s.Data != "tr" || hasClass(s, "post") || len(scope) > 4 {
			break
		}
		scope = append(scope, s)
	}
	return scope
}

// findIn returns the matches of s in the nodes of scope that are not
// inside a post message (a quote there has its own user links and dates)
// nor inside a copied modal.
func findIn(scope []*html.Node, s cascadia.Matcher) []*html.Node {
	var out []*html.Node
	for _, n := range scope {
		for _, m := range findAll(n, s) {
			if !inMessage(m) && !inModal(m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// inMessage reports whether n is inside a post's div.message.
func inMessage(n *html.Node) bool {
	return ancestor(n, func(a *html.Node) bool { return isElement(a, "div") && hasClass(a, "message") }) != nil
}

// threadPost reads one post row and its likes and images. It reports
// whether the post's likers are behind a "view likes" dialog.
func (p *Page) threadPost(r *Result, row *html.Node, threadID int64, modals map[string][]*html.Node) (needRender bool) {
	m := rePostID.FindStringSubmatch(attr(row, "id"))
	if m == nil {
		return false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || id <= 0 {
		return false
	}
	post := &record.Post{
		Type: record.TypePost, ID: id, ThreadID: &threadID,
		URL: record.Ptr(p.sitePath("/post/" + m[1])),
	}
	if a, ok := p.authorIn(leftPanel(row)); ok {
		post.UserID, post.GuestName, post.StaffName = a.UserID, a.GuestName, a.StaffName
	} else {
		r.warn("post %d has no author (td.left-panel a.user-link, span.user-guest, div.deleted-mini-profile)", id)
	}
	if ms, ok := postDate(row); ok {
		post.Date = &ms
	} else {
		r.warn("post %d has no date (div.content-head span.date abbr[data-timestamp])", id)
	}
	msg := find(row, selMessage)
	if msg != nil {
		post.Message = record.Ptr(innerHTML(msg))
	} else {
		r.warn("post %d has no message (div.message)", id)
	}
	scope := postScope(row)
	if eds := findIn(scope, selEditedBy); len(eds) > 0 {
		ed := eds[0]
		if ms, ok := timestamp(ed); ok {
			post.LastEdited = &ms
		}
		if a, ok := p.authorIn(ed); ok {
			post.EditUserID, post.EditGuestName = a.UserID, a.GuestName
		} else {
			r.warn("post %d: edited_by names no editor (a[href=/user/N], span.user-guest)", id)
		}
	}
	r.add(post)

	// Likes: inline user links, plus the dialog copy on a rendered page.
	var likers []*html.Node
	for _, l := range findIn(scope, selLikes) {
		for _, a := range findAll(l, selLikeUser) {
			if !hasClass(a, "view-likes") {
				likers = append(likers, a)
			}
		}
	}
	needRender = len(findIn(scope, selViewLikes)) > 0
	if p.Rendered() {
		for _, modal := range modals["post-"+m[1]] {
			likers = append(likers, findAll(modal, selModalUser)...)
		}
		// The dialog's own id, wherever the browser put it.
		for _, d := range findAll(p.Doc, selLikesDialog) {
			if attr(d, "id") == "likes-dialog-"+m[1] {
				likers = append(likers, findAll(d, selModalUser)...)
			}
		}
	}
	for _, uid := range p.userIDs(likers) {
		r.add(&record.Like{Type: record.TypeLike, PostID: id, UserID: uid})
	}

	for _, img := range findAll(msg, selImg) {
		// A quote header shows the quoted member's avatar: not the post's image.
		if ancestor(img, func(a *html.Node) bool { return hasClass(a, "quote_avatar_container") }) != nil {
			continue
		}
		if u, ok := p.abs(attr(img, "src")); ok {
			r.add(&record.Image{Type: record.TypeImage, URL: u, Description: record.ImagePost, PostID: record.Ptr(id)})
		}
	}
	return needRender
}

// postDate reads the post's date from its header (div.content-head
// span.date abbr[data-timestamp]), else the first date in the header.
func postDate(row *html.Node) (int64, bool) {
	if d := find(row, selHeadDate); d != nil {
		if ms, ok := timestamp(d); ok {
			return ms, true
		}
	}
	if h := find(row, selHeadInfo); h != nil {
		if ms, ok := timestamp(h); ok {
			return ms, true
		}
	}
	for _, d := range findAll(row, selAnyDate) {
		if ancestor(d, func(a *html.Node) bool { return isElement(a, "div") && hasClass(a, "message") }) != nil {
			continue
		}
		if ms, ok := timestamp(d); ok {
			return ms, true
		}
	}
	return 0, false
}

// threadPoll reads div.poll (question and options) and, on a rendered
// page, the voters. It reports whether the thread is a poll.
func (p *Page) threadPoll(r *Result, threadID int64, data map[string]any) bool {
	isPoll := false
	if f := dataFlag(data, "is_poll"); f != nil && *f {
		isPoll = true
	}
	var box *html.Node
	votes := int64(-1) // the poll's total votes; -1 while unknown
	for _, n := range findAll(p.Doc, selPoll) {
		if !inModal(n) {
			box = n
			break
		}
	}
	if box != nil {
		isPoll = true
		poll := &record.Poll{Type: record.TypePoll, ID: threadID}
		if h := find(box, selPollQuestion); h != nil {
			poll.Name = record.Ptr(text(h))
		} else {
			r.warn("poll has no question (div.poll h3)")
		}
		r.add(poll)
		options := 0
		for _, tr := range findAll(box, selPollAnswer) {
			var oid int64
			for _, c := range classes(tr) {
				if m := reAnswerID.FindStringSubmatch(c); m != nil {
					oid, _ = strconv.ParseInt(m[1], 10, 64)
					break
				}
			}
			if oid <= 0 {
				continue
			}
			options++
			o := &record.PollOption{Type: record.TypePollOption, ID: oid, PollID: threadID}
			if n := find(tr, selAnswerName); n != nil {
				o.Name = record.Ptr(text(n))
			} else if n := find(tr, selAnswerCell); n != nil {
				o.Name = record.Ptr(text(n))
			}
			if v := find(tr, selVotes); v != nil {
				if n, ok := parseCount(text(v)); ok {
					o.Votes = &n
					votes = max(votes, 0) + n
				}
			}
			if o.Name == nil || o.Votes == nil {
				r.warn("poll option %d lacks its text or votes (td.answer div, td.view-votes span.votes)", oid)
			}
			r.add(o)
		}
		if options == 0 {
			r.warn("poll has no options (div.poll tr.answer-N)")
		}
	} else if isPoll && p.Number() == 1 {
		r.warn("proboards.data says is_poll but the page has no div.poll")
	}
	if isPoll && p.Rendered() {
		voters := findAll(p.Doc, selPollVoters)
		// A poll nobody voted in has nobody to list: an empty (or absent)
		// voters dialog is then the answer, not a missing part.
		if len(voters) == 0 && p.Number() == 1 && votes != 0 && find(p.Doc, selPollVotersBox) == nil {
			r.warn("rendered poll page has no voters list (#poll-voters a[data-id])")
		}
		for _, uid := range p.userIDs(voters) {
			r.add(&record.PollVoter{Type: record.TypePollVoter, PollID: threadID, UserID: uid})
		}
	}
	return isPoll
}

// modals returns a rendered page's div.pb-modal copies by their data-for
// (the id of the element whose dialog they hold); nil on a plain page.
func (p *Page) modals() map[string][]*html.Node {
	if !p.Rendered() {
		return nil
	}
	m := map[string][]*html.Node{}
	for _, n := range findAll(p.Doc, selAnyModal) {
		k := strings.TrimSpace(attr(n, "data-for"))
		m[k] = append(m[k], n)
	}
	return m
}
