package fakeforum

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/net/html"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// TestTruthValidatesAgainstSchemas checks every truth record against
// schema/<type>.json, and that nothing is recorded twice.
func TestTruthValidatesAgainstSchemas(t *testing.T) {
	f := small(t)
	tr := readTruth(t, f, testBase)
	schemas := map[string]*jsonschema.Schema{}
	keys := map[string]bool{}
	for i, m := range tr.lines {
		typ := str(m, "type")
		s, ok := schemas[typ]
		if !ok {
			path := filepath.Join("..", "..", "schema", typ+".json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("line %d: type %q has no schema: %v", i+1, typ, err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			if err := c.AddResource(path, doc); err != nil {
				t.Fatal(err)
			}
			if s, err = c.Compile(path); err != nil {
				t.Fatal(err)
			}
			schemas[typ] = s
		}
		raw, _ := json.Marshal(m)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err := s.Validate(inst); err != nil {
			t.Errorf("line %d (%s) does not validate: %v", i+1, raw, err)
		}
		key := typ + ":" + str(m, "url") + ":" + fmt.Sprint(m["id"], m["post_id"], m["user_id"], m["board_id"], m["poll_id"])
		if typ == "image" {
			key = typ + ":" + str(m, "url")
		}
		if keys[key] {
			t.Errorf("line %d: %s recorded twice", i+1, key)
		}
		keys[key] = true
	}
	for _, typ := range []string{"category", "board", "moderator", "thread", "post", "like", "poll", "poll_option",
		"poll_voter", "user", "shoutbox_post", "image", "avatar"} {
		if len(tr.byType[typ]) == 0 {
			t.Errorf("the truth has no %s record", typ)
		}
	}
}

// TestTruthMatchesStats compares the truth's counts with Stats().
func TestTruthMatchesStats(t *testing.T) {
	for _, gen := range []int{0, 1} {
		f := newForum(t, Config{Seed: 3, Size: "small", Generation: gen})
		tr := readTruth(t, f, testBase)
		s := f.Stats()
		got := Stats{Categories: len(tr.byType["category"]), Boards: len(tr.byType["board"]), Threads: len(tr.byType["thread"]),
			Posts: len(tr.byType["post"]), Users: len(tr.byType["user"]), ShoutboxPosts: len(tr.byType["shoutbox_post"]),
			Images: len(tr.byType["image"]), Pages: s.Pages}
		if got != s {
			t.Errorf("generation %d: truth counts %+v, Stats %+v", gen, got, s)
		}
		if s.Pages < 100 || s.Users != 40 || s.Boards != 13 { // 12 and the redirect board
			t.Errorf("small is not small-sized: %+v", s)
		}
	}
}

// TestCrawlReachesEveryPage follows the links of the pages from / and checks
// that exactly the pages Stats counts are reachable.
func TestCrawlReachesEveryPage(t *testing.T) {
	f := small(t)
	base, _ := url.Parse(testBase + "/")
	want := map[string]bool{}
	for _, p := range f.w.pagePaths(0) {
		want[forumurl.CanonicalOrRaw(testBase+p)] = true
	}
	seen := map[string]bool{}
	queue := []string{forumurl.CanonicalOrRaw(testBase + "/")}
	for len(queue) > 0 && len(seen) < 5000 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		pu, _ := url.Parse(u)
		rec := get(t, f, pu.RequestURI())
		if rec.Code != 200 {
			t.Errorf("%s: status %d", u, rec.Code)
			continue
		}
		doc := parseHTML(t, rec.Body.Bytes())
		from, _ := url.Parse(u)
		for _, a := range all(doc, "a[href]") {
			c, ok := forumurl.Canonical(from, attrOr(a, "href"))
			if !ok || !forumurl.SameHost(c, base.String()) || forumurl.Forbidden(c) || seen[c] {
				continue
			}
			switch forumurl.Kind(c) {
			case record.KindHome, record.KindBoard, record.KindThread, record.KindMembers, record.KindUser:
				queue = append(queue, c)
			}
		}
	}
	for u := range want {
		if !seen[u] {
			t.Errorf("not reachable by links: %s", u)
		}
	}
	for u := range seen {
		if !want[u] {
			t.Errorf("reachable but not counted: %s", u)
		}
	}
}

