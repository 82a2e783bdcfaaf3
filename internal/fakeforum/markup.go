package fakeforum

// Markup contract: what the fake forum's pages look like, for parser authors.
//
// It follows docs/proboards-markup.md (cited as §N). Where that spec
// leaves a choice, the choice made here is written down below. Page frames
// are in templates/*.html and the repeated rows in rows.go; this comment is
// the summary.
//
// Every HTML page (layout.html)
//
//   - <head>: <link rel="icon" href="//IMAGEHOST/favicon.ico"> (protocol-relative,
//     on the image host) and <link rel="stylesheet" id="forum_style"
//     href="//FORUMHOST/css/theme.css?v=3"> (protocol-relative). The first
//     <script> defines a stub `proboards` object so browsers run the page.
//   - header: #banner > a#logo; #welcome ("Hey, Guest!" or "Welcome back, <user link>.")
//     containing #login_area, whose 2nd <a> is the login link /login?forum=ID
//     (logged in: Profile and /logout); #navigation-menu > ul > li > a with
//     Home, Search (/search), Members (/members), Recent Threads (/threads/recent);
//     the current one has class state-active.
//   - nav tree: #navigation-tree.nav-tree-wrapper > ul#nav-tree > li.nav-tree-branch
//     > a[itemprop=item] > span. Items: home (/), then on board and thread
//     pages the category (/#category-N), the ancestors of the board
//     (/board/N/slug), the board, and on thread pages the thread. The last
//     item has class state-selected. Members list: home, Members; profile:
//     home, Members, the member.
//   - near the end of <body>, a <script> whose whole text is one line
//     `proboards.data({...});` (JSON; keys forum_id, route{name,params},
//     page{...}, user{...}, is_current_user_guest, login_url, default_avatar,
//     serverDate, ...). page.thread is a flat object (no nested braces) with
//     0/1 flags, created_by 0 for guests, created_on/last_post_time in
//     seconds, and views a string with thousands separators ("56",
//     "12,345") (OddForms: a JSON number on the odd threads). subject is
//     HTML-escaped ("Tom &amp; Jerry"), subject_unescaped is not. Route
//     names: home, board, thread, members, user, login, error (other 404s).
//     page.board {id,name (escaped),display_name,description,url,
//     show_announcements,name_unescaped} (+ threads, posts on board pages
//     only), page.category {id,name (escaped),name_unescaped},
//     page.member {id,name,url,display_group_id,is_deleted} (id 0 on the 404
//     page of a missing member).
//   - Timestamps: <abbr class="o-timestamp time" data-timestamp="MS"
//     title="Mar 8, 2026 0:00:00 GMT">Mar 8, 2026 0:00</abbr>, milliseconds.
//     The members list uses class "o-timestamp timestamp" instead. A date on
//     the day of forumNow or the day before (the shoutbox) also has class
//     recent_time and relative text, "Yesterday at 4:20pm" or "Today at
//     …"; its data-timestamp stays absolute.
//   - Pagination (top and bottom of board, thread and members pages, so
//     twice per page): ul.ui-pagination > li; li.prev, li.next,
//     numbered li.page (the current one li.page.state-selected with an <a>
//     without href), li.gap > div "…" between windows (long page lists have
//     gaps). Shown numbers: 1, the last page, and the page either side of
//     the current one. hrefs are root-relative paths with the query,
//     "/board/N/slug?page=N", "/thread/N/slug?page=N", "/members?page=N"
//     (page 1 is "?page=1" too); OddForms makes them query-only "?page=N" on
//     the members list, the big board and the odd threads. On the first page
//     li.prev.state-disabled and on the last page li.next.state-disabled
//     hold an <a> WITHOUT href. A single-page list still has the ul.
//
// User references (§4), everywhere (posts, lists, modals, shoutbox):
//
//   - member: <a class="o-user-link js-user-link user-link user-N group-G" data-id="N"
//     title="@username" href="/user/N">Display Name</a>; group-G is the id of
//     the member's group (groupID)
//   - guest: <span class="user-guest">Name</span>
//   - deleted member: in a post's left panel the mini-profile is
//     div.deleted-mini-profile (no name, no id); elsewhere span.user-deleted.
//     Deleted members only ever write replies: they create no thread and edit nothing.
//   - ProBoards staff: <a class="o-user-link js-user-link user-link" title="@ProBoards"
//     href="http://support.proboards.com/user/2">Patrick (ProBoards Staff)</a>, with
//     no data-id and no user-N class. Staff only write replies.
//
// Home page `/` (home.html): for each category, `<a name="category-N"></a>`,
// a newline, then div.container.boards > div.title-bar > div.title_wrapper
// (the category name) and a table whose tbody has one board row per
// top-level board:
//
//	tr.o-board.board.item#board-N (exactly those three classes)
//	  td.main.clickable > span.link > a.board-N[href=/board/N/slug] (name)
//	  div.description   (absent when the board has none)
//	  div.moderators    "Moderators: Name, Name" (text only, no links)
//	  div.sub-boards    "Sub-boards: " + <a href="/board/M/slug"> (no class) per direct child
//	  td.threads, td.posts (counts with commas), td.latest (thread link, author, abbr)
//
// Then div.container.stats (info center: totals, newest member, members
// online), then the shoutbox: div.container.shoutbox > div.content >
// div.shoutbox_container.orientation-top > div.shoutbox_messages >
// div.shoutbox-post.shoutbox-post-ID, each with span.details (a user link or
// span.user-guest, then span.date > abbr) and span.message (plain text; the
// record's message is its text). The form.shoutbox_post_form holds the
// static smiley menu ul.smiley-menu > li > img[src][title=":)"] (srcs are
// protocol-relative on the image host; OddForms makes ":D" relative to the
// forum).
//
// Board page `/board/N/slug?page=K` (board.html), in this order:
//
//   - sub-boards, when there are: div.container.boards with the same rows as
//     the home page (title-bar h2 "Sub-boards", no category anchor);
//   - div.container.threads > div.title-bar > h1 (the board name; the first
//     h1 of the page) and, when the board has moderators,
//     ul.controls a#moderators-link[data-board=N] (JavaScript: see Modals);
//     div.control-bar with the pagination and a "Create Thread" link
//     (/thread/new/N, a write URL); the table's tbody rows are
//     tr.item.thread#thread-N (+ "announcement", + "last" on the last
//     announcement, "sticky"; the first page of "Miscellany", whose
//     page.board.show_announcements is 1, starts with board 1's
//     announcements, listed atop it) with td.main.clickable > span.link.target >
//     a.thread-link.thread-N[href=/thread/N/slug], an optional
//     span.ui-micro-pagination of ?page links, div.control-icons >
//     span.lock_icon when locked; td.created-by (author reference, or the
//     text "Guest" for a thread whose guest first post is gone), td.replies,
//     td.views (commas), td.latest (span.date > abbr, author);
//   - div.container.stats > div.board-name, div.board-description (absent
//     when empty), div.board-counts. "The Attic" has NO stats container:
//     its name is only in the h1.
//
// 25 threads a page: announcements first, then stickies, then by newest
// post. The password-protected board ("Staff Lounge") answers every page
// (and its threads' URLs) with 200 and: div.container > div.title-bar > h2
// (name), the text "This board is password protected", and
// #password-wrapper form with input[name=password]. No h1, no stats, no
// threads; its threads are not in the truth. The right password posted to
// the form unlocks it (see "Board password" in doc.go); a wrong one shows
// div.errors above the form.
//
// Thread page `/thread/N/slug?page=K` (thread.html): div.container.posts >
// div.title-bar > h1 (title), div.control-bar (pagination), div.content. On
// page 1 only, a poll comes first: div.poll.ui-poll > h3 (question),
// table.results > tr.answer-ID.answer (answer-ID is the first class; ids are
// unique site-wide) > td.answer > div (text) and td.view-votes > span.votes;
// then div.poll-footer with a.view-voters[data-thread=N] "View Voters". The
// voters are never in the page (see Modals). The last breadcrumb is the
// thread's a.thread-link.thread-N (the only one on the page; OddForms leaves
// it out on the odd threads). Then a table of 30 posts a page, each row
// holding the post's own layout table (inner rows have no class):
//
//	tr.item.post#post-N (+ " first" on the thread's first existing post, + " even" on every second row of a page)
//	 > td > table.post-layout > tbody
//	  > tr > td.left-panel > div.mini-profile: .avatar .avatar-wrapper img, a user link
//	      inside span[itemscope], div.info (group, "Posts: N");
//	      customised template (post id % 7 == 3): div.custom-mini-links (links to
//	      /user/N/recent_posts, /members, /conversation/new/N) and
//	      span.post-count-like-ratio[data-user-like-count][data-user-post-count]
//	      before the avatar, div.custom-mini-stats (a link to /user/N) after div.info;
//	    guests: div.mini-profile.guest > span.user-guest; staff: div.mini-profile.staff > staff link;
//	    deleted: div.deleted-mini-profile instead of div.mini-profile
//	  + td.content > div.content-head > div.info > span.date > abbr (post date), a.permalink (/post/N),
//	      and when liked span.likes: up to 3 likers as user links ("A, B and C like this.");
//	      more: only `<a href="javascript:void(0)" class="view-likes" data-post="N">8 people</a> like this.`;
//	      div.controls (a.likes-button, a.quote-button → /post/quote/N)
//	    article > div.message (the message: its inner HTML is exactly the recorded message)
//	  > tr > td.foot[colspan=2] > div.edited_by ("Last Edit: <abbr> by <user link | span.user-guest>"), div.signature
//
// Messages use <br> for line breaks, b/i/u/span[style], a[href][rel=nofollow],
// ul/li, <img class="bbcode_img"> (absolute on the image host; OddForms
// makes the feature thread's GIF relative to the forum), and quotes as
// ProBoards stores them: div.quote[author="@username"][source=/post/N]
// [timestamp=SECONDS] > div.quote_body holding div.quote_avatar_container >
// div.avatar-wrapper.avatar_size_quote.avatar-N > img (the quoted member's
// avatar), div.quote_header (a[href=source] > abbr.time, then a user link
// > span[itemprop=name] in span[itemscope], then " said:"), the quoted HTML
// and div.quote_clear. Quotes nest (the feature thread's quote holds one
// without a header); div.quote.no_header > div.quote_body has no avatar
// nor header. Every other <img> in a message is a post image of that post;
// no image URL is in two posts. Signatures contain no images.
// The thread whose guest creator's first post is gone has created_by 0 and a
// first row written by a member (so no span.user-guest in tr.post.first).
//
// Members `/members?page=K` (members.html): div.container.members, 30 rows a
// page, ordered by id: tbody.list-content > tr.member#member-N > td.name
// (user link), td.group, td.posts (commas), td.date-registered > abbr,
// td.last-online > abbr, or the text "Online now".
//
// Profile `/user/N` (profile.html, §8): div.show-user containing
// div.avatar-wrapper img; div.name_and_group.float-right whose children are
// "\n", span.big_username, <br>, "\nGROUP\n" (the 4th child), <br>, "\n";
// div.float-right.controls > div.float-right.clear.pad-top with the text
// "Username:" then span.username, <br>, then either "Last Online:" and
// span.last-online > abbr, or the text "Member is Online"; then
// div.pad-all-double.ui-helper-clearfix.clear > form.form_user_status >
// table > tr > td#center-column (beside td#right-column) >
// div.content-box.center-col in this order: the status form (td.status-input,
// only on the viewer's own profile when logged in), the badges box
// (div.content-box.badges, some members), the field table (<tr><td
// class="headings">Label:</td><td>value</td></tr> for Age, Gender,
// Location, Birthday ("March 5, 1990"), Date Registered (abbr), Latest
// Status (span), Email, Web Site (a[href], text = website), Posts (commas);
// rows for unknown fields are absent; then the custom profile fields
// (customFieldDefs), tr.custom-field-NAME with NAME the title lower-cased,
// letters and digits only: member 2 has all, every seventh member none),
// the signature box
// ("\nSignature" <hr> then the signature HTML up to </div>, nothing else),
// and the messengers box (first child div.social.messengers holding
// span.label "AIM:" + span.value "name" + <br> per messenger). A missing
// member is a 404 page with page.member.id 0 and no div.show-user.
//
// Modals (JavaScript only): a#moderators-link, a.view-voters and each
// a.view-likes have a click handler (one inline script at the end of the
// page) that waits 100 ms, fetches an HTML fragment and appends its root
// element to <body>:
//
//	/fake-api/moderators?board=N → div.ui-dialog#moderators-dialog > div.micro-profile > div.info > user link
//	/fake-api/voters?thread=N    → div.ui-dialog#poll-voters > div.micro-profile > div.info > user link
//	/fake-api/likes?post=N       → div.ui-dialog.likes-dialog#likes-dialog-N > div.users > div.micro-profile > user link
//
// Stylesheet /css/theme.css: `body{...background-image:url(//IMAGEHOST/images/theme/background.png)...}`
// (protocol-relative; OddForms: url(/images/theme/background.png), relative to the stylesheet, forum host),
// `#banner{background-image:url('http://IMAGEHOST/v5/banners/banner.jpg')}`,
// and a decoy `.new-icon{background-image:url(//IMAGEHOST/images/theme/new.gif)}` that is not a theme image.
//
// Image URLs are absolute or protocol-relative, on the image host: avatars
// (see avatarKind), smileys, post images, the favicon and the theme images.
// Only OddForms adds relative ones (see "Odd forms" in doc.go).
//
// Hosts: the forum is whatever Host the request named; the "image host" is
// the same server under its other loopback name (localhost:PORT for
// 127.0.0.1:PORT and vice versa). Absolute URLs in pages use the request's
// scheme and these two hosts.

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates maps a page template name (home, board, ...) to its set.
var (
	pageTemplates     map[string]*template.Template
	fragmentTemplates *template.Template
	templatesOnce     sync.Once
)

