package fakeforum

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hosts are the two names the server answers to: the forum, and the "image
// host" (the same server under its other loopback name), so archives meet a
// third-party host without leaving 127.0.0.1.
type hosts struct {
	scheme string // "http"
	forum  string // "127.0.0.1:PORT"
	image  string // "localhost:PORT"
}

// otherHost maps localhost:P to 127.0.0.1:P and any other host to localhost:P.
func otherHost(hostport string) string {
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.HasSuffix(hostport, "]") {
		host, port = hostport[:i], hostport[i:]
	}
	if strings.EqualFold(host, "localhost") {
		return "127.0.0.1" + port
	}
	return "localhost" + port
}

func newHosts(scheme, forumHost string) hosts {
	return hosts{scheme: scheme, forum: forumHost, image: otherHost(forumHost)}
}

// forumURL and imageURL make absolute URLs on each host.
func (h hosts) forumURL(path string) string { return h.scheme + "://" + h.forum + path }
func (h hosts) imageURL(path string) string { return h.scheme + "://" + h.image + path }

// post is one generated post.
type post struct {
	id      int64
	t       *thread
	author  author
	date    int64
	editor  *author
	edited  int64
	message string // normalised HTML, served and recorded as is
	likers  []int64
	images  []postImage
}

// staffName and staffURL are the ProBoards staff member who posts in support threads.
const (
	staffName = "Patrick (ProBoards Staff)"
	staffURL  = "http://support.proboards.com/user/2"
)

// postDate is the date of post id of thread t; it does not depend on which
// other posts exist, so deleting one changes nothing else.
func (w *world) postDate(t *thread, id int64) int64 {
	if id > w.maxBasePost && t.gen == 0 {
		return forumNow + day + (id-w.maxBasePost)*37*60_000 // appended in generation 1
	}
	jitter := int64(hashFloat(w.seed, streamPost, id, 7) * float64(t.step/2))
	return t.start + (id-t.firstAlloc)*t.step + jitter
}

// postAuthor decides who wrote post id.
func (w *world) postAuthor(t *thread, id int64) author {
	if id == t.firstShown() {
		if t.goneFirst { // the creator's post is gone; a member replied first
			return author{kind: byUser, id: w.zipfUser(hashFloat(w.seed, streamPost, id, 3))}
		}
		return t.creator
	}
	f := w.features[id]
	switch {
	case f&featGuest != 0:
		return author{kind: byGuest, name: guestNames[1]}
	case f&featDeleted != 0:
		return author{kind: byDeleted}
	case f&featStaff != 0:
		return author{kind: byStaff, name: staffName}
	}
	x := hashFloat(w.seed, streamPost, id, 1)
	if id <= w.maxBasePost && f == 0 {
		switch {
		case x < 0.04:
			return author{kind: byGuest, name: guestNames[int(x*1000)%len(guestNames)]}
		case x < 0.055:
			return author{kind: byDeleted}
		case x < 0.057:
			return author{kind: byStaff, name: staffName}
		}
	}
	return author{kind: byUser, id: w.zipfUser(hashFloat(w.seed, streamPost, id, 2))}
}

// genPost generates post id of thread t as generation gen shows it.
func (w *world) genPost(t *thread, id int64, gen int, h hosts) *post {
	p := &post{id: id, t: t, author: w.postAuthor(t, id), date: w.postDate(t, id)}
	f := w.features[id]
	r := newRand(w.seed, streamPost, id)

	canEdit := p.author.kind == byUser || p.author.kind == byGuest
	switch {
	case f&featEditUser != 0:
		ed := author{kind: byUser, id: 1}
		if p.author == ed {
			ed.id = 2
		}
		p.editor = &ed
	case f&featEditGuest != 0:
		ed := p.author
		p.editor = &ed
	case f == 0 && id <= w.maxBasePost && canEdit && chance(r, 0.1):
		ed := p.author
		if p.author.kind == byUser && chance(r, 0.2) {
			ed = author{kind: byUser, id: 1 + r.Int64N(int64(min(len(w.users), 5)))}
		}
		p.editor = &ed
	}
	if p.editor != nil {
		room := max(forumNow-p.date-120_000, 1)
		p.edited = p.date + 60_000 + r.Int64N(min(2*day, room))
	}
	edit := ""
	if gen >= 1 && id == w.gen1.edited {
		ed := p.author
		p.editor, p.edited = &ed, w.gen1.editedAt
		edit = "<br><br><i>Edit: fixed the dates, sorry!</i>"
	}

	nLikes := 0
	switch {
	case f&featLikesFew != 0:
		nLikes = 2
	case f&featLikesMany != 0:
		nLikes = 8
	case f == 0 && id <= w.maxBasePost && chance(r, 0.15):
		if chance(r, 0.8) {
			nLikes = between(r, 1, 3)
		} else {
			nLikes = between(r, 4, 15)
		}
	}
	p.likers = w.pickUsers(r, nLikes, p.author)
	p.images = w.postImages(id)
	p.message = normalise(w.genMessage(r, p, f, h) + edit)
	return p
}