// TestTruthAgreesWithPages reads the pages like a careful scraper and checks
// each truth record against them.
func TestTruthAgreesWithPages(t *testing.T) {
	f := small(t)
	tr := readTruth(t, f, testBase)
	home := page(t, f, "/")

	t.Run("categories", func(t *testing.T) {
		for _, c := range tr.byType["category"] {
			a := must(t, home, fmt.Sprintf(`a[name="category-%d"]`, num(c, "id")), "home")
			title := must(t, a.NextSibling.NextSibling, "div.title_wrapper", "category container")
			if textOf(title) != str(c, "name") {
				t.Errorf("category %d: page %q, truth %q", num(c, "id"), textOf(title), str(c, "name"))
			}
		}
	})

	t.Run("boards", func(t *testing.T) {
		for _, b := range tr.byType["board"] {
			id := num(b, "id")
			if _, ok := b["url"]; !ok {
				// The redirect board: known from its home row only, which links off-site.
				rb := f.w.special.redirectBoard
				row := must(t, home, fmt.Sprintf("tr#board-%d > td.main.clickable.redirect[colspan='3']", id), "redirect row")
				if id != rb.id || attrOr(must(t, row, fmt.Sprintf("a.board-%d", id), "row"), "href") != redirectURL ||
					b["password_protected"] != nil || first(row.Parent, "td.threads, td.latest") != nil {
					t.Errorf("board %d without url: truth %v, row %s", id, b, attrOr(row, "class"))
				}
				continue
			}
			u, _ := url.Parse(str(b, "url"))
			doc := page(t, f, u.Path)
			items := all(doc, "#nav-tree li a")
			// The row that lists the board: home for top-level boards, else the parent's page.
			rowPage := home
			if pid := num(b, "parent_id"); pid != 0 {
				rowPage = page(t, f, f.w.boards[pid-1].path())
				if h := attrOr(items[len(items)-2], "href"); h != f.w.boards[pid-1].path() {
					t.Errorf("board %d: parent in nav %q, truth %d", id, h, pid)
				}
			}
			if h := attrOr(items[1], "href"); h != fmt.Sprintf("/#category-%d", num(b, "category_id")) {
				t.Errorf("board %d: category in nav %q, truth %d", id, h, num(b, "category_id"))
			}
			row := must(t, rowPage, fmt.Sprintf("tr#board-%d", id), "board row")
			if n := textOf(must(t, row, fmt.Sprintf("a.board-%d", id), "row")); n != str(b, "name") {
				t.Errorf("board %d: row name %q, truth %q", id, n, str(b, "name"))
			}
			desc := ""
			if d := first(row, ".description"); d != nil {
				desc = textOf(d)
			}
			if desc != str(b, "description") {
				t.Errorf("board %d: row description %q, truth %q", id, desc, str(b, "description"))
			}
			protected := strings.Contains(textOf(doc), "This board is password protected")
			if protected != b["password_protected"].(bool) {
				t.Errorf("board %d: page protected %v, truth %v", id, protected, b["password_protected"])
			}
			var name string
			switch {
			case protected:
				name = textOf(must(t, doc, "div.container > div.title-bar > h2", "password board"))
			case first(doc, "div.container.stats") != nil:
				name = textOf(must(t, doc, "div.container.stats div.board-name", "board"))
				if d := first(doc, "div.container.stats div.board-description"); d != nil && textOf(d) != str(b, "description") {
					t.Errorf("board %d: stats description %q", id, textOf(d))
				}
			default:
				name = textOf(must(t, doc, "h1", "board"))
			}
			if name != str(b, "name") {
				t.Errorf("board %d: page name %q, truth %q", id, name, str(b, "name"))
			}
		}
	})

	t.Run("moderators", func(t *testing.T) {
		byBoard := map[int64][]string{}
		for _, m := range tr.byType["moderator"] {
			byBoard[num(m, "board_id")] = append(byBoard[num(m, "board_id")], fmt.Sprint(num(m, "user_id")))
		}
		for _, b := range f.w.boards {
			if b.redirect != "" {
				continue // no page
			}
			doc := page(t, f, b.path())
			link := first(doc, "a#moderators-link")
			if (link != nil) != (len(byBoard[b.id]) > 0) && !b.password {
				t.Errorf("board %d: moderators link %v, truth moderators %v", b.id, link != nil, byBoard[b.id])
			}
			if len(byBoard[b.id]) == 0 {
				continue
			}
			modal := parseHTML(t, get(t, f, fmt.Sprintf("/fake-api/moderators?board=%d", b.id)).Body.Bytes())
			var ids []string
			for _, a := range all(modal, "div.micro-profile a[data-id]") {
				ids = append(ids, attrOr(a, "data-id"))
			}
			if strings.Join(ids, ",") != strings.Join(byBoard[b.id], ",") {
				t.Errorf("board %d: modal moderators %v, truth %v", b.id, ids, byBoard[b.id])
			}
		}
	})

	posts := map[int64][]map[string]any{} // by thread
	for _, p := range tr.byType["post"] {
		posts[num(p, "thread_id")] = append(posts[num(p, "thread_id")], p)
	}
	likes := map[int64][]string{}
	for _, l := range tr.byType["like"] {
		likes[num(l, "post_id")] = append(likes[num(l, "post_id")], fmt.Sprint(num(l, "user_id")))
	}
	images := map[string]map[string]any{}
	for _, im := range tr.byType["image"] {
		images[str(im, "url")] = im
	}

	t.Run("threads and posts", func(t *testing.T) {
		for _, th := range tr.byType["thread"] {
			id := num(th, "id")
			u, _ := url.Parse(str(th, "url"))
			rec := get(t, f, u.Path)
			doc := parseHTML(t, rec.Body.Bytes())
			if h1 := textOf(must(t, doc, "div.container.posts div.title-bar h1", "thread")); h1 != str(th, "title") {
				t.Errorf("thread %d: h1 %q, truth %q", id, h1, str(th, "title"))
			}
			var d struct {
				Page struct {
					Thread pbThread `json:"thread"`
				} `json:"page"`
			}
			if err := json.Unmarshal([]byte(proboardsData(t, rec.Body.String())), &d); err != nil {
				t.Fatal(err)
			}
			pt := d.Page.Thread
			views, _ := strconv.ParseInt(strings.ReplaceAll(fmt.Sprint(pt.Views), ",", ""), 10, 64)
			if pt.BoardID != num(th, "board_id") || views != num(th, "views") || (pt.IsSticky == 1) != th["sticky"].(bool) ||
				(pt.IsLocked == 1) != th["locked"].(bool) || (pt.IsAnnouncement == 1) != th["announcement"].(bool) {
				t.Errorf("thread %d: data %+v, truth %v", id, pt, th)
			}
			firstRow := must(t, doc, "tr.post.first", "thread")
			switch {
			case pt.CreatedBy != 0:
				if pt.CreatedBy != num(th, "user_id") {
					t.Errorf("thread %d: created_by %d, truth %v", id, pt.CreatedBy, th["user_id"])
				}
			case first(firstRow, "span.user-guest") != nil:
				if g := textOf(first(firstRow, "span.user-guest")); g != str(th, "guest_name") {
					t.Errorf("thread %d: guest creator %q, truth %q", id, g, str(th, "guest_name"))
				}
			default:
				if str(th, "guest_name") != "user-guest" {
					t.Errorf("thread %d: gone guest creator, truth %v", id, th)
				}
			}
			// Every post of the truth, in order, on the thread's pages.
			want := posts[id]
			var rows []*html.Node
			for p := 1; p <= pages(len(want), postsPerPage); p++ {
				rows = append(rows, all(page(t, f, fmt.Sprintf("%s?page=%d", u.Path, p)), "tr.post")...)
			}
			if len(rows) != len(want) {
				t.Errorf("thread %d: %d post rows, truth %d posts", id, len(rows), len(want))
				continue
			}
			for i, row := range rows {
				checkPost(t, f, row, want[i], likes, images)
			}
		}
	})

	t.Run("polls", func(t *testing.T) {
		opts := map[int64][]map[string]any{}
		for _, o := range tr.byType["poll_option"] {
			opts[num(o, "poll_id")] = append(opts[num(o, "poll_id")], o)
		}
		voters := map[int64][]string{}
		for _, v := range tr.byType["poll_voter"] {
			voters[num(v, "poll_id")] = append(voters[num(v, "poll_id")], fmt.Sprint(num(v, "user_id")))
		}
		for _, p := range tr.byType["poll"] {
			id := num(p, "id")
			doc := page(t, f, f.w.threads[id-1].path())
			if q := textOf(must(t, doc, "div.poll h3", "poll")); q != str(p, "name") {
				t.Errorf("poll %d: %q, truth %q", id, q, str(p, "name"))
			}
			for _, o := range opts[id] {
				row := must(t, doc, fmt.Sprintf("div.poll table.results tr.answer-%d", num(o, "id")), "poll option")
				if textOf(must(t, row, "td.answer div", "option")) != str(o, "name") ||
					textOf(must(t, row, "td.view-votes span.votes", "votes")) != fmt.Sprint(num(o, "votes")) {
					t.Errorf("poll option %v differs from the page", o)
				}
			}
			modal := parseHTML(t, get(t, f, fmt.Sprintf("/fake-api/voters?thread=%d", id)).Body.Bytes())
			var ids []string
			for _, a := range all(modal, "#poll-voters div.micro-profile div.info a[data-id]") {
				ids = append(ids, attrOr(a, "data-id"))
			}
			if strings.Join(ids, ",") != strings.Join(voters[id], ",") {
				t.Errorf("poll %d: voters %v, truth %v", id, ids, voters[id])
			}
		}
	})

	t.Run("users", func(t *testing.T) {
		rows := map[string]*html.Node{}
		for p := 1; p <= pages(len(f.w.users), membersPerPage); p++ {
			for _, r := range all(page(t, f, fmt.Sprintf("/members?page=%d", p)), "tr.member") {
				rows[strings.TrimPrefix(attrOr(r, "id"), "member-")] = r
			}
		}
		avatars := map[int64]string{}
		for _, a := range tr.byType["avatar"] {
			avatars[num(a, "user_id")] = str(a, "url")
		}
		for _, u := range tr.byType["user"] {
			id := num(u, "id")
			row := rows[fmt.Sprint(id)]
			if row == nil {
				t.Errorf("user %d is not in the members list", id)
				continue
			}
			if textOf(must(t, row, "td.name a.user-link", "row")) != str(u, "name") || textOf(must(t, row, "td.group", "row")) != str(u, "group") ||
				textOf(must(t, row, "td.posts", "row")) != formatCount(num(u, "post_count")) ||
				attrOr(must(t, row, "td.date-registered abbr", "row"), "data-timestamp") != fmt.Sprint(num(u, "date_registered")) {
				t.Errorf("user %d: members row differs from the truth %v", id, u)
			}
			lo := first(row, "td.last-online abbr")
			if (lo == nil) != (u["last_online"] == nil) || lo != nil && attrOr(lo, "data-timestamp") != fmt.Sprint(num(u, "last_online")) {
				t.Errorf("user %d: last online in the list differs from the truth", id)
			}
			doc := page(t, f, fmt.Sprintf("/user/%d", id))
			if n := textOf(must(t, doc, "span.big_username", "profile")); n != str(u, "name") {
				t.Errorf("user %d: profile name %q, truth %q", id, n, str(u, "name"))
			}
			if un := textOf(must(t, doc, "div.float-right.clear.pad-top span.username", "profile")); un != str(u, "username") {
				t.Errorf("user %d: username %q, truth %q", id, un, str(u, "username"))
			}
			fields := map[string]*html.Node{}
			for _, tr := range all(doc, "#center-column div.content-box table tr") {
				tds := all(tr, "td")
				if len(tds) == 2 {
					fields[strings.TrimSuffix(textOf(tds[0]), ":")] = tds[1]
				}
			}
			check := func(label, key, got string) {
				if got != fmt.Sprint(u[key]) && !(u[key] == nil && got == "") {
					t.Errorf("user %d: %s %q, truth %v", id, label, got, u[key])
				}
			}
			txt := func(label string) string {
				if n := fields[label]; n != nil {
					return textOf(n)
				}
				return ""
			}
			check("Age", "age", txt("Age"))
			check("Birthday", "birthdate", txt("Birthday"))
			check("Email", "email", txt("Email"))
			check("Gender", "gender", txt("Gender"))
			check("Latest Status", "latest_status", txt("Latest Status"))
			check("Location", "location", txt("Location"))
			if txt("Posts") != formatCount(num(u, "post_count")) {
				t.Errorf("user %d: posts %q", id, txt("Posts"))
			}
			if n := fields["Web Site"]; n != nil {
				a := must(t, n, "a", "web site")
				check("Web Site", "website", textOf(a))
				check("Web Site href", "website_url", attrOr(a, "href"))
			} else if u["website"] != nil {
				t.Errorf("user %d: no web site on the profile", id)
			}
			var ims []string
			for _, l := range all(doc, "div.social.messengers span.label") {
				ims = append(ims, strings.TrimSuffix(textOf(l), ":")+":"+textOf(l.NextSibling))
			}
			check("Messengers", "instant_messengers", strings.Join(ims, ";"))
			sig := ""
			for _, box := range all(doc, "#center-column div.content-box") {
				if c := box.FirstChild; c != nil && strings.TrimSpace(c.Data) == "Signature" {
					var b strings.Builder
					after := false
					for c := box.FirstChild; c != nil; c = c.NextSibling {
						if after {
							html.Render(&b, c)
						}
						after = after || c.Data == "hr"
					}
					sig = b.String()
				}
			}
			check("Signature", "signature", sig)
			img := must(t, doc, "div.show-user div.avatar-wrapper img", "avatar")
			if src := resolve(t, "/user/1", attrOr(img, "src")); src != avatars[id] {
				t.Errorf("user %d: avatar %s, truth %s", id, src, avatars[id])
			}
			if im := images[avatars[id]]; im == nil || str(im, "description") != "avatar" {
				t.Errorf("user %d: no avatar image record for %s", id, avatars[id])
			}
		}
	})

	t.Run("shoutbox", func(t *testing.T) {
		for _, s := range tr.byType["shoutbox_post"] {
			post := must(t, home, fmt.Sprintf("div.shoutbox-post.shoutbox-post-%d", num(s, "id")), "shoutbox")
			if textOf(must(t, post, "span.message", "shout")) != str(s, "message") ||
				attrOr(must(t, post, "abbr[data-timestamp]", "shout"), "data-timestamp") != fmt.Sprint(num(s, "date")) {
				t.Errorf("shout %v differs from the page", s)
			}
			if g := first(post, "span.user-guest"); g != nil {
				if textOf(g) != str(s, "guest_name") {
					t.Errorf("shout %d: guest %q, truth %v", num(s, "id"), textOf(g), s)
				}
			} else if attrOr(must(t, post, "a.user-link", "shout"), "data-id") != fmt.Sprint(num(s, "user_id")) {
				t.Errorf("shout %d: author differs from the truth", num(s, "id"))
			}
		}
	})

	t.Run("images", func(t *testing.T) {
		described := map[string]string{}
		for _, img := range all(home, "ul.smiley-menu img") {
			described[resolve(t, "/", attrOr(img, "src"))] = "smiley " + attrOr(img, "title")
		}
		described[resolve(t, "/", attrOr(must(t, home, `link[rel="icon"]`, "home"), "href"))] = "favicon"
		described["http://"+testImage+backgroundPath] = "background"
		described["http://"+testImage+bannerPath] = "banner"
		for u, d := range described {
			if im := images[u]; im == nil || str(im, "description") != d {
				t.Errorf("%s: truth %v, want description %q", u, im, d)
			}
		}
		for u, im := range images {
			pu, _ := url.Parse(u)
			rec := request(t, f, "GET", pu.Host, pu.RequestURI(), nil)
			body := rec.Body.Bytes()
			switch str(im, "status") {
			case "ok":
				sum := md5.Sum(body)
				h := hex.EncodeToString(sum[:])
				if rec.Code != 200 || str(im, "md5_hash") != h || num(im, "size") != int64(len(body)) ||
					str(im, "filename") != h+"."+sniffExt(body) || num(im, "http_status") != 200 {
					t.Errorf("%s: served %d, %d bytes, md5 %s, sniffed %s; truth %v", u, rec.Code, len(body), h, sniffExt(body), im)
				}
			case "http 404":
				if rec.Code != 404 || num(im, "http_status") != 404 {
					t.Errorf("%s: served %d, truth %v", u, rec.Code, im)
				}
			case "not an image":
				if rec.Code != 200 || sniffExt(body) != "" {
					t.Errorf("%s: served %d (%s), truth %v", u, rec.Code, sniffExt(body), im)
				}
			default:
				t.Errorf("%s: unexpected status %v", u, im["status"])
			}
		}
	})
}

