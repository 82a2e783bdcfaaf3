package fakeforum

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
)

// view renders pages for one request: a generation, the hosts the request
// used, and the logged-in viewer (nil for a guest).
type view struct {
	w      *world
	gen    int
	h      hosts
	viewer *user
	// unlocked holds the protected boards whose password the request carries.
	unlocked map[int64]bool
}

// proboards.data(...) payload. Field order is fixed so pages are byte-stable.
type pbData struct {
	ForumID            int64          `json:"forum_id"`
	Route              pbRoute        `json:"route"`
	Page               map[string]any `json:"page"`
	User               pbUser         `json:"user"`
	IsCurrentUserGuest int            `json:"is_current_user_guest"`
	LoginURL           string         `json:"login_url"`
	DefaultAvatar      string         `json:"default_avatar"`
	ServerDate         int64          `json:"serverDate"`
	TimeStyle          string         `json:"time_style"`
	Timezone           string         `json:"timezone"`
}

type pbRoute struct {
	Name   string         `json:"name"`
	Params map[string]any `json:"params"`
}

type pbUser struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Username     string `json:"username"`
	URL          string `json:"url"`
	IsLoggedIn   int    `json:"is_logged_in"`
	IsStaff      int    `json:"is_staff"`
	Posts        int64  `json:"posts"`
	LastOnline   pbTime `json:"last_online"`
	RegisteredOn pbTime `json:"registered_on"`
}

type pbTime struct {
	UnixTimestamp int64 `json:"unix_timestamp"`
}

// pbThread is page.thread: flat (no nested objects), flags 0/1, times in seconds.
type pbThread struct {
	ID               int64  `json:"id"`
	BoardID          int64  `json:"board_id"`
	CreatedBy        int64  `json:"created_by"`
	CreatedOn        int64  `json:"created_on"`
	FirstPostID      int64  `json:"first_post_id"`
	LastPostID       int64  `json:"last_post_id"`
	LastPostTime     int64  `json:"last_post_time"`
	Posts            int    `json:"posts"`
	Views            any    `json:"views"` // "1,234" or 1234
	Subject          string `json:"subject"`
	SubjectUnescaped string `json:"subject_unescaped"`
	URL              string `json:"url"`
	IsAnnouncement   int    `json:"is_announcement"`
	IsBookmarked     int    `json:"is_bookmarked"`
	IsFalling        int    `json:"is_falling"`
	IsLocked         int    `json:"is_locked"`
	IsMuted          int    `json:"is_muted"`
	IsNew            int    `json:"is_new"`
	IsPoll           int    `json:"is_poll"`
	IsSticky         int    `json:"is_sticky"`
}

// pbBoard is page.board. Thread pages leave out the counts, so that a new
// post elsewhere in the board does not change them.
type pbBoard struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
	URL         string `json:"url"`
	Threads     *int   `json:"threads,omitempty"`
	Posts       *int64 `json:"posts,omitempty"`
	// ShowAnnouncements is 1 on boards that list other boards' announcements on top.
	ShowAnnouncements int    `json:"show_announcements"`
	NameUnescaped     string `json:"name_unescaped"`
}

// pbCategory is page.category; name is HTML-escaped, name_unescaped not (§2.1).
type pbCategory struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	NameUnescaped string `json:"name_unescaped"`
}