// pickUsers picks n distinct members other than not, in pick order
// (n is small next to the number of members, so few draws are repeated).
func (w *world) pickUsers(r *rand.Rand, n int, not author) []int64 {
	n = min(n, len(w.users)/2)
	if n <= 0 {
		return nil
	}
	seen := map[int64]bool{}
	if not.kind == byUser {
		seen[not.id] = true
	}
	out := make([]int64, 0, n)
	for len(out) < n {
		id := 1 + r.Int64N(int64(len(w.users)))
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// postImage is an <img> in a post's message.
type postImage struct {
	post    int64
	k       int // 1-based position in the post
	kind    imageKind
	onForum bool // OddForms: a relative src on the forum host; else absolute on the image host
}

func (pi postImage) path() string {
	return fmt.Sprintf("/images/posts/%d-%d.%s", pi.post, pi.k, pi.kind.urlExt())
}

// src is the img src as written in the message.
func (pi postImage) src(h hosts) string {
	if pi.onForum {
		return pi.path()
	}
	return h.imageURL(pi.path())
}

// url is the absolute image URL.
func (pi postImage) url(h hosts) string {
	if pi.onForum {
		return h.forumURL(pi.path())
	}
	return h.imageURL(pi.path())
}

// postImages lists the images of post id (of generation 0; later posts have none).
func (w *world) postImages(id int64) []postImage {
	if id > w.maxBasePost {
		return nil
	}
	type spec struct {
		kind    imageKind
		onForum bool
	}
	var specs []spec
	f := w.features[id]
	switch {
	case f&featImagesA != 0:
		specs = []spec{{imgPNG, false}, {imgJPEG, false}}
	case f&featImagesB != 0:
		specs = []spec{{imgGIF, w.odd}, {imgBMP, false}}
	case f&featImagesC != 0:
		specs = []spec{{imgSVG, false}, {imgWebP, false}}
	case f&featImageDead != 0:
		specs = []spec{{imgDead, false}}
	case f&featImageHTML != 0:
		specs = []spec{{imgHTML, false}}
	case f == 0 && hashFloat(w.seed, streamImage, id, 1) < 0.04:
		kinds := []imageKind{imgPNG, imgJPEG, imgGIF, imgBMP, imgSVG, imgWebP}
		k := kinds[int(hashFloat(w.seed, streamImage, id, 2)*float64(len(kinds)))]
		specs = []spec{{k, false}}
	}
	out := make([]postImage, len(specs))
	for i, s := range specs {
		out[i] = postImage{post: id, k: i + 1, kind: s.kind, onForum: s.onForum}
	}
	return out
}

// genMessage writes a post's HTML in the forms ProBoards' editor produces:
// <br> line breaks, b/i/u/s, links, lists, quotes and images.
func (w *world) genMessage(r *rand.Rand, p *post, f feature, h hosts) string {
	var b strings.Builder
	if f&featQuote != 0 || (f == 0 && p.id != p.t.firstShown() && chance(r, 0.08)) {
		q := w.user(w.zipfUser(r.Float64()))
		qdate := p.date - hour - r.Int64N(day)
		body := htmlText(sentence(r, between(r, 4, 12)))
		switch {
		case f&featQuote != 0:
			// Nested: a quote with a header around one without.
			b.WriteString(quoteHTML(q, p.id-1, qdate, quoteHTML(nil, 0, 0, htmlText(sentence(r, 5)), h)+body, h))
		case p.id%3 == 0:
			b.WriteString(quoteHTML(nil, 0, 0, body, h))
		case p.id%3 == 1:
			inner := w.user(w.zipfUser(r.Float64()))
			b.WriteString(quoteHTML(q, p.id-1, qdate, quoteHTML(inner, p.id-2, qdate-hour, htmlText(sentence(r, 4)), h)+body, h))
		default:
			b.WriteString(quoteHTML(q, p.id-1, qdate, body, h))
		}
	}
	paras := between(r, 1, 3)
	for i := 0; i < paras; i++ {
		if i > 0 {
			b.WriteString("<br><br>")
		}
		for j, n := 0, between(r, 1, 3); j < n; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			s := htmlText(sentence(r, between(r, 3, 14)))
			switch x := r.IntN(12); x {
			case 0:
				s = "<b>" + s + "</b>"
			case 1:
				s = "<i>" + s + "</i>"
			case 2:
				s = "<u>" + s + "</u>"
			case 3:
				s = `<span style="color: #b03030">` + s + "</span>"
			case 4:
				s += ` Tom &amp; Jerry say "hi" &lt;3`
			}
			b.WriteString(s)
		}
	}
	if f&featRich != 0 || chance(r, 0.08) {
		b.WriteString("<ul>")
		for i, n := 0, between(r, 2, 4); i < n; i++ {
			b.WriteString("<li>" + htmlText(sentence(r, between(r, 2, 6))) + "</li>")
		}
		b.WriteString("</ul>")
	}
	if f&featRich != 0 || chance(r, 0.08) {
		d := pick(r, webDomains)
		fmt.Fprintf(&b, `<br>See <a href="https://%s/notes/%d?ref=forum&amp;x=1" target="_blank" rel="nofollow">%s</a>`, d, p.id, d)
	}
	if f&featRich != 0 {
		b.WriteString("<br>日本語のテキスト、Ærøskøbing, naïve café 🎉👍")
	}
	for _, im := range p.images {
		fmt.Fprintf(&b, `<br><img src="%s" alt="[image]" class="bbcode_img">`, html.EscapeString(im.src(h)))
	}
	return b.String()
}

// quoteHTML writes a quote as ProBoards stores it (§10): div.quote with
// author, source and timestamp (seconds) > div.quote_body holding the
// avatar container, the header (a link to the source around the date, the
// author's link in a Person span, " said:"), the quoted HTML and
// div.quote_clear. A nil author is a quote without a header
// (div.quote.no_header).
func quoteHTML(q *user, source, ms int64, body string, h hosts) string {
	if q == nil {
		return `<div class="quote no_header"><div class="quote_body">` + body + `<div class="quote_clear"></div></div></div>`
	}
	var b hw
	id := itoa(q.id)
	b.s(`<div class="quote" author="@`)
	b.text(q.username)
	b.s(`" source="/post/`, itoa(source), `" timestamp="`, itoa(ms/1000), `"><div class="quote_body">`)
	b.s(`<div class="quote_avatar_container"><div class="avatar-wrapper avatar_size_quote avatar-`, id, `"><img src="`)
	b.text(q.avatarSrc(h))
	b.s(`" alt="`)
	b.text(q.name)
	b.s(`"></div></div><div class="quote_header"><a href="/post/`, itoa(source), `">`)
	b.ts(ms, "o-timestamp time")
	b.s(`</a> <span itemscope="" itemtype="http://schema.org/Person"><a class="o-user-link js-user-link user-link user-`, id,
		`" data-id="`, id, `" title="@`)
	b.text(q.username)
	b.s(`" href="/user/`, id, `"><span itemprop="name">`)
	b.text(q.name)
	b.s(`</span></a></span> said:</div>`, body, `<div class="quote_clear"></div></div></div>`)
	return b.String()
}

// htmlText escapes plain text for HTML.
func htmlText(s string) string { return html.EscapeString(s) }

var divContext = &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}

// normalise returns s as golang.org/x/net/html renders it when parsed as the
// children of a <div>. Parsers record div.message's inner HTML that way, so
// the fake forum serves and records exactly this string.
func normalise(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), divContext)
	if err != nil { // only reader errors; a strings.Reader has none
		return html.EscapeString(s)
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return html.EscapeString(s)
		}
	}
	return b.String()
}

// itoa is strconv.FormatInt for int64.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