// checkPost compares one post row with its truth record.
func checkPost(t *testing.T, f *Forum, row *html.Node, p map[string]any, likes map[int64][]string, images map[string]map[string]any) {
	t.Helper()
	id := num(p, "id")
	if attrOr(row, "id") != fmt.Sprintf("post-%d", id) {
		t.Errorf("row %s, truth post %d", attrOr(row, "id"), id)
		return
	}
	if d := attrOr(must(t, row, "td.content div.content-head span.date abbr", "post"), "data-timestamp"); d != fmt.Sprint(num(p, "date")) {
		t.Errorf("post %d: date %s, truth %d", id, d, num(p, "date"))
	}
	msg := must(t, row, "article div.message", "post")
	if got := innerHTML(t, msg); got != str(p, "message") {
		t.Errorf("post %d: message\n page  %q\n truth %q", id, got, str(p, "message"))
	}
	left := must(t, row, "td.left-panel", "post")
	switch {
	case first(left, "div.deleted-mini-profile") != nil:
		if num(p, "user_id") != record.DeletedUserID {
			t.Errorf("post %d: deleted author, truth %v", id, p["user_id"])
		}
	case first(left, "span.user-guest") != nil:
		if textOf(first(left, "span.user-guest")) != str(p, "guest_name") {
			t.Errorf("post %d: guest author, truth %v", id, p)
		}
	default:
		a := must(t, left, "a.user-link", "author")
		if strings.HasPrefix(attrOr(a, "href"), "http://support.proboards.com/") {
			if num(p, "user_id") != record.StaffUserID || str(p, "staff_name") != textOf(a) {
				t.Errorf("post %d: staff author %q, truth %v", id, textOf(a), p)
			}
		} else if attrOr(a, "data-id") != fmt.Sprint(num(p, "user_id")) {
			t.Errorf("post %d: author %s, truth %v", id, attrOr(a, "data-id"), p["user_id"])
		}
	}
	if ed := first(row, "td.foot div.edited_by"); ed != nil {
		when := attrOr(must(t, ed, "abbr", "edited"), "data-timestamp")
		who := ""
		if a := first(ed, "a.user-link"); a != nil {
			who = "user " + attrOr(a, "data-id")
		} else {
			who = "guest " + textOf(must(t, ed, "span.user-guest", "editor"))
		}
		want := fmt.Sprintf("user %d", num(p, "edit_user_id"))
		if p["edit_guest_name"] != nil {
			want = "guest " + str(p, "edit_guest_name")
		}
		if when != fmt.Sprint(num(p, "last_edited")) || who != want {
			t.Errorf("post %d: edited %s by %s, truth %v", id, when, who, p)
		}
	} else if p["last_edited"] != nil {
		t.Errorf("post %d: no edit line, truth %v", id, p)
	}
	var liked []string
	if lk := first(row, ".likes"); lk != nil {
		if first(lk, "a.view-likes") != nil {
			modal := parseHTML(t, get(t, f, fmt.Sprintf("/fake-api/likes?post=%d", id)).Body.Bytes())
			for _, a := range all(modal, ".users a.user-link[data-id]") {
				liked = append(liked, attrOr(a, "data-id"))
			}
		} else {
			for _, a := range all(lk, "a.user-link") {
				liked = append(liked, attrOr(a, "data-id"))
			}
		}
	}
	if strings.Join(liked, ",") != strings.Join(likes[id], ",") {
		t.Errorf("post %d: likers %v, truth %v", id, liked, likes[id])
	}
	// Quote headers show the quoted member's avatar, which is an avatar of
	// the truth; every other image of a message is a post image of that post.
	quoteAvatars := map[*html.Node]bool{}
	for _, img := range all(msg, ".quote_avatar_container img[src]") {
		quoteAvatars[img] = true
		u := resolve(t, "/thread/1/x", attrOr(img, "src"))
		if im := images[u]; im == nil || str(im, "description") != record.ImageAvatar {
			t.Errorf("post %d: quote avatar %s has truth %v", id, u, im)
		}
	}
	for _, img := range all(msg, "img[src]") {
		if quoteAvatars[img] {
			continue
		}
		u := resolve(t, "/thread/1/x", attrOr(img, "src"))
		if im := images[u]; im == nil || str(im, "description") != record.ImagePost || num(im, "post_id") != id {
			t.Errorf("post %d: image %s has truth %v", id, u, im)
		}
	}
}

// resolve makes an href of a page at path absolute, as parsers do.
func resolve(t *testing.T, path, href string) string {
	t.Helper()
	base, _ := url.Parse(testBase + path)
	c, ok := forumurl.Canonical(base, href)
	if !ok {
		t.Fatalf("cannot resolve %q", href)
	}
	return c
}

// sniffExt names an image format by its first bytes, as pb-images will.
func sniffExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "jpg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case bytes.HasPrefix(b, []byte("BM")):
		return "bmp"
	case bytes.HasPrefix(b, []byte("\x00\x00\x01\x00")):
		return "ico"
	case bytes.HasPrefix(b, []byte("<?xml")) && bytes.Contains(b[:min(len(b), 200)], []byte("<svg")):
		return "svg"
	}
	return ""
}