type pbMember struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	DisplayGroupID int    `json:"display_group_id"`
	IsDeleted      int    `json:"is_deleted"`
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// layout fills the parts of a page every page shares.
func (v *view) layout(title, menu, route string, params map[string]any, page map[string]any, nav []navItem, main mainTemplate) *pageView {
	if params == nil {
		params = map[string]any{}
	}
	if page == nil {
		page = map[string]any{}
	}
	d := pbData{
		ForumID:            v.w.forumID,
		Route:              pbRoute{Name: route, Params: params},
		Page:               page,
		User:               pbUser{Name: "Guest"},
		IsCurrentUserGuest: 1,
		LoginURL:           fmt.Sprintf("/login?forum=%d", v.w.forumID),
		DefaultAvatar:      "//" + v.h.image + defaultAvatarPath,
		ServerDate:         forumNow / 1000,
		TimeStyle:          "absolute",
		Timezone:           "GMT",
	}
	pv := &pageView{
		Title:   title,
		Forum:   v.w.name,
		ForumID: v.w.forumID,
		Favicon: "//" + v.h.image + faviconPath,
		CSS:     "//" + v.h.forum + "/css/theme.css?v=3",
		Menu:    menu,
		Nav:     append([]navItem{{Href: "/", Name: v.w.name}}, nav...),
		Main:    main.v,
		set:     main.set,
	}
	if u := v.viewer; u != nil {
		uv := v.userRef(u)
		pv.Viewer = &uv
		d.User = pbUser{ID: u.id, Name: u.name, Username: u.username, URL: "/user/" + itoa(u.id),
			IsLoggedIn: 1, Posts: u.postCount, RegisteredOn: pbTime{u.registered / 1000}}
		d.IsCurrentUserGuest = 0
	}
	pv.Nav[len(pv.Nav)-1].Selected = true
	if title != v.w.name {
		pv.Title = title + " | " + v.w.name
	}
	b, err := json.Marshal(d) // escapes <, > and &, so the script cannot be closed early
	if err != nil {
		panic(err)
	}
	pv.Data = template.JS(b)
	return pv
}

// userRef is a member reference for user links.
func (v *view) userRef(u *user) userView {
	return userView{Kind: "user", ID: u.id, Name: u.name, Username: u.username, Group: u.group,
		Posts: formatCount(u.postCount), Likes: formatCount(u.postCount * 3 / 7), Avatar: u.avatarSrc(v.h)}
}

// authorView is a reference to an author of any kind.
func (v *view) authorView(a author) userView {
	switch a.kind {
	case byUser:
		return v.userRef(v.w.user(a.id))
	case byGuest:
		return userView{Kind: "guest", Name: a.name}
	case byDeleted:
		return userView{Kind: "deleted"}
	case byStaff:
		return userView{Kind: "staff", Name: a.name, Href: staffURL}
	}
	return userView{Kind: "gone"}
}

// ---- home ----

type homeView struct {
	Categories              []categoryView
	Members, Threads, Posts string
	Newest                  userView
	Online                  []userView
	Shouts                  []shoutView
	Smileys                 []smileyView
}

type categoryView struct {
	ID     int64
	Name   string
	Boards []boardRow
}

type boardRow struct {
	ID                     int64
	Redirect               bool // a redirect board: main cell spans the counts, no latest
	Name, Href, Desc, Mods string
	Subs                   []navItem
	Threads, Posts         string
	Latest                 *latestView
}

type latestView struct {
	Href, Title string
	By          userView
	Date        int64
}

type shoutView struct {
	ID      int64
	By      userView
	Date    int64
	Message string
}

type smileyView struct{ Src, Code string }

func (v *view) boardRow(b *board) boardRow {
	row := boardRow{ID: b.id, Name: b.name, Href: b.path(), Desc: b.desc,
		Threads: formatCount(int64(len(b.threads[v.gen]))), Posts: formatCount(b.nPosts[v.gen])}
	if b.redirect != "" {
		return boardRow{ID: b.id, Name: b.name, Href: b.redirect, Desc: b.desc, Redirect: true}
	}
	var mods []string
	for _, id := range b.moderators {
		mods = append(mods, v.w.user(id).name)
	}
	row.Mods = strings.Join(mods, ", ")
	for _, c := range b.children {
		row.Subs = append(row.Subs, navItem{Href: c.path(), Name: c.name})
	}
	if t := b.latest[v.gen]; t != nil && b.reachable() {
		id, date := v.w.lastPost(t, v.gen)
		n := v.w.postCount(t, v.gen)
		href := t.path()
		if p := pages(n, postsPerPage); p > 1 {
			href += fmt.Sprintf("?page=%d", p)
		}
		row.Latest = &latestView{Href: href, Title: t.title, By: v.authorView(v.w.postAuthor(t, id)), Date: date}
	}
	return row
}

