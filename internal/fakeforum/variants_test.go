package fakeforum

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// TestSmallHasEveryVariant checks, with the selectors parsers use, that the
// small forum contains every variant of proboards-markup.md §15 and the task.
func TestSmallHasEveryVariant(t *testing.T) {
	f := small(t)
	w, sp := f.w, f.w.special

	t.Run("home", func(t *testing.T) {
		doc := page(t, f, "/")
		for _, c := range w.categories {
			a := must(t, doc, fmt.Sprintf(`a[name="category-%d"]`, c.id), "home")
			// The anchor, one whitespace node, then the boards container.
			next := a.NextSibling
			if next == nil || strings.TrimSpace(next.Data) != "" || next.NextSibling == nil ||
				!strings.Contains(attrOr(next.NextSibling, "class"), "boards") {
				t.Errorf("category %d: the anchor is not followed by div.container.boards", c.id)
			}
		}
		rows := all(doc, "tr.o-board.board.item")
		if len(rows) == 0 {
			t.Fatal("no board rows")
		}
		for _, r := range rows {
			if attrOr(r, "class") != "o-board board item" {
				t.Errorf("board row class list %q", attrOr(r, "class"))
			}
		}
		must(t, doc, fmt.Sprintf("tr#board-%d td.main.clickable > span.link > a.board-%d[href='%s']", sp.bigBoard.id, sp.bigBoard.id, sp.bigBoard.path()), "home")
		must(t, doc, fmt.Sprintf("tr#board-%d .moderators", sp.bigBoard.id), "home")
		must(t, doc, fmt.Sprintf("tr#board-%d .sub-boards a[href='%s']", sp.bigBoard.id, sp.bigBoard.children[0].path()), "home")
		if first(doc, fmt.Sprintf("tr#board-%d .description", sp.noDescBoard.id)) != nil {
			t.Error("the board without a description has a .description")
		}
		must(t, doc, "div.container.stats", "home")
		must(t, doc, `link[rel="icon"][href]`, "home")
		css := must(t, doc, `link[rel="stylesheet"]#forum_style`, "home")
		if href, _ := attr(css, "href"); !strings.HasPrefix(href, "//"+testHost+"/") {
			t.Errorf("stylesheet href %q is not protocol-relative on the forum host", href)
		}
		must(t, doc, "#welcome #login_area a:nth-of-type(2)[href^='/login']", "home")
		must(t, doc, "#navigation-menu a[href='/members']", "home")
		must(t, doc, "#navigation-tree ul#nav-tree li.nav-tree-branch a[href='/']", "home")
		// Shoutbox with members and guests, ids in classes.
		posts := all(doc, "div.shoutbox_container .shoutbox_messages div.shoutbox-post")
		if len(posts) != len(w.shouts) {
			t.Errorf("%d shoutbox posts, want %d", len(posts), len(w.shouts))
		}
		guests, users := 0, 0
		for _, p := range posts {
			if !regexp.MustCompile(`\bshoutbox-post-\d+\b`).MatchString(attrOr(p, "class")) {
				t.Errorf("shoutbox post without its id class: %q", attrOr(p, "class"))
			}
			must(t, p, "abbr.time[data-timestamp]", "shoutbox post")
			must(t, p, "span.message", "shoutbox post")
			if first(p, "span.user-guest") != nil {
				guests++
			}
			if first(p, "a.user-link[data-id]") != nil {
				users++
			}
		}
		if guests == 0 || users == 0 {
			t.Errorf("shoutbox: %d guest and %d member posts, want both", guests, users)
		}
		smileys := all(doc, "ul.smiley-menu > li > img[src][title]")
		if len(smileys) < 4 || first(doc, `ul.smiley-menu img[title=":)"]`) == nil {
			t.Errorf("smiley menu has %d smileys, or no :)", len(smileys))
		}
		must(t, doc, "form ul.smiley-menu", "home")
		data := proboardsData(t, get(t, f, "/").Body.String())
		if !strings.Contains(data, `"route":{"name":"home"`) {
			t.Errorf("home proboards.data has no home route: %s", data)
		}
	})

	t.Run("stylesheet", func(t *testing.T) {
		css := get(t, f, "/css/theme.css?v=3").Body.String()
		body := regexp.MustCompile(`(?m)^body\{[^}]*background-image:url\(([^)]*)\)`).FindStringSubmatch(css)
		banner := regexp.MustCompile(`(?m)^#banner\{[^}]*background-image:url\('([^']*)'\)`).FindStringSubmatch(css)
		if body == nil || banner == nil {
			t.Fatalf("stylesheet lacks the body or #banner image rule:\n%s", css)
		}
		if body[1] != "//"+testImage+backgroundPath || banner[1] != "http://"+testImage+bannerPath {
			t.Errorf("body image %q, banner %q", body[1], banner[1])
		}
		for _, p := range []string{backgroundPath, bannerPath} {
			if rec := get(t, f, p); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "image/") {
				t.Errorf("%s: %d %s", p, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	})

	t.Run("boards", func(t *testing.T) {
		pw := page(t, f, sp.passwordBoard.path())
		if first(pw, "div.container.stats") != nil {
			t.Error("the password-protected board shows div.container.stats")
		}
		if !strings.Contains(textOf(pw), "This board is password protected") {
			t.Error("no 'This board is password protected'")
		}
		if h2 := must(t, pw, "div.container > div.title-bar > h2", "password board"); textOf(h2) != sp.passwordBoard.name {
			t.Errorf("password board h2 %q", textOf(h2))
		}
		must(t, pw, `#password-wrapper input[name="password"]`, "password board")
		if first(pw, "a.thread-link") != nil || first(pw, "h1") != nil {
			t.Error("the password board shows threads or an h1")
		}
		for _, th := range w.threads {
			if th.board == sp.passwordBoard {
				if first(page(t, f, th.path()), "tr.post") != nil {
					t.Errorf("thread %d of the password board is readable", th.id)
				}
			}
		}

		ns := page(t, f, sp.noStatsBoard.path())
		if first(ns, "div.container.stats") != nil {
			t.Error("the no-stats board has div.container.stats")
		}
		if h1 := must(t, ns, "h1", "no-stats board"); textOf(h1) != sp.noStatsBoard.name {
			t.Errorf("no-stats board first h1 %q", textOf(h1))
		}

		big := page(t, f, sp.bigBoard.path())
		if n := textOf(must(t, big, "div.container.stats div.board-name", "big board")); n != sp.bigBoard.name {
			t.Errorf("board-name %q", n)
		}
		must(t, big, "div.container.stats div.board-description", "big board")
		must(t, big, fmt.Sprintf("a#moderators-link[data-board='%d']", sp.bigBoard.id), "big board")
		if first(ns, "a#moderators-link") != nil {
			t.Error("a board without moderators has a#moderators-link")
		}
		// Every page with a modal link carries the script that opens it.
		for _, p := range f.w.pagePaths(0) {
			body := get(t, f, p).Body.String()
			links := strings.Contains(body, `id="moderators-link"`) || strings.Contains(body, `class="view-voters"`) ||
				strings.Contains(body, `class="view-likes"`)
			script := strings.Contains(body, "e.target.closest('#moderators-link, a.view-voters, a.view-likes')")
			if links != script {
				t.Errorf("%s: modal links %v, modal script %v", p, links, script)
			}
		}
		must(t, big, "div.container.boards tbody tr.o-board.board.item td.main.clickable span.link a", "big board sub-boards")
		must(t, big, "div.container.threads tbody tr.item.thread td.main.clickable > span.link.target > a.thread-link", "big board")
		for _, sel := range []string{"td.created-by", "td.replies", "td.views", "td.latest abbr[data-timestamp]"} {
			must(t, big, "tr.item.thread "+sel, "big board")
		}
		must(t, big, "tr.item.thread.sticky", "big board")
		must(t, big, "tr.item.thread .lock_icon", "big board")
		must(t, big, "ul.ui-pagination li.next a[href='"+sp.bigBoard.path()+"?page=2']", "big board page 1")
		must(t, big, "ul.ui-pagination li.prev.state-disabled", "big board page 1")
		lastPage := pages(len(sp.bigBoard.threads[0]), threadsPerPage)
		if lastPage < 2 {
			t.Fatalf("the big board has %d page(s)", lastPage)
		}
		last := page(t, f, fmt.Sprintf("%s?page=%d", sp.bigBoard.path(), lastPage))
		next := must(t, last, "ul.ui-pagination li.next.state-disabled > a", "last board page")
		if _, has := attr(next, "href"); has {
			t.Error("the next link of the last page has an href")
		}
		if first(last, "ul.ui-pagination li.next a[href]") != nil {
			t.Error("the last page links a next page")
		}
		if sel := must(t, last, "ul.ui-pagination li.state-selected a", "last page"); textOf(sel) != fmt.Sprint(lastPage) {
			t.Errorf("selected page %q", textOf(sel))
		}
		if rec := get(t, f, fmt.Sprintf("%s?page=%d", sp.bigBoard.path(), lastPage+1)); rec.Code != http.StatusNotFound {
			t.Errorf("page past the end: %d", rec.Code)
		}

		news := page(t, f, w.boards[0].path())
		if n := len(all(news, "tr.item.thread.announcement")); n < 2 {
			t.Errorf("%d announcement rows", n)
		}
		must(t, news, "tr.item.thread.announcement.last", "announcements")

		// Three levels below a top-level board, with the nav tree to prove it.
		deep := page(t, f, sp.deepBoard.path())
		items := all(deep, "#navigation-tree ul#nav-tree li.nav-tree-branch a")
		var hrefs []string
		for _, a := range items {
			hrefs = append(hrefs, attrOr(a, "href"))
		}
		want := []string{"/", fmt.Sprintf("/#category-%d", sp.deepBoard.cat.id)}
		for _, a := range sp.deepBoard.ancestors() {
			want = append(want, a.path())
		}
		want = append(want, sp.deepBoard.path())
		if strings.Join(hrefs, " ") != strings.Join(want, " ") || len(sp.deepBoard.ancestors()) < 3 {
			t.Errorf("deep board nav %v, want %v (3 ancestors)", hrefs, want)
		}
		if li := all(deep, "#nav-tree li"); !strings.Contains(attrOr(li[len(li)-1], "class"), "state-selected") {
			t.Error("the current board is not li.state-selected")
		}
	})

	ft := sp.featureThread
	doc := page(t, f, ft.path())
	postRow := func(i int) string { return fmt.Sprintf("tr#post-%d", ft.firstAlloc+int64(i)) }
	t.Run("posts", func(t *testing.T) {
		must(t, doc, "div.container.posts > div.title-bar > h1", "feature thread")
		firstRow := must(t, doc, "tr.item.post.first", "feature thread")
		if id, _ := attr(firstRow, "id"); id != fmt.Sprintf("post-%d", ft.firstAlloc) {
			t.Errorf("first post row %q", id)
		}
		if len(all(doc, "tr.item.post.even")) == 0 {
			t.Error("no tr.post.even")
		}
		must(t, doc, postRow(0)+" td.left-panel div.mini-profile a.o-user-link.js-user-link.user-link[data-id][title^='@'][href^='/user/']", "member post")
		must(t, doc, postRow(0)+" td.content div.content-head div.info span.date abbr.o-timestamp.time[data-timestamp]", "post date")
		must(t, doc, postRow(0)+" td.content article div.message", "message")
		must(t, doc, postRow(1)+" td.left-panel span.user-guest", "guest post")
		must(t, doc, postRow(2)+" td.left-panel div.deleted-mini-profile", "deleted post")
		if first(doc, postRow(2)+" div.mini-profile") != nil {
			t.Error("the deleted member's post also has a div.mini-profile")
		}
		staff := must(t, doc, postRow(3)+" td.left-panel a.user-link", "staff post")
		if h := attrOr(staff, "href"); !strings.HasPrefix(h, "http://support.proboards.com/") {
			t.Errorf("staff link %q", h)
		}
		ed := must(t, doc, postRow(4)+" td.foot div.edited_by", "edited by member")
		must(t, ed, "abbr[data-timestamp]", "edited_by")
		must(t, ed, "a.user-link[href^='/user/']", "edited_by")
		must(t, doc, postRow(5)+" td.foot div.edited_by span.user-guest", "edited by guest")
		if n := len(all(doc, postRow(6)+" .likes a.user-link")); n != 2 {
			t.Errorf("inline likes: %d user links, want 2", n)
		}
		vl := must(t, doc, postRow(7)+" .likes a.view-likes", "view likes")
		if !strings.Contains(textOf(first(doc, postRow(7)+" .likes")), "8 people like this") {
			t.Errorf("view-likes text %q", textOf(first(doc, postRow(7)+" .likes")))
		}
		if first(doc, postRow(7)+" .likes a.user-link") != nil {
			t.Error("a post with many likes lists likers inline")
		}
		likes := parseHTML(t, get(t, f, "/fake-api/likes?post="+attrOr(vl, "data-post")).Body.Bytes())
		if n := len(all(likes, ".users a.user-link[data-id]")); n != 8 {
			t.Errorf("likes modal lists %d likers, want 8", n)
		}
		must(t, doc, postRow(13)+" div.message div.quote[author][timestamp][source] > div.quote_body", "quote")
		must(t, doc, "td.foot div.signature", "signature")
		msg := innerHTML(t, must(t, doc, postRow(13)+" div.message", "rich post"))
		for _, s := range []string{"日本語", "Ærø", "🎉", "<ul><li>", `rel="nofollow"`} {
			if !strings.Contains(msg, s) {
				t.Errorf("the rich message lacks %q", s)
			}
		}
		data := proboardsData(t, get(t, f, ft.path()).Body.String())
		if !regexp.MustCompile(`"thread":\{[^{}]*\}`).MatchString(data) {
			t.Error(`proboards.data has no flat "thread":{...}`)
		}
		if !strings.Contains(data, `"views":"12,345"`) {
			t.Errorf(`views is not "12,345": %s`, data)
		}
	})

	t.Run("views", func(t *testing.T) {
		var str, num bool
		for _, th := range w.threads {
			if !th.board.reachable() {
				continue
			}
			data := proboardsData(t, get(t, f, th.path()).Body.String())
			m := regexp.MustCompile(`"thread":\{[^{}]*"views":("[0-9,]+"|[0-9]+)`).FindStringSubmatch(data)
			if m == nil {
				t.Fatalf("thread %d: no views in %s", th.id, data)
			}
			str = str || strings.Contains(m[1], ",")
			num = num || !strings.HasPrefix(m[1], `"`)
		}
		if !str || num {
			t.Errorf("views with commas: %v; views as JSON numbers: %v; want strings only", str, num)
		}
	})

	t.Run("gone first post", func(t *testing.T) {
		g := sp.goneFirstThread
		d := page(t, f, g.path())
		data := proboardsData(t, get(t, f, g.path()).Body.String())
		if !strings.Contains(data, `"created_by":0`) {
			t.Error("the thread of a gone guest post is not created_by 0")
		}
		must(t, d, "tr.post.first", "gone-first thread")
		if first(d, "tr.post.first span.user-guest") != nil {
			t.Error("tr.post.first has a span.user-guest")
		}
		gt := proboardsData(t, get(t, f, sp.guestThread.path()).Body.String())
		if !strings.Contains(gt, `"created_by":0`) || first(page(t, f, sp.guestThread.path()), "tr.post.first span.user-guest") == nil {
			t.Error("the guest thread lacks created_by 0 or its span.user-guest")
		}
	})

	t.Run("poll", func(t *testing.T) {
		pt := sp.pollThread
		raw := get(t, f, pt.path()).Body.String()
		d := parseHTML(t, []byte(raw))
		poll := must(t, d, "div.container.posts div.poll", "poll thread")
		if q := textOf(must(t, poll, "h3", "poll")); q != pt.poll.question {
			t.Errorf("poll question %q", q)
		}
		rows := all(poll, "table.results tr")
		if len(rows) != len(pt.poll.options) {
			t.Fatalf("%d answer rows, want %d", len(rows), len(pt.poll.options))
		}
		for i, r := range rows {
			o := pt.poll.options[i]
			if cls := strings.Fields(attrOr(r, "class")); cls[0] != fmt.Sprintf("answer-%d", o.id) {
				t.Errorf("row classes %v, want first answer-%d", cls, o.id)
			}
			if txt := textOf(must(t, r, "td.answer div", "answer")); txt != o.name {
				t.Errorf("answer %q, want %q", txt, o.name)
			}
			if v := textOf(must(t, r, "td.view-votes span.votes", "votes")); v != fmt.Sprint(o.votes) {
				t.Errorf("votes %q, want %d", v, o.votes)
			}
		}
		link := must(t, poll, "a.view-voters", "poll")
		if textOf(link) != "View Voters" {
			t.Errorf("voters link text %q", textOf(link))
		}
		if strings.Contains(raw, "poll-voters\"") || first(d, "#poll-voters") != nil {
			t.Error("#poll-voters is in the raw HTML")
		}
		if !strings.Contains(raw, "/fake-api/voters?thread=") || !strings.Contains(raw, "setTimeout") {
			t.Error("the page lacks the script that opens the voters modal")
		}
		vd := parseHTML(t, get(t, f, fmt.Sprintf("/fake-api/voters?thread=%d", pt.id)).Body.Bytes())
		voters := all(vd, "div#poll-voters div.micro-profile > div.info > a[data-id]")
		if len(voters) != len(pt.poll.voters) || len(voters) < 5 {
			t.Errorf("%d voters in the modal, want %d (at least 5)", len(voters), len(pt.poll.voters))
		}
		md := parseHTML(t, get(t, f, fmt.Sprintf("/fake-api/moderators?board=%d", sp.bigBoard.id)).Body.Bytes())
		if n := len(all(md, "div.micro-profile a[data-id]")); n != len(sp.bigBoard.moderators) {
			t.Errorf("%d moderators in the modal, want %d", n, len(sp.bigBoard.moderators))
		}
		if p2 := w.postCount(pt, 0); p2 > postsPerPage {
			if first(page(t, f, pt.path()+"?page=2"), "div.poll") != nil {
				t.Error("the poll is repeated on page 2")
			}
		}
	})

	t.Run("members", func(t *testing.T) {
		d := page(t, f, "/members")
		rows := all(d, "div.container.members tbody tr.member")
		if len(rows) != membersPerPage {
			t.Errorf("%d member rows on page 1", len(rows))
		}
		online := false
		for _, r := range rows {
			must(t, r, "td.name a.user-link[href^='/user/']", "member row")
			must(t, r, "td.date-registered abbr[data-timestamp]", "member row")
			lo := must(t, r, "td.last-online", "member row")
			if strings.TrimSpace(textOf(lo)) == "Online now" {
				online = true
			} else {
				must(t, lo, "abbr[data-timestamp]", "last online")
			}
			must(t, r, "td.group", "member row")
			must(t, r, "td.posts", "member row")
		}
		if !online {
			t.Error("no member is online on page 1")
		}
		last := page(t, f, fmt.Sprintf("/members?page=%d", pages(len(w.users), membersPerPage)))
		if a := first(last, "li.next a[href]"); a != nil {
			t.Error("the last members page links a next page")
		}
	})

	t.Run("profiles", func(t *testing.T) {
		on := page(t, f, fmt.Sprintf("/user/%d", sp.onlineUser.id))
		if !strings.Contains(textOf(must(t, on, "div.show-user div.float-right.controls div.float-right.clear.pad-top", "profile")), "Member is Online") {
			t.Error("the online member's profile does not say Member is Online")
		}
		off := w.users[len(w.users)-1]
		for off.online {
			off = w.users[off.id-2]
		}
		od := page(t, f, fmt.Sprintf("/user/%d", off.id))
		ctl := must(t, od, "div.float-right.clear.pad-top", "profile")
		if !strings.Contains(textOf(ctl), "Username:") || !strings.Contains(textOf(ctl), "Last Online:") {
			t.Errorf("controls text %q", textOf(ctl))
		}
		must(t, ctl, "abbr[data-timestamp]", "last online")

		ng := must(t, od, "div.show-user div.name_and_group.float-right", "profile")
		if attrOr(ng, "class") != "name_and_group float-right" {
			t.Errorf("name_and_group class %q", attrOr(ng, "class"))
		}
		var kids []string
		for c := ng.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c.Data)
		}
		if len(kids) < 4 || strings.TrimSpace(kids[3]) != off.group || textOf(must(t, ng, "span.big_username", "name")) != off.name {
			t.Errorf("name_and_group children %q; want the group %q 4th", kids, off.group)
		}
		must(t, od, "div.show-user div.avatar-wrapper img[src]", "avatar")

		me := fmt.Sprintf("/user/%d", f.cfg.Account.UserID)
		own := page(t, f, me, f.SessionCookie())
		if box := first(own, "#center-column div.content-box"); box == nil || first(box, "td.status-input") == nil {
			t.Error("the viewer's own profile does not start with the status box")
		}
		if first(page(t, f, me), "td.status-input") != nil {
			t.Error("a guest sees the status box")
		}
		bd := page(t, f, fmt.Sprintf("/user/%d", sp.badgesUser.id))
		if box := first(bd, "#center-column div.content-box"); box == nil || !strings.Contains(attrOr(box, "class"), "badges") {
			t.Error("the badges box is not first")
		}
		full := page(t, f, "/user/2")
		labels := map[string]bool{}
		for _, td := range all(full, "#center-column div.content-box table tr > td:first-child") {
			labels[strings.TrimSuffix(textOf(td), ":")] = true
		}
		for _, l := range []string{"Age", "Birthday", "Date Registered", "Email", "Gender", "Latest Status", "Location", "Posts", "Web Site"} {
			if !labels[l] {
				t.Errorf("user 2 lacks %q", l)
			}
		}
		must(t, full, "div.content-box > div.social.messengers > span.label", "messengers")
		sig := false
		for _, box := range all(full, "#center-column div.content-box") {
			if c := box.FirstChild; c != nil && strings.TrimSpace(c.Data) == "Signature" && first(box, "hr") != nil {
				sig = true
			}
		}
		if !sig {
			t.Error("no signature box")
		}
		min := page(t, f, "/user/3") // a member with no optional fields
		if n := len(all(min, "#center-column div.content-box table tr")); n != 2 {
			t.Errorf("the minimal profile has %d rows, want 2 (Date Registered, Posts)", n)
		}
		rec := get(t, f, "/user/99999")
		if rec.Code != http.StatusNotFound || !strings.Contains(proboardsData(t, rec.Body.String()), `"member":{"id":0`) {
			t.Errorf("missing member: %d", rec.Code)
		}
		if first(parseHTML(t, rec.Body.Bytes()), "div.show-user") != nil {
			t.Error("the missing member page has div.show-user")
		}
	})

	t.Run("images", func(t *testing.T) {
		magic := map[imageKind]string{imgPNG: "\x89PNG\r\n\x1a\n", imgJPEG: "\xff\xd8\xff", imgGIF: "GIF8",
			imgBMP: "BM", imgICO: "\x00\x00\x01\x00", imgSVG: "<?xml"}
		check := func(path string, kind imageKind) []byte {
			t.Helper()
			rec := get(t, f, path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != kind.contentType() {
				t.Errorf("%s: %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
			}
			b := rec.Body.Bytes()
			if kind == imgWebP {
				if len(b) < 16 || string(b[:4]) != "RIFF" || string(b[8:16]) != "WEBPVP8L" {
					t.Errorf("%s is not a VP8L WebP", path)
				}
			} else if !bytes.HasPrefix(b, []byte(magic[kind])) {
				t.Errorf("%s does not start with the %s magic: %q", path, kind.fileExt(), b[:min(8, len(b))])
			}
			if kind != imgSVG && kind != imgICO {
				if _, format, err := image.Decode(bytes.NewReader(b)); err != nil {
					t.Errorf("%s does not decode: %v", path, err)
				} else if ext := map[string]string{"jpeg": "jpg"}[format]; ext == "" && format != kind.fileExt() || ext != "" && ext != kind.fileExt() {
					t.Errorf("%s decodes as %s", path, format)
				}
			}
			return b
		}
		check(faviconPath, imgICO)
		seen := map[imageKind]bool{}
		avatars := map[string]bool{}
		for _, u := range w.users {
			if u.avatar == avatarDefault {
				continue
			}
			b := check(u.avatarPath(), u.avatarImageKind())
			seen[u.avatarImageKind()] = true
			if avatars[string(b)] {
				t.Errorf("user %d's avatar is the same as another's", u.id)
			}
			avatars[string(b)] = true
		}
		lie := sp.lyingAvatarUser
		if !strings.HasSuffix(lie.avatarPath(), ".jpg") || lie.avatarImageKind() != imgPNG {
			t.Errorf("user %d's avatar %s is not a PNG named .jpg", lie.id, lie.avatarPath())
		}
		check(defaultAvatarPath, imgPNG)
		var dead, htmlImg string
		for id := ft.firstAlloc; id < ft.firstAlloc+int64(ft.nAlloc); id++ {
			for _, im := range w.postImages(id) {
				switch im.kind {
				case imgDead:
					dead = im.path()
				case imgHTML:
					htmlImg = im.path()
				default:
					check(im.path(), im.kind)
					seen[im.kind] = true
				}
			}
		}
		for _, k := range []imageKind{imgPNG, imgJPEG, imgGIF, imgWebP, imgBMP, imgSVG} {
			if !seen[k] {
				t.Errorf("no %s image", k.fileExt())
			}
		}
		if rec := get(t, f, dead); dead == "" || rec.Code != http.StatusNotFound {
			t.Errorf("dead image %q: %d", dead, rec.Code)
		}
		rec := get(t, f, htmlImg)
		if htmlImg == "" || !strings.HasSuffix(htmlImg, ".png") || rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(rec.Body.String(), "<!DOCTYPE html>") {
			t.Errorf("HTML-as-image %q: %d %q", htmlImg, rec.Code, rec.Header().Get("Content-Type"))
		}
		for _, s := range smileys {
			check(s.path(), s.kind)
		}
		// Post image srcs on the image host, never relative (OddForms aside).
		var onImageHost, relative bool
		for _, img := range all(doc, "div.message img.bbcode_img[src]") {
			src := attrOr(img, "src")
			onImageHost = onImageHost || strings.HasPrefix(src, "http://"+testImage+"/")
			relative = relative || !absoluteOrProtocolRelative(src)
		}
		if !onImageHost || relative {
			t.Errorf("post images on the image host: %v, relative: %v", onImageHost, relative)
		}
	})

	t.Run("robots", func(t *testing.T) {
		rec := get(t, f, "/robots.txt")
		body := rec.Body.String()
		for _, l := range []string{"User-agent: *", "Disallow: /user/", "Disallow: /members", "Disallow: /post/", "Disallow: /threads/recent"} {
			if !strings.Contains(body, l+"\n") {
				t.Errorf("robots.txt lacks %q", l)
			}
		}
		if strings.Contains(body, "Disallow: /board") || strings.Contains(body, "Disallow: /thread/") {
			t.Error("robots.txt disallows boards or threads")
		}
	})
}

var dataRE = regexp.MustCompile(`(?m)^<script>proboards\.data\((.*)\);</script>$`)

// proboardsData extracts the JSON of the page's proboards.data(...) call.
func proboardsData(t testing.TB, body string) string {
	t.Helper()
	m := dataRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no proboards.data(...) script")
	}
	return m[1]
}
