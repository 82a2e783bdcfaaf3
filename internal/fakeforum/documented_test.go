package fakeforum

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docText is the package documentation a parser author reads (doc.go and
// markup.go), with comment markers dropped and whitespace collapsed, so a
// phrase may span lines.
func docText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"doc.go", "markup.go"} {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			line = strings.TrimSpace(line)
			if c, ok := strings.CutPrefix(line, "//"); ok {
				b.WriteString(c + " ")
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// variant is one markup variant of the fake forum: where its documentation
// says so, and a check that the served pages show it.
type variant struct {
	name    string
	odd     bool     // served only with OddForms
	phrases []string // each must appear in doc.go or markup.go
	present func(t *testing.T, f *Forum) bool
}

// anyPage reports whether some page of the forum (paths) has a match of selector.
func anyPage(t *testing.T, f *Forum, paths []string, selector string) bool {
	for _, p := range paths {
		if first(page(t, f, p), selector) != nil {
			return true
		}
	}
	return false
}

// threadPages are the first pages of the reachable threads.
func threadPages(f *Forum) []string {
	var out []string
	for _, t := range f.w.threads {
		if t.board.reachable() {
			out = append(out, t.path())
		}
	}
	return out
}

var variants = []variant{
	{"root-relative page links", false, []string{"hrefs are root-relative paths with the query"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, f.w.special.longThread.path()), "ul.ui-pagination li.next a[href^='/thread/']") != nil &&
			first(page(t, f, "/members"), "ul.ui-pagination li.next a[href='/members?page=2']") != nil
	}},
	{"protocol-relative and absolute image URLs on the image host", false, []string{"Image URLs are absolute or protocol-relative, on the image host"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, "/user/2"), "div.show-user img[src^='//"+testImage+"/'], div.show-user img[src^='http://"+testImage+"/']") != nil
	}},
	{"a.thread-link.thread-N on thread pages", false, []string{"The last breadcrumb is the thread's a.thread-link.thread-N"}, func(t *testing.T, f *Forum) bool {
		th := f.w.special.featureThread
		return first(page(t, f, th.path()), fmt.Sprintf("#nav-tree li.state-selected a.thread-link.thread-%d", th.id)) != nil
	}},
	{"views as a string", false, []string{`views a string with thousands separators`}, func(t *testing.T, f *Forum) bool {
		return strings.Contains(get(t, f, f.w.special.featureThread.path()).Body.String(), `"views":"12,345"`)
	}},
	{"post rows as nested tables with td.foot", false, []string{"holding the post's own layout table", "td.foot[colspan=2] > div.edited_by"}, func(t *testing.T, f *Forum) bool {
		d := page(t, f, f.w.special.featureThread.path())
		return first(d, "tr.item.post > td > table.post-layout > tbody > tr > td.left-panel + td.content") != nil &&
			first(d, "tr.item.post table.post-layout td.foot div.edited_by abbr[data-timestamp]") != nil &&
			first(d, "table.post-layout tr.item") == nil
	}},
	{"likes in the post's info line", false, []string{"div.content-head > div.info > span.date > abbr (post date), a.permalink (/post/N), and when liked span.likes"}, func(t *testing.T, f *Forum) bool {
		d := page(t, f, f.w.special.featureThread.path())
		return first(d, "div.content-head div.info span.likes a.user-link[data-id]") != nil &&
			first(d, "div.content-head div.info span.likes a.view-likes") != nil
	}},
	{"quotes: header inside the body, nested, without a header", false, []string{"div.quote_body holding div.quote_avatar_container", "Quotes nest", "div.quote.no_header > div.quote_body"}, func(t *testing.T, f *Forum) bool {
		var header, nested, noHeader bool
		for _, p := range threadPages(f) {
			d := page(t, f, p)
			header = header || first(d, "div.message > div.quote[author][source][timestamp] > div.quote_body > div.quote_avatar_container + div.quote_header > a > abbr.time[data-timestamp]") != nil &&
				first(d, "div.quote_header span[itemscope] > a.user-link > span[itemprop=name]") != nil
			nested = nested || first(d, "div.quote_body div.quote") != nil
			noHeader = noHeader || first(d, "div.message > div.quote.no_header > div.quote_body") != nil
		}
		return header && nested && noHeader
	}},
	{"a customised mini-profile", false, []string{"customised template (post id % 7 == 3)"}, func(t *testing.T, f *Forum) bool {
		return anyPage(t, f, threadPages(f), "div.mini-profile > div.custom-mini-links + span.post-count-like-ratio[data-user-like-count][data-user-post-count] + div.avatar")
	}},
	{"user links with a group class", false, []string{"user-link user-N group-G"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, "/members"), "a.o-user-link.user-link[class*=' group-'][data-id]") != nil
	}},
	{"profile layout", false, []string{"form.form_user_status > table > tr > td#center-column (beside td#right-column) > div.content-box.center-col", `class="headings">Label:`}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, "/user/2"), "div.show-user form.form_user_status td#center-column div.content-box.center-col td.headings") != nil &&
			first(page(t, f, "/user/2"), "form.form_user_status td#right-column") != nil
	}},
	{"custom profile fields", false, []string{"tr.custom-field-NAME with NAME the title lower-cased"}, func(t *testing.T, f *Forum) bool {
		d := page(t, f, "/user/2")
		return first(d, "#center-column tr.custom-field-qacorner > td.headings") != nil &&
			first(d, "#center-column tr.custom-field-shoesizeeu") != nil
	}},
	{"tr#thread-N rows", false, []string{"tr.item.thread#thread-N"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, f.w.special.bigBoard.path()), fmt.Sprintf("tr.item.thread#thread-%d", f.w.special.sticky.id)) != nil
	}},
	{"long page lists with gaps", false, []string{"li.gap > div"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, f.w.special.longThread.path()), "ul.ui-pagination li.gap > div") != nil
	}},
	{"announcements listed atop another board", false, []string{"starts with board 1's announcements, listed atop it"}, func(t *testing.T, f *Forum) bool {
		sp := f.w.special
		d := page(t, f, sp.noDescBoard.path())
		return sp.announcement.board != sp.noDescBoard &&
			first(d, fmt.Sprintf("tr.item.thread.announcement#thread-%d", sp.announcement.id)) != nil &&
			strings.Contains(get(t, f, sp.noDescBoard.path()).Body.String(), `"show_announcements":1`)
	}},
	{"relative date text beside an absolute data-timestamp", false, []string{`"Yesterday at 4:20pm"`}, func(t *testing.T, f *Forum) bool {
		a := first(page(t, f, "/"), "div.shoutbox-post abbr.o-timestamp.time.recent_time[data-timestamp]")
		return a != nil && regexp.MustCompile(`^(Today|Yesterday) at \d+:\d\d[ap]m$`).MatchString(textOf(a)) &&
			len(attrOr(a, "data-timestamp")) == 13
	}},
	{"HTML-escaped names beside their unescaped twins", false, []string{`subject is HTML-escaped ("Tom &amp; Jerry"), subject_unescaped is not`, "name (escaped),name_unescaped"}, func(t *testing.T, f *Forum) bool {
		// proboards.data is JSON, whose encoder writes & as \u0026.
		var subject, board bool
		for _, th := range f.w.threads {
			if th.board.reachable() && strings.Contains(th.title, "&") {
				data := proboardsData(t, get(t, f, th.path()).Body.String())
				subject = subject || regexp.MustCompile(`"subject":"[^"]*\\u0026amp;[^"]*","subject_unescaped":"[^"]*\\u0026[^a]`).MatchString(data)
			}
		}
		for _, b := range f.w.boards {
			if b.reachable() && strings.Contains(b.name, "&") {
				data := proboardsData(t, get(t, f, b.path()).Body.String())
				board = board || regexp.MustCompile(`"board":\{"id":\d+,"name":"[^"]*\\u0026amp;[^"]*"`).MatchString(data) &&
					regexp.MustCompile(`"name_unescaped":"[^"]*\\u0026[^a]`).MatchString(data)
			}
		}
		return subject && board
	}},
	{"a redirect board", false, []string{"a redirect board (last in the last category): its home row's td.main.redirect spans the count columns and links off-site"}, func(t *testing.T, f *Forum) bool {
		rb := f.w.special.redirectBoard
		row := first(page(t, f, "/"), fmt.Sprintf("tr.o-board.board.item#board-%d", rb.id))
		return row != nil && first(row, fmt.Sprintf("td.main.clickable.redirect[colspan='3'] a.board-%d[href='%s']", rb.id, redirectURL)) != nil &&
			first(row, "td.threads, td.posts, td.latest") == nil && get(t, f, rb.path()).Code == 302
	}},
	{"query-only page links (odd)", true, []string{`OddForms makes them query-only "?page=N" on the members list, the big board and the odd threads`}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, "/members"), "ul.ui-pagination li.next a[href='?page=2']") != nil
	}},
	{"relative image URLs (odd)", true, []string{"the WebP avatars (/avatars/N.webp)", `the ":D" smiley (/images/smileys/grin.png)`, "url(/images/theme/background.png)"}, func(t *testing.T, f *Forum) bool {
		return first(page(t, f, "/"), "ul.smiley-menu img[src='/images/smileys/grin.png']") != nil &&
			first(page(t, f, "/user/4"), "img[src='/avatars/4.webp']") != nil &&
			strings.Contains(get(t, f, "/css/theme.css").Body.String(), "url(/images/theme/background.png)")
	}},
	{"views as a JSON number, no a.thread-link (odd)", true, []string{"give views as a JSON number and have no a.thread-link.thread-N"}, func(t *testing.T, f *Forum) bool {
		lt := f.w.special.longThread
		body := get(t, f, lt.path()).Body.String()
		return regexp.MustCompile(`"views":\d`).MatchString(body) && first(parseHTML(t, []byte(body)), "a.thread-link") == nil
	}},
}

// TestEveryVariantIsServedAndDocumented: each variant is on the pages of
// the small forum (the odd ones with OddForms) and is described in the
// package documentation (doc.go, markup.go).
func TestEveryVariantIsServedAndDocumented(t *testing.T) {
	doc := docText(t)
	real, odd := small(t), newForum(t, Config{Seed: 1, Size: "small", OddForms: true})
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			for _, p := range v.phrases {
				if !strings.Contains(doc, p) {
					t.Errorf("doc.go and markup.go do not say %q", p)
				}
			}
			f := real
			if v.odd {
				f = odd
			}
			if !v.present(t, f) {
				t.Errorf("the small forum (OddForms %v) does not show it", v.odd)
			}
			if v.odd && v.present(t, real) {
				t.Error("the forum without OddForms shows it too")
			}
		})
	}
}