func (b *board) path() string  { return fmt.Sprintf("/board/%d/%s", b.id, b.slug) }
func (t *thread) path() string { return fmt.Sprintf("/thread/%d/%s", t.id, t.slug) }

func (v *view) home() *pageView {
	w := v.w
	hv := &homeView{Newest: v.userRef(w.users[len(w.users)-1])}
	var threads, posts int64
	for _, b := range w.boards {
		threads += int64(len(b.threads[v.gen]))
		posts += b.nPosts[v.gen]
	}
	hv.Members, hv.Threads, hv.Posts = formatCount(int64(len(w.users))), formatCount(threads), formatCount(posts)
	for _, c := range w.categories {
		cv := categoryView{ID: c.id, Name: c.name}
		for _, b := range c.boards {
			cv.Boards = append(cv.Boards, v.boardRow(b))
		}
		hv.Categories = append(hv.Categories, cv)
	}
	for _, u := range w.users {
		if u.online && len(hv.Online) < 50 {
			hv.Online = append(hv.Online, v.userRef(u))
		}
	}
	for _, s := range w.shouts {
		hv.Shouts = append(hv.Shouts, shoutView{ID: s.id, By: v.authorView(s.author), Date: s.date, Message: s.message})
	}
	for _, s := range smileys {
		hv.Smileys = append(hv.Smileys, smileyView{Src: s.src(v.h, v.w.odd), Code: s.code})
	}
	return v.layout(w.name, "home", "home", nil, nil, nil, mainTemplate{"home", hv})
}

// ---- boards ----

type boardView struct {
	ID               int64
	Name, Slug, Desc string
	Subs             []boardRow
	HasMods          bool
	Pages            []pageItem
	Threads          []threadRow
	Stats            bool
	NThreads, NPosts string
	// Error is the message above a password form after a wrong password.
	Error string
}

type threadRow struct {
	ID                 int64
	Class, Href, Title string
	Micro              []pageItem
	Locked             bool
	By                 userView
	Replies, Views     string
	LastDate           int64
	LastBy             userView
}

// boardNav is the nav tree down to board b.
func (v *view) boardNav(b *board) []navItem {
	nav := []navItem{{Href: fmt.Sprintf("/#category-%d", b.cat.id), Name: b.cat.name}}
	for _, a := range b.ancestors() {
		nav = append(nav, navItem{Href: a.path(), Name: a.name})
	}
	return append(nav, navItem{Href: b.path(), Name: b.name})
}

func (v *view) boardData(b *board, counts bool) map[string]any {
	pb := pbBoard{ID: b.id, Name: template.HTMLEscapeString(b.name), DisplayName: b.name, Description: b.desc, URL: b.path(),
		ShowAnnouncements: flag(b.showAnnouncements), NameUnescaped: b.name}
	if counts {
		n, p := len(b.threads[v.gen]), b.nPosts[v.gen]
		pb.Threads, pb.Posts = &n, &p
	}
	return map[string]any{"board": pb, "category": pbCategory{ID: b.cat.id, Name: template.HTMLEscapeString(b.cat.name), NameUnescaped: b.cat.name}}
}