var templateFuncs = template.FuncMap{
	"titleDate":  titleDate,
	"shortDate":  shortDate,
	"inc":        func(i int) int { return i + 1 },
	"userlink":   userLinkHTML,
	"author":     authorHTML,
	"ts":         tsHTML,
	"pagination": paginationHTML,
	"boardRows":  boardRowsHTML,
	"threadRows": threadRowsHTML,
	"postRows":   postRowsHTML,
	"memberRows": memberRowsHTML,
}

func loadTemplates() {
	base := template.Must(template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html"))
	pageTemplates = map[string]*template.Template{}
	for _, name := range []string{"home", "board", "password", "thread", "members", "profile", "login", "redirect", "error"} {
		t := template.Must(base.Clone())
		if name == "error" {
			template.Must(t.Parse(`{{define "main"}}{{template "error" .}}{{end}}`))
		} else {
			template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
		}
		pageTemplates[name] = t
	}
	fragmentTemplates = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/fragments.html"))
}

// render executes a page's template set into a buffer.
func render(v *pageView) []byte {
	templatesOnce.Do(loadTemplates)
	var buf bytes.Buffer
	buf.Grow(32 << 10)
	if err := pageTemplates[v.set].ExecuteTemplate(&buf, "layout", v); err != nil {
		panic(fmt.Sprintf("fakeforum: template %s: %v", v.set, err)) // a bug in the templates
	}
	return buf.Bytes()
}

// renderFragment executes one of the fragments.html templates.
func renderFragment(w io.Writer, name string, v any) error {
	templatesOnce.Do(loadTemplates)
	return fragmentTemplates.ExecuteTemplate(w, name, v)
}

// titleDate is the title attribute of a timestamp, e.g. "Mar 8, 2026 0:00:00 GMT".
func titleDate(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("Jan 2, 2006 15:04:05 GMT")
}

// shortDate is the visible text of a timestamp, e.g. "Mar 8, 2026 0:00".
func shortDate(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("Jan 2, 2006 15:04")
}

// relativeDate is the visible text of a timestamp: "Today at 3:12pm" or
// "Yesterday at 4:20pm" for the day of forumNow and the day before (recent
// is then true), else shortDate. Relative to forumNow, never to the clock.
func relativeDate(ms int64) (text string, recent bool) {
	t, now := time.UnixMilli(ms).UTC(), time.UnixMilli(forumNow).UTC()
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC) }
	switch day(now).Sub(day(t)) {
	case 0:
		return "Today at " + t.Format("3:04pm"), true
	case 24 * time.Hour:
		return "Yesterday at " + t.Format("3:04pm"), true
	}
	return shortDate(ms), false
}

