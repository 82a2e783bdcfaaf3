package fakeforum

import (
	"html/template"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// The pieces every page repeats many times (user links, timestamps,
// pagination, and the rows of boards, threads, posts and members) are
// written here in Go rather than in templates/: html/template escapes each
// action through reflection, which made a 30-post thread page cost ~2 ms.
// Templates call these through the functions of templateFuncs.

// hw builds HTML: raw markup with s, escaped text with text.
type hw struct{ strings.Builder }

func (b *hw) s(parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

func (b *hw) text(s string) { b.WriteString(html.EscapeString(s)) }

func (b *hw) int(n int64) { b.WriteString(strconv.FormatInt(n, 10)) }

func (b *hw) html() template.HTML { return template.HTML(b.String()) }

// userLink writes a member's link (§4), with the class of the member's group.
func (b *hw) userLink(u userView) {
	id := strconv.FormatInt(u.ID, 10)
	b.s(`<a class="o-user-link js-user-link user-link user-`, id)
	if g := groupID(u.Group); g > 0 {
		b.s(` group-`, strconv.Itoa(g))
	}
	b.s(`" data-id="`, id, `" title="@`)
	b.text(u.Username)
	b.s(`" href="/user/`, id, `">`)
	b.text(u.Name)
	b.s(`</a>`)
}

// author writes a reference to an author of any kind.
func (b *hw) author(u userView) {
	switch u.Kind {
	case "user":
		b.userLink(u)
	case "guest":
		b.s(`<span class="user-guest">`)
		b.text(u.Name)
		b.s(`</span>`)
	case "staff":
		b.s(`<a class="o-user-link js-user-link user-link" title="@ProBoards" href="`)
		b.text(u.Href)
		b.s(`">`)
		b.text(u.Name)
		b.s(`</a>`)
	case "deleted":
		b.s(`<span class="user-deleted">Deleted Member</span>`)
	default:
		b.s(`Guest`)
	}
}

// ts writes a timestamp (§3). class is "o-timestamp time" except in the
// members list. A date on the day of forumNow or the day before is a
// recent_time whose text is relative ("Yesterday at 4:20pm"); data-timestamp
// stays absolute.
func (b *hw) ts(ms int64, class string) {
	text, recent := relativeDate(ms)
	if recent {
		class += " recent_time"
	}
	b.s(`<abbr class="`, class, `" data-timestamp="`)
	b.int(ms)
	b.s(`" title="`, titleDate(ms), `">`, text, `</abbr>`)
}

// pagination writes a ul.ui-pagination (§5).
func (b *hw) pagination(items []pageItem) {
	b.s(`<ul class="ui-pagination">`)
	for _, it := range items {
		b.s(`<li class="`, it.Class, `">`)
		switch {
		case it.Href != "":
			b.s(`<a href="`, it.Href, `"`)
			if it.Rel != "" {
				b.s(` rel="`, it.Rel, `"`)
			}
			b.s(`>`, it.Text, `</a>`)
		case it.Gap:
			b.s(`<div>…</div>`)
		default:
			b.s(`<a>`, it.Text, `</a>`)
		}
		b.s(`</li>`)
	}
	b.s(`</ul>`)
}

// boardRow writes a tr.o-board.board.item (§6).
func (b *hw) boardRow(r boardRow) {
	id := strconv.FormatInt(r.ID, 10)
	b.s(`<tr class="o-board board item" id="board-`, id, `">`+"\n")
	b.s(`<td class="icon"><div class="icon_wrapper"><span class="board-icon"></span></div></td>` + "\n")
	if r.Redirect {
		// A redirect board's main cell ends the row: no counts, no latest (§6).
		b.s(`<td class="main clickable redirect" colspan="3"><span class="link"><a class="board-`, id, `" href="`)
		b.text(r.Href)
		b.s(`">`)
	} else {
		b.s(`<td class="main clickable"><span class="link"><a class="board-`, id, `" href="`, r.Href, `">`)
	}
	b.text(r.Name)
	b.s("</a></span>\n")
	if r.Desc != "" {
		b.s(`<div class="description">`)
		b.text(r.Desc)
		b.s("</div>\n")
	}
	if r.Mods != "" {
		b.s(`<div class="moderators">Moderators: `)
		b.text(r.Mods)
		b.s("</div>\n")
	}
	if len(r.Subs) > 0 {
		b.s(`<div class="sub-boards">Sub-boards: `)
		for i, s := range r.Subs {
			if i > 0 {
				b.s(", ")
			}
			b.s(`<a href="`, s.Href, `">`)
			b.text(s.Name)
			b.s(`</a>`)
		}
		b.s("</div>\n")
	}
	if r.Redirect {
		b.s("</td>\n</tr>\n")
		return
	}
	b.s("</td>\n", `<td class="threads">`, r.Threads, "</td>\n", `<td class="posts">`, r.Posts, "</td>\n", `<td class="latest">`)
	if l := r.Latest; l != nil {
		b.s(`<a href="`, l.Href, `">`)
		b.text(l.Title)
		b.s(`</a> by `)
		b.author(l.By)
		b.s(`<br>`)
		b.ts(l.Date, "o-timestamp time")
	}
	b.s("</td>\n</tr>\n")
}

// threadRow writes a tr.item.thread of a board's list (§9).
func (b *hw) threadRow(r threadRow) {
	id := strconv.FormatInt(r.ID, 10)
	b.s(`<tr class="`, r.Class, `" id="thread-`, id, `">`+"\n")
	b.s(`<td class="icon"><span class="thread-icon"></span></td>` + "\n")
	b.s(`<td class="main clickable"><span class="link target"><a class="thread-link thread-`, id, `" href="`, r.Href, `">`)
	b.text(r.Title)
	b.s(`</a></span>`)
	if len(r.Micro) > 0 {
		b.s(` <span class="ui-micro-pagination">`)
		for _, m := range r.Micro {
			b.s(`<a href="`, m.Href, `">`, m.Text, `</a> `)
		}
		b.s(`</span>`)
	}
	if r.Locked {
		b.s(`<div class="control-icons"><span class="lock_icon" title="Locked"></span></div>`)
	}
	b.s("</td>\n", `<td class="created-by">`)
	b.author(r.By)
	b.s("</td>\n", `<td class="replies">`, r.Replies, "</td>\n", `<td class="views">`, r.Views, "</td>\n")
	b.s(`<td class="latest"><span class="date">`)
	b.ts(r.LastDate, "o-timestamp time")
	b.s(`</span> by `)
	b.author(r.LastBy)
	b.s("</td>\n</tr>\n")
}

// miniProfile writes a post's left panel content (§10). custom is the
// admin-edited template: links and stats before and after the author.
func (b *hw) miniProfile(u userView, custom bool) {
	switch u.Kind {
	case "deleted":
		b.s(`<div class="deleted-mini-profile"><div class="info">Deleted Member</div></div>`)
	case "user":
		id := strconv.FormatInt(u.ID, 10)
		b.s(`<div class="mini-profile">` + "\n")
		if custom {
			b.s(`<div class="custom-mini-links"><a href="/user/`, id, `/recent_posts">Posts</a> · <a href="/members">Members</a> · <a href="/conversation/new/`, id, `">Message</a></div>`+"\n",
				`<span class="post-count-like-ratio" data-user-like-count="`, u.Likes, `" data-user-post-count="`, u.Posts, `">Likes: `, u.Likes, `</span>`+"\n")
		}
		b.s(`<div class="avatar"><div class="avatar-wrapper avatar_size_default avatar-`, id, `"><img src="`)
		b.text(u.Avatar)
		b.s(`" alt="`)
		b.text(u.Name)
		b.s(`" width="64" height="64"></div></div>`+"\n", `<span itemscope itemtype="http://schema.org/Person">`)
		b.userLink(u)
		b.s("</span>\n", `<div class="info">`)
		b.text(u.Group)
		b.s(`<br>Posts: `, u.Posts, "<br></div>\n")
		if custom {
			b.s(`<div class="custom-mini-stats">Likes received: `, u.Likes, `<br><a href="/user/`, id, `">View profile</a></div>`+"\n")
		}
		b.s("</div>")
	case "guest":
		b.s(`<div class="mini-profile guest">`+"\n", `<span class="user-guest">`)
		b.text(u.Name)
		b.s("</span>\n", `<div class="info">Guest</div>`+"\n</div>")
	default: // staff
		b.s(`<div class="mini-profile staff">` + "\n")
		b.author(u)
		b.s("\n", `<div class="info">ProBoards Staff</div>`+"\n</div>")
	}
}

// postRow writes a tr.item.post (§10): one cell holding the post's layout
// table, a row with td.left-panel and td.content and a row with td.foot.
// The inner rows have no class "item" (forum-dl expects every tr.item to be
// a post). Likes sit in the header's div.info, beside the date.
func (b *hw) postRow(p postView) {
	id := strconv.FormatInt(p.ID, 10)
	b.s(`<tr class="`, p.Class, `" id="post-`, id, `">`+"\n", `<td><table class="post-layout"><tbody>`+"\n", `<tr><td class="left-panel">`)
	b.miniProfile(p.Author, p.CustomMini)
	b.s("</td>\n", `<td class="content">`+"\n", `<div class="content-head"><div class="info"><span class="date">`)
	b.ts(p.Date, "o-timestamp time")
	b.s(`</span> <a class="permalink" href="/post/`, id, `">#`, strconv.Itoa(p.N), "</a>")
	if l := p.Likes; l != nil {
		b.s(` <span class="likes">`)
		if l.Many {
			b.s(`<a href="javascript:void(0)" class="view-likes" data-post="`, id, `">`, strconv.Itoa(l.Count), ` people</a> like this.`)
		} else {
			for _, u := range l.Users {
				b.s(u.Sep)
				b.userLink(u.User)
			}
			b.s(" ", l.Verb, " this.")
		}
		b.s("</span>")
	}
	b.s("</div>\n")
	b.s(`<div class="controls"><a class="likes-button" href="javascript:void(0)">Like</a> <a class="quote-button" href="/post/quote/`, id, `">Quote</a></div></div>`+"\n")
	b.s(`<article><div class="message">`, string(p.Message), "</div></article>\n")
	b.s("</td></tr>\n", `<tr><td class="foot" colspan="2">`)
	if p.Editor != nil {
		b.s(`<div class="edited_by">Last Edit: `)
		b.ts(p.Edited, "o-timestamp time")
		b.s(` by `)
		b.author(*p.Editor)
		b.s(`</div>`)
	}
	if p.Signature != "" {
		b.s(`<div class="signature">`, string(p.Signature), `</div>`)
	}
	b.s("</td></tr>\n</tbody></table></td>\n</tr>\n")
}

// memberRow writes a tr.member of the members list (§7).
func (b *hw) memberRow(m memberRow) {
	id := strconv.FormatInt(m.ID, 10)
	b.s(`<tr class="member" id="member-`, id, `">`+"\n", `<td class="name">`)
	b.userLink(userView{ID: m.ID, Name: m.Name, Username: m.Username, Group: m.Group})
	b.s("</td>\n", `<td class="group">`)
	b.text(m.Group)
	b.s("</td>\n", `<td class="posts">`, m.Posts, "</td>\n", `<td class="date-registered">`)
	b.ts(m.Registered, "o-timestamp timestamp")
	b.s("</td>\n", `<td class="last-online">`)
	if m.Online {
		b.s("Online now")
	} else {
		b.ts(m.LastOnline, "o-timestamp timestamp")
	}
	b.s("</td>\n</tr>\n")
}

// Template functions over the writers above.

func userLinkHTML(u userView) template.HTML {
	var b hw
	b.userLink(u)
	return b.html()
}

func authorHTML(u userView) template.HTML {
	var b hw
	b.author(u)
	return b.html()
}

func tsHTML(ms int64) template.HTML {
	var b hw
	b.ts(ms, "o-timestamp time")
	return b.html()
}

func paginationHTML(items []pageItem) template.HTML {
	var b hw
	b.pagination(items)
	return b.html()
}

func boardRowsHTML(rows []boardRow) template.HTML {
	var b hw
	for _, r := range rows {
		b.boardRow(r)
	}
	return b.html()
}

func threadRowsHTML(rows []threadRow) template.HTML {
	var b hw
	b.Grow(len(rows) * 1200)
	for _, r := range rows {
		b.threadRow(r)
	}
	return b.html()
}

func postRowsHTML(rows []postView) template.HTML {
	var b hw
	b.Grow(len(rows) * 2500)
	for _, r := range rows {
		b.postRow(r)
	}
	return b.html()
}

func memberRowsHTML(rows []memberRow) template.HTML {
	var b hw
	for _, r := range rows {
		b.memberRow(r)
	}
	return b.html()
}