// board renders page p of board b; ok is false when there is no such page.
func (v *view) board(b *board, p int) (*pageView, bool) {
	params := map[string]any{"board_id": b.id, "page": p}
	if !v.reaches(b) {
		bv := &boardView{ID: b.id, Name: b.name, Slug: b.slug}
		return v.layout(b.name, "", "board", params, v.boardData(b, true), v.boardNav(b), mainTemplate{"password", bv}), true
	}
	ts := b.threads[v.gen]
	last := pages(len(ts), threadsPerPage)
	if p < 1 || p > last {
		return nil, false
	}
	bv := &boardView{ID: b.id, Name: b.name, Slug: b.slug, Desc: b.desc, HasMods: len(b.moderators) > 0,
		Pages: pagination(p, last, v.pageBase(b.path(), b == v.w.special.bigBoard)), Stats: !b.noStats,
		NThreads: formatCount(int64(len(ts))), NPosts: formatCount(b.nPosts[v.gen])}
	for _, c := range b.children {
		bv.Subs = append(bv.Subs, v.boardRow(c))
	}
	lo, hi := (p-1)*threadsPerPage, min(p*threadsPerPage, len(ts))
	if b.showAnnouncements && p == 1 {
		// The announcements of another board, listed on top (§9).
		var ann []*thread
		for _, t := range v.w.boards[0].threads[v.gen] {
			if t.announcement && t.board != b {
				ann = append(ann, t)
			}
		}
		for i, t := range ann {
			row := v.threadRow(t)
			row.Class += " announcement"
			if i == len(ann)-1 {
				row.Class += " last"
			}
			bv.Threads = append(bv.Threads, row)
		}
	}
	for i, t := range ts[lo:hi] {
		row := v.threadRow(t)
		if t.announcement {
			row.Class += " announcement"
			if lo+i+1 == len(ts) || !ts[lo+i+1].announcement {
				row.Class += " last"
			}
		} else if t.sticky {
			row.Class += " sticky"
		}
		bv.Threads = append(bv.Threads, row)
	}
	pv := v.layout(b.name, "", "board", params, v.boardData(b, true), v.boardNav(b), mainTemplate{"board", bv})
	pv.Modals = bv.HasMods
	return pv, true
}

// threadRow is the row of thread t in a board's list.
func (v *view) threadRow(t *thread) threadRow {
	n := v.w.postCount(t, v.gen)
	lastID, lastDate := v.w.lastPost(t, v.gen)
	row := threadRow{ID: t.id, Class: "item thread", Href: t.path(), Title: t.title, Locked: t.locked,
		By: v.authorView(t.creator), Replies: formatCount(int64(n - 1)), Views: formatCount(t.views),
		LastDate: lastDate, LastBy: v.authorView(v.w.postAuthor(t, lastID))}
	if np := pages(n, postsPerPage); np > 1 {
		for k := 1; k <= np && k <= 4; k++ {
			row.Micro = append(row.Micro, pageItem{Href: fmt.Sprintf("%s?page=%d", t.path(), k), Text: fmt.Sprint(k)})
		}
		if np > 4 {
			row.Micro = append(row.Micro, pageItem{Href: fmt.Sprintf("%s?page=%d", t.path(), np), Text: fmt.Sprint(np)})
		}
	}
	return row
}

// pageBase is the path page links start with: path itself, or "" (the odd
// query-only form) when OddForms is on and the page is one of its few.
func (v *view) pageBase(path string, oddPage bool) string {
	if v.w.odd && oddPage {
		return ""
	}
	return path
}

// mainTemplate is a page body: the template set (templates/SET.html) and its data.
type mainTemplate struct {
	set string
	v   any
}

// ---- threads ----

type threadView struct {
	Title string
	Pages []pageItem
	Poll  *pollView
	Posts []postView
}

type pollView struct {
	Question string
	Options  []optionView
	Total    int64
	ThreadID int64
}

type optionView struct {
	ID        int64
	Name      string
	Votes     int64
	Rank, Pct int
}

type postView struct {
	ID         int64
	N          int
	Class      string
	Author     userView
	CustomMini bool // the admin-customised mini-profile template
	Date       int64
	Message    template.HTML
	Likes      *likesView
	Editor     *userView
	Edited     int64
	Signature  template.HTML
}

type likesView struct {
	Many  bool
	Post  int64
	Count int
	Users []likeUser
	Verb  string
}

type likeUser struct {
	Sep  string
	User userView
}

func (v *view) threadData(t *thread) pbThread {
	w := v.w
	lastID, lastDate := w.lastPost(t, v.gen)
	d := pbThread{ID: t.id, BoardID: t.board.id, CreatedOn: t.start / 1000, FirstPostID: t.firstShown(),
		LastPostID: lastID, LastPostTime: lastDate / 1000, Posts: w.postCount(t, v.gen),
		Subject: template.HTMLEscapeString(t.title), SubjectUnescaped: t.title, URL: t.path(),
		IsAnnouncement: flag(t.announcement), IsLocked: flag(t.locked), IsPoll: flag(t.poll != nil),
		IsSticky: flag(t.sticky)}
	if t.creator.kind == byUser {
		d.CreatedBy = t.creator.id
	}
	if t.odd {
		d.Views = t.views
	} else {
		d.Views = formatCount(t.views)
	}
	return d
}