// groupID is the id of a member group, for the group-N class of user links.
func groupID(name string) int {
	for i, g := range append([]string{"Administrator"}, groups...) {
		if g == name {
			return i + 1
		}
	}
	return 0
}

// pageView is what layout.html renders.
type pageView struct {
	Title     string
	Forum     string
	ForumID   int64
	Favicon   string
	CSS       string
	BodyClass string
	Menu      string
	Viewer    *userView
	Nav       []navItem
	Data      template.JS
	Modals    bool
	Main      any
	set       string // the template set that renders Main
}

type navItem struct {
	Href, Name string
	Class      string // of the <a>; "" for none
	Selected   bool
}

// userView is a reference to an author of any kind (see the "author" template).
type userView struct {
	Kind     string // user, guest, deleted, staff, gone
	ID       int64
	Name     string
	Username string
	Href     string
	Group    string
	Posts    string
	Likes    string // likes received, for a customised mini-profile
	Avatar   string
}

// pageItem is one li of a ul.ui-pagination.
type pageItem struct {
	Class, Href, Rel, Text string
	Gap                    bool
}

// pagination builds the items of page cur of last. Page links are the
// root-relative path plus the query (base is "/board/N/slug"); an empty base
// gives the odd query-only form "?page=N".
func pagination(cur, last int, base string) []pageItem {
	href := func(n int) string { return fmt.Sprintf("%s?page=%d", base, n) }
	items := []pageItem{{Class: "prev", Text: "« Prev"}}
	if cur > 1 {
		items[0].Href, items[0].Rel = href(cur-1), "prev"
	} else {
		items[0].Class += " state-disabled"
	}
	prevShown := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < cur-1 || n > cur+1) {
			continue
		}
		if n > prevShown+1 {
			items = append(items, pageItem{Class: "gap", Gap: true})
		}
		it := pageItem{Class: "page", Text: fmt.Sprint(n)}
		if n == cur {
			it.Class += " state-selected"
		} else {
			it.Href = href(n)
		}
		items = append(items, it)
		prevShown = n
	}
	next := pageItem{Class: "next", Text: "Next »"}
	if cur < last {
		next.Href, next.Rel = href(cur+1), "next"
	} else {
		next.Class += " state-disabled"
	}
	return append(items, next)
}