// thread renders page p of thread t; ok is false when there is no such page.
func (v *view) thread(t *thread, p int) (*pageView, bool) {
	w := v.w
	ids := w.postIDs(t, v.gen)
	last := pages(len(ids), postsPerPage)
	if p < 1 || p > last {
		return nil, false
	}
	tv := &threadView{Title: t.title, Pages: pagination(p, last, v.pageBase(t.path(), t.odd))}
	if t.poll != nil && p == 1 {
		pv := &pollView{Question: t.poll.question, ThreadID: t.id, Total: int64(len(t.poll.voters))}
		for _, o := range t.poll.options {
			ov := optionView{ID: o.id, Name: o.name, Votes: o.votes, Rank: 3}
			if pv.Total > 0 {
				ov.Pct = int(100 * o.votes / pv.Total)
			}
			pv.Options = append(pv.Options, ov)
		}
		tv.Poll = pv
	}
	lo, hi := (p-1)*postsPerPage, min(p*postsPerPage, len(ids))
	for i, id := range ids[lo:hi] {
		tv.Posts = append(tv.Posts, v.postView(t, id, lo+i, i))
	}
	params := map[string]any{"thread_id": t.id, "page": p}
	page := v.boardData(t.board, false)
	page["thread"] = v.threadData(t)
	// The last breadcrumb is the thread's a.thread-link.thread-N (§2), which
	// live-tested scrapers take the thread id from; OddForms leaves it out on odd threads.
	crumb := navItem{Href: t.path(), Name: t.title}
	if !t.odd {
		crumb.Class = fmt.Sprintf("thread-link thread-%d", t.id)
	}
	nav := append(v.boardNav(t.board), crumb)
	pv := v.layout(t.title, "", "thread", params, page, nav, mainTemplate{"thread", tv})
	pv.Modals = t.poll != nil && p == 1
	for _, post := range tv.Posts {
		if post.Likes != nil && post.Likes.Many {
			pv.Modals = true
		}
	}
	return pv, true
}

func (v *view) postView(t *thread, id int64, index, row int) postView {
	p := v.w.genPost(t, id, v.gen, v.h)
	pv := postView{ID: id, N: index + 1, Class: "item post", Author: v.authorView(p.author), Date: p.date,
		Message: template.HTML(p.message), CustomMini: id%7 == 3}
	if id == t.firstShown() {
		pv.Class += " first"
	}
	if row%2 == 1 {
		pv.Class += " even"
	}
	if p.editor != nil {
		ev := v.authorView(*p.editor)
		pv.Editor, pv.Edited = &ev, p.edited
	}
	if p.author.kind == byUser {
		pv.Signature = template.HTML(v.w.user(p.author.id).signature)
	}
	if n := len(p.likers); n > 3 {
		pv.Likes = &likesView{Many: true, Post: id, Count: n}
	} else if n > 0 {
		lv := &likesView{Verb: "like"}
		if n == 1 {
			lv.Verb = "likes"
		}
		for i, uid := range p.likers {
			sep := ""
			switch {
			case i > 0 && i == n-1:
				sep = " and "
			case i > 0:
				sep = ", "
			}
			lv.Users = append(lv.Users, likeUser{Sep: sep, User: v.userRef(v.w.user(uid))})
		}
		pv.Likes = lv
	}
	return pv
}

// ---- members and profiles ----

type membersView struct {
	Pages   []pageItem
	Members []memberRow
}

type memberRow struct {
	ID                     int64
	Name, Username, Group  string
	Posts                  string
	Registered, LastOnline int64
	Online                 bool
}

func (v *view) members(p int) (*pageView, bool) {
	us := v.w.users
	last := pages(len(us), membersPerPage)
	if p < 1 || p > last {
		return nil, false
	}
	mv := &membersView{Pages: pagination(p, last, v.pageBase("/members", true))}
	for _, u := range us[(p-1)*membersPerPage : min(p*membersPerPage, len(us))] {
		mv.Members = append(mv.Members, memberRow{ID: u.id, Name: u.name, Username: u.username, Group: u.group,
			Posts: formatCount(u.postCount), Registered: u.registered, LastOnline: u.lastOnline, Online: u.online})
	}
	nav := []navItem{{Href: "/members", Name: "Members"}}
	return v.layout("Members", "members", "members", map[string]any{"page": p}, nil, nav, mainTemplate{"members", mv}), true
}

type profileView struct {
	ID                    int64
	Name, Username, Group string
	Avatar                string
	Online                bool
	LastOnline            int64
	Own                   bool
	Badges                []string
	Fields                []profileField
	Signature             template.HTML
	Messengers            []messengerView
}

type profileField struct {
	Label string
	Value template.HTML
	Class string // custom fields: custom-field-NAME
}

type messengerView struct{ Label, Handle string }

func (v *view) profile(u *user) *pageView {
	pv := &profileView{ID: u.id, Name: u.name, Username: u.username, Group: u.group, Avatar: u.avatarSrc(v.h),
		Online: u.online, LastOnline: u.lastOnline, Own: v.viewer == u, Badges: u.badges,
		Signature: template.HTML(u.signature)}
	esc := template.HTMLEscapeString
	add := func(label, value string) {
		pv.Fields = append(pv.Fields, profileField{Label: label, Value: template.HTML(value)})
	}
	if u.age > 0 {
		add("Age", fmt.Sprint(u.age))
	}
	if u.gender != "" {
		add("Gender", esc(u.gender))
	}
	if u.location != "" {
		add("Location", esc(u.location))
	}
	if u.birthday != "" {
		add("Birthday", esc(u.birthday))
	}
	add("Date Registered", fmt.Sprintf(`<abbr class="o-timestamp time" data-timestamp="%d" title="%s">%s</abbr>`,
		u.registered, titleDate(u.registered), shortDate(u.registered)))
	if u.status != "" {
		add("Latest Status", "<span>"+esc(u.status)+"</span>")
	}
	if u.email != "" {
		add("Email", esc(u.email))
	}
	if u.website != "" {
		add("Web Site", fmt.Sprintf(`<a href="%s" target="_blank" rel="nofollow">%s</a>`, esc(u.websiteURL), esc(u.website)))
	}
	add("Posts", formatCount(u.postCount))
	for _, c := range u.customFields {
		pv.Fields = append(pv.Fields, profileField{Label: c.name, Value: template.HTML(esc(c.value)), Class: customFieldClass(c.name)})
	}
	for _, m := range u.messengers {
		pv.Messengers = append(pv.Messengers, messengerView{m.label, m.handle})
	}
	nav := []navItem{{Href: "/members", Name: "Members"}, {Href: "/user/" + itoa(u.id), Name: u.name}}
	page := map[string]any{"member": pbMember{ID: u.id, Name: u.name, URL: "/user/" + itoa(u.id), DisplayGroupID: 1}}
	return v.layout(u.name, "members", "user", map[string]any{"user_id": u.id}, page, nav, mainTemplate{"profile", pv})
}

// ---- errors ----

type errorView struct{ Title, Message string }

// missingMember is the 404 page of /user/N for a member that does not exist.
func (v *view) missingMember(id int64) *pageView {
	ev := &errorView{"Member not found", "The member you are looking for does not exist."}
	return v.layout(ev.Title, "members", "user", map[string]any{"user_id": id},
		map[string]any{"member": pbMember{}}, nil, mainTemplate{"error", ev})
}

// errorPage is a page with an error box (404s and the like).
func (v *view) errorPage(title, message string, page map[string]any) *pageView {
	return v.layout(title, "", "error", nil, page, nil, mainTemplate{"error", &errorView{title, message}})
}