// themeCSS is the forum's stylesheet; ${IMAGE_BASE} stands for the image host's base URL.
const themeCSS = `/* Theme: Lakeside (generated) */
body{margin:0;background-color:#e9eef2;background-image:url(${BACKGROUND});font:14px/1.45 "Segoe UI",Helvetica,Arial,sans-serif;color:#222}
#wrapper{max-width:1100px;margin:0 auto;background:#fff;box-shadow:0 0 8px rgba(0,0,0,.15)}
#banner{height:90px;background-color:#34506b;background-image:url('${IMAGE_BASE}/v5/banners/banner.jpg');background-size:cover}
#logo{display:inline-block;padding:28px 20px;color:#fff;font-size:26px;font-weight:bold;text-decoration:none;text-shadow:0 1px 3px #000}
.new-icon{background-image:url(//${IMAGE_HOST}/images/theme/new.gif)}
#welcome{padding:6px 12px;background:#f4f6f8;border-bottom:1px solid #dde3e8}
#login_area{display:inline;margin-left:12px}
#navigation-menu ul{margin:0;padding:0 8px;list-style:none;background:#4a6f8f}
#navigation-menu li{display:inline-block}
#navigation-menu a{display:block;padding:8px 12px;color:#fff;text-decoration:none}
#navigation-menu a.state-active{background:#2f4d66}
#nav-tree{margin:10px 12px;padding:0;list-style:none}
#nav-tree li{display:inline}
#nav-tree li+li:before{content:" › "}
#nav-tree li.state-selected a{font-weight:bold}
#content{padding:0 12px 12px}
.container{margin:12px 0;border:1px solid #c9d3dc;border-radius:4px;overflow:hidden}
.title-bar{padding:8px 12px;background:#5f87a8;color:#fff}
.title-bar h1,.title-bar h2{display:inline;margin:0;font-size:17px}
.title_wrapper{font-weight:bold}
.title-bar ul.controls{display:inline;margin:0 0 0 16px;padding:0;list-style:none}
.title-bar a{color:#fff}
.control-bar{padding:6px 12px;background:#eef2f5}
.content{padding:0}
table.list{width:100%;border-collapse:collapse}
table.list th{text-align:left;padding:6px 8px;background:#eef2f5;font-weight:normal;color:#555}
table.list td{padding:8px;border-top:1px solid #e3e8ec;vertical-align:top}
td.main .link a{font-weight:bold;color:#23527c}
.description,.moderators,.sub-boards{font-size:12px;color:#555}
td.threads,td.posts,td.replies,td.views{text-align:center;width:70px}
td.latest{width:230px;font-size:12px}
td.icon{width:24px}
.board-icon,.thread-icon{display:inline-block;width:14px;height:14px;border-radius:7px;background:#8fb3d1}
.ui-pagination{display:inline-block;margin:0;padding:0;list-style:none}
.ui-pagination li{display:inline-block;margin-right:2px}
.ui-pagination li a{display:inline-block;padding:2px 7px;border:1px solid #c9d3dc;border-radius:3px;background:#fff;text-decoration:none}
.ui-pagination li.state-selected a{background:#5f87a8;color:#fff}
.ui-pagination li.state-disabled a{color:#aaa}
.button{margin-left:12px}
tr.thread.sticky,tr.thread.announcement{background:#fffbe6}
.ui-tabMenu ul{margin:0;padding:0;list-style:none}
.ui-tabMenu li{display:inline-block;padding:4px 10px;border-bottom:2px solid #5f87a8}
tr.post{display:grid;grid-template-columns:170px 1fr}
tr.post.even{background:#f8fafb}
tr.post td.foot{grid-column:2;border-top:0;font-size:12px;color:#666}
td.left-panel{text-align:center}
.mini-profile .info,.deleted-mini-profile .info{font-size:12px;color:#666}
.content-head{display:flex;justify-content:space-between;font-size:12px;color:#666;margin-bottom:6px}
.message{word-wrap:break-word}
.message img{max-width:100%}
.quote{margin:6px 0;padding:6px 10px;border-left:3px solid #8fb3d1;background:#f1f5f8}
.quote_header{font-size:12px;color:#555}
.likes{margin-top:8px;font-size:12px;color:#555}
.signature{margin-top:6px;padding-top:6px;border-top:1px dashed #ccd}
.poll{margin:10px;padding:10px;border:1px solid #dde3e8}
.poll table.results td{padding:3px 8px}
.poll-vote-bar{display:inline-block;height:10px;margin-right:6px;background:#5f87a8}
.stats .content,.shoutbox .content{padding:8px 12px}
.shoutbox_messages{max-height:260px;overflow:auto;margin-bottom:8px}
.shoutbox-post{padding:2px 0}
.shoutbox-post .details{color:#555;font-size:12px}
.smiley-menu{margin:4px 0;padding:0;list-style:none}
.smiley-menu li{display:inline-block;margin-right:4px}
.show-user{padding:12px}
.name_and_group{font-size:13px;color:#555;text-align:right}
.big_username{font-size:22px;font-weight:bold;color:#23527c}
.float-right{float:right}
.float-left{float:left}
.clear{clear:both}
.controls .pad-top{padding-top:8px;text-align:right}
.content-box{margin:10px 0;padding:10px;border:1px solid #e3e8ec;border-radius:4px}
.content-box td:first-child{color:#666;padding-right:12px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#f0c14b;font-size:12px}
.messengers .label{color:#666;margin-right:4px}
.errors{margin:8px 0;padding:8px;background:#fde2e2;color:#8a1f1f}
.ui-dialog{position:fixed;top:20%;left:30%;min-width:260px;padding:12px;background:#fff;border:1px solid #999;box-shadow:0 4px 16px rgba(0,0,0,.3)}
.ui-helper-clearfix:after{content:"";display:table;clear:both}
footer{padding:10px 12px;background:#eef2f5;font-size:12px;color:#666}
`

// writeCSS writes the stylesheet for hosts h. The background is
// protocol-relative on the image host, or with OddForms relative to the
// stylesheet; the banner is absolute on the image host.
func writeCSS(w io.Writer, h hosts, oddForms bool) {
	bg := "//" + h.image + backgroundPath
	if oddForms {
		bg = backgroundPath
	}
	io.WriteString(w, strings.NewReplacer("${IMAGE_BASE}", h.scheme+"://"+h.image, "${BACKGROUND}", bg, "${IMAGE_HOST}", h.image).Replace(themeCSS))
}

// backgroundURL is the absolute URL of the theme background.
func (w *world) backgroundURL(h hosts) string {
	if w.odd {
		return h.forumURL(backgroundPath)
	}
	return h.imageURL(backgroundPath)
}
