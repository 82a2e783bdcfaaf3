// Package site renders an archive (forum.db and its images folder) as a
// static website that opens from file://, a zip or any static host: every
// link relative, nothing loaded from the network, search without a server.
// pb-site is its Run.
//
// Paths keep ProBoards' ids (board/12/index.html, thread/345/page-2.html,
// user/9/index.html, post/N.html leading to the post's anchor), so a link
// to the old forum maps to the archive by its path; redirects.txt and the
// nginx and Netlify snippets beside it list every original URL's new path.
//
// The output is a pure function of the database and the images: no build
// time in any page, every list sorted. A rebuild compares each file's bytes
// before writing it and removes what the last build wrote (its manifest)
// that this one does not.
package site

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options are pb-site's flags.
type Options struct {
	DB               string  `arg:"" help:"Archive database (forum.db) to render." placeholder:"DB"`
	Out              string  `help:"Folder to write the site into (created if missing)." short:"o" required:"" placeholder:"DIR"`
	Images           string  `help:"Images folder of the archive (default: images/ beside DB)." placeholder:"DIR"`
	IncludeProtected bool    `help:"Include password-protected boards (left out by default)." name:"include-protected"`
	ExcludeBoard     []int64 `help:"Leave out this board and its sub-boards (repeatable)." name:"exclude-board" placeholder:"ID"`
	RedactUser       []int64 `help:"Show this member as \"a former member\" and write no profile page (repeatable)." name:"redact-user" placeholder:"ID"`
	Progress         bool    `help:"Show progress even when stderr is not a terminal."`
	Quiet            bool    `help:"Print no summary on stderr." short:"q"`
	CPUProfile       string  `help:"Write a CPU profile to this file (for go tool pprof)." name:"cpuprofile" hidden:""`
	MemProfile       string  `help:"Write a heap profile to this file at the end (for go tool pprof)." name:"memprofile" hidden:""`
}

// Version is pb's version, shown on the about page: the module version, or
// the commit it was built from.
var Version = buildVersion()

func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			rev = s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+changes"
		}
	}
	if rev == "" {
		return "dev"
	}
	return "commit " + rev + dirty
}

// memoryLimit is the soft heap limit of a build (unless GOMEMLIMIT says
// otherwise): the bound of 300 MB peak memory, less the runtime's
// and SQLite's own.
const memoryLimit = 240 << 20

// Page sizes follow ProBoards' defaults, so ?page=N of an old URL is page N here.
const (
	threadsPerPage = 25
	postsPerPage   = 30
	membersPerPage = 30
	userPostsPage  = 30
)

//go:embed templates/*.html assets/*
var files embed.FS

// Stats is what a build did.
type Stats struct {
	Pages, Images                 int // HTML pages and images in the site
	Written, Unchanged, Removed   int // files
	MissingImages                 int // archived images whose file is not in the images folder
	Boards, Threads, Posts, Users int
}

// Run builds the site and prints a summary on stderr. It returns 0, 1 when
// some archived images were missing from the images folder, or 2 (with an
// error) when the database or the output folder cannot be used.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	start := time.Now()
	if o.CPUProfile != "" {
		pf, err := os.Create(o.CPUProfile)
		if err != nil {
			return 2, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return 2, err
		}
		defer pprof.StopCPUProfile()
	}
	if o.MemProfile != "" {
		defer writeHeapProfile(o.MemProfile)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The forum sits in memory while its pages are rendered, and the
		// garbage of rendering would otherwise let the heap grow to twice
		// that: a soft limit makes the collector work harder instead.
		debug.SetMemoryLimit(memoryLimit)
	}
	if o.Images == "" {
		o.Images = filepath.Join(filepath.Dir(o.DB), "images")
	}
	db, err := openDB(o.DB)
	if err != nil {
		return 2, fmt.Errorf("opening %s: %w", o.DB, err)
	}
	defer db.Close()
	f, err := load(ctx, db)
	if err != nil {
		return 2, fmt.Errorf("reading %s: %w", o.DB, err)
	}
	prog := newProgress(stderr, o.Progress && !o.Quiet)
	out, err := newOutput(ctx, o.Out)
	if err != nil {
		return 2, err
	}
	b := newBuilder(f, o, prog, out)
	err = b.build()
	prog.done()
	if err != nil {
		return 2, err
	}
	// Only a complete build removes what the last one wrote.
	st, err := out.finish()
	if err != nil {
		return 2, err
	}
	st.Boards, st.Threads, st.Posts, st.Users = len(b.boardList), len(b.threadList), b.nPosts, len(b.userList)
	st.MissingImages = b.missingImages
	st.Images = b.nImages
	if !o.Quiet {
		fmt.Fprintf(stderr, "pb-site: %s: %d boards, %d threads, %d posts, %d members; %d pages, %d images; %d files written, %d unchanged, %d removed (%s)\n",
			o.Out, st.Boards, st.Threads, st.Posts, st.Users, st.Pages, st.Images, st.Written, st.Unchanged, st.Removed,
			time.Since(start).Round(time.Millisecond))
		if st.MissingImages > 0 {
			fmt.Fprintf(stderr, "pb-site: %d archived images are not in %s: shown as links to their original URLs\n", st.MissingImages, o.Images)
		}
	}
	if st.MissingImages > 0 {
		return 1, nil
	}
	return 0, nil
}

// writeHeapProfile writes the heap profile (what is in use and what was
// allocated) to path; a failure only costs the profile.
func writeHeapProfile(path string) {
	if f, err := os.Create(path); err == nil {
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
}

// builder renders the pages of one forum.
type builder struct {
	f    *forum
	o    Options
	tmpl *template.Template
	prog *progress
	cl   *cleaner
	out  *output

	excluded   map[int64]bool // boards left out
	redacted   map[int64]bool
	boardList  []*board  // visible boards by id
	threadList []*thread // visible threads by id
	userList   []*user   // members with a page, in list order
	postPage   map[int64]int
	userPosts  map[int64][]*post
	userThread map[int64][]*thread
	nPosts     int

	usedImages    map[string]bool // site paths of images pages use
	missingImages int
	nImages       int
	imgOK         map[string]bool // filename -> present in the images folder
}

func newBuilder(f *forum, o Options, prog *progress, out *output) *builder {
	b := &builder{f: f, o: o, prog: prog, excluded: map[int64]bool{}, redacted: map[int64]bool{},
		postPage: map[int64]int{}, userPosts: map[int64][]*post{}, userThread: map[int64][]*thread{},
		usedImages: map[string]bool{}, imgOK: map[string]bool{},
		out: out}
	for _, id := range o.RedactUser {
		b.redacted[id] = true
	}
	b.tmpl = template.Must(template.New("").Funcs(template.FuncMap{
		"date":     fmtDate,
		"iso":      isoDate,
		"add":      func(a, b int) int { return a + b },
		"plural":   plural,
		"percent":  percent,
		"who":      func(root string, a author) whoArg { return whoArg{author: a, Root: root} },
		"avatar":   func(root string, a author, size int) avatarArg { return avatarArg{Root: root, A: a, Size: size} },
		"latestOf": func(root string, l *latest) latestArg { return latestArg{Root: root, L: l} },
		"rows":     func(root string, r []boardRow) rowsArg { return rowsArg{Root: root, Rows: r} },
		"postOf":   func(root string, p postView) postArg { return postArg{Root: root, P: p} },
	}).ParseFS(files, "templates/*.html"))
	b.cl = &cleaner{base: f.base, link: b.localLink, image: b.imagePath, redact: b.redactedLink}
	return b
}

// visible reports whether a board is in the site: not excluded, not behind
// a password (unless asked), and its parents neither.
func (b *builder) visible(bd *board) bool {
	for seen := 0; bd != nil && seen < 100; seen++ {
		for _, id := range b.o.ExcludeBoard {
			if bd.ID == id {
				return false
			}
		}
		if bd.Protected && !b.o.IncludeProtected {
			return false
		}
		if bd.ParentID == 0 || bd.ParentID == bd.ID {
			return true
		}
		bd = b.f.boards[bd.ParentID]
	}
	return true
}

func (b *builder) boardOK(id int64) bool { return b.f.boards[id] != nil && !b.excluded[id] }
func (b *builder) threadOK(id int64) bool {
	t := b.f.threads[id]
	return t != nil && b.boardOK(t.BoardID)
}
func (b *builder) hasProfile(id int64) bool { return id > 0 && b.f.users[id] != nil && !b.redacted[id] }

// prepare decides what is in the site and indexes it.
func (b *builder) prepare() {
	for _, bd := range sortedBoards(b.f.boards) {
		if !b.visible(bd) {
			b.excluded[bd.ID] = true
			continue
		}
		b.boardList = append(b.boardList, bd)
	}
	ids := make([]int64, 0, len(b.f.threads))
	for id := range b.f.threads {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		t := b.f.threads[id]
		if !b.boardOK(t.BoardID) {
			continue
		}
		b.threadList = append(b.threadList, t)
		bd := b.f.boards[t.BoardID]
		bd.Threads = append(bd.Threads, t)
		bd.Posts += len(t.Posts)
		for i, p := range t.Posts {
			b.postPage[p.ID] = i/postsPerPage + 1
			b.userPosts[p.UserID] = append(b.userPosts[p.UserID], p)
			if bd.Latest == nil || later(p, bd.Latest) {
				bd.Latest = p
			}
		}
		b.nPosts += len(t.Posts)
		b.userThread[t.UserID] = append(b.userThread[t.UserID], t)
	}
	for _, bd := range b.boardList {
		sort.SliceStable(bd.Threads, func(i, j int) bool { return threadBefore(bd.Threads[i], bd.Threads[j]) })
	}
	for _, ps := range b.userPosts {
		sort.Slice(ps, func(i, j int) bool { return later(ps[i], ps[j]) })
	}
	for _, ts := range b.userThread {
		sort.Slice(ts, func(i, j int) bool { return ts[i].ID > ts[j].ID })
	}
	uids := make([]int64, 0, len(b.f.users))
	for id := range b.f.users {
		if b.hasProfile(id) {
			uids = append(uids, id)
		}
	}
	sort.Slice(uids, func(i, j int) bool {
		a, c := b.f.users[uids[i]], b.f.users[uids[j]]
		if x, y := strings.ToLower(a.Name), strings.ToLower(c.Name); x != y {
			return x < y
		}
		return a.ID < c.ID
	})
	for _, id := range uids {
		b.userList = append(b.userList, b.f.users[id])
	}
	for _, im := range b.f.images {
		if _, err := os.Stat(filepath.Join(b.o.Images, im.Filename)); err == nil {
			b.imgOK[im.Filename] = true
		}
	}
}

// later orders posts newest first (id breaks ties).
func later(p, q *post) bool {
	if p.Date != q.Date {
		return p.Date > q.Date
	}
	return p.ID > q.ID
}

func lastPost(t *thread) *post {
	if len(t.Posts) == 0 {
		return nil
	}
	return t.Posts[len(t.Posts)-1]
}

// threadBefore orders a board as ProBoards does: announcements, stickies,
// then the thread with the latest post first.
func threadBefore(a, c *thread) bool {
	if a.Announcement != c.Announcement {
		return a.Announcement
	}
	if a.Sticky != c.Sticky {
		return a.Sticky
	}
	pa, pc := lastPost(a), lastPost(c)
	switch {
	case pa == nil && pc == nil:
		return a.ID > c.ID
	case pa == nil:
		return false
	case pc == nil:
		return true
	}
	if pa.Date != pc.Date {
		return pa.Date > pc.Date
	}
	return a.ID > c.ID
}

// Site paths, relative to the site's root.

func boardPath(id int64, page int) string  { return pagePath("board", id, page) }
func threadPath(id int64, page int) string { return pagePath("thread", id, page) }
func userPath(id int64, page int) string   { return pagePath("user", id, page) }

func pagePath(kind string, id int64, page int) string {
	if page <= 1 {
		return kind + "/" + strconv.FormatInt(id, 10) + "/index.html"
	}
	return kind + "/" + strconv.FormatInt(id, 10) + "/page-" + strconv.Itoa(page) + ".html"
}

func membersPath(page int) string {
	if page <= 1 {
		return "members/index.html"
	}
	return "members/page-" + strconv.Itoa(page) + ".html"
}

// postLink is the post's anchor on its thread page.
func (b *builder) postLink(p *post) string {
	return threadPath(p.ThreadID, b.postPage[p.ID]) + "#post-" + strconv.FormatInt(p.ID, 10)
}

func pages(n, per int) int {
	if n <= 0 {
		return 1
	}
	return (n + per - 1) / per
}

// localLink maps a URL of the forum to its page in the site, or "".
func (b *builder) localLink(u *url.URL) string {
	if b.f.base == nil || !strings.EqualFold(u.Host, b.f.base.Host) || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	page, _ := strconv.Atoi(u.Query().Get("page"))
	if len(parts) == 1 && parts[0] == "" {
		return "index.html"
	}
	if parts[0] == "members" && len(parts) == 1 {
		if page > pages(len(b.userList), membersPerPage) {
			page = 1
		}
		return membersPath(page)
	}
	if parts[0] == "shoutbox" && len(parts) == 1 {
		return "shoutbox.html"
	}
	if len(parts) < 2 {
		return ""
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return ""
	}
	switch parts[0] {
	case "board":
		if !b.boardOK(id) {
			return ""
		}
		if page > pages(len(b.f.boards[id].Threads), threadsPerPage) {
			page = 1
		}
		return boardPath(id, page)
	case "thread":
		if !b.threadOK(id) {
			return ""
		}
		if page > pages(len(b.f.threads[id].Posts), postsPerPage) {
			page = 1
		}
		frag := ""
		if strings.HasPrefix(u.Fragment, "post-") {
			frag = "#" + u.Fragment
		}
		return threadPath(id, page) + frag
	case "post":
		if p := b.f.posts[id]; p != nil && b.threadOK(p.ThreadID) {
			return b.postLink(p)
		}
	case "user":
		if len(parts) == 2 && b.hasProfile(id) {
			return userPath(id, 1)
		}
	}
	return ""
}

// redactedLink reports whether u is the profile of a redacted member.
func (b *builder) redactedLink(u *url.URL) bool {
	if len(b.redacted) == 0 || b.f.base == nil || !strings.EqualFold(u.Host, b.f.base.Host) {
		return false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "user" {
		return false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	return err == nil && b.redacted[id]
}

// imagePath maps an archived image's URL to its file in the site, or "".
func (b *builder) imagePath(raw string) string {
	im := b.f.images[raw]
	if im == nil {
		return ""
	}
	return b.useImage(im)
}

// useImage adds an archived image to the site and returns its path, or ""
// when its file is missing.
func (b *builder) useImage(im *image) string {
	if im == nil || !b.imgOK[im.Filename] {
		return ""
	}
	p := "images/" + im.Filename
	if !b.usedImages[p] {
		b.usedImages[p] = true
		b.out.copies[p] = filepath.Join(b.o.Images, im.Filename)
	}
	return p
}

// build renders every page into b.out.
func (b *builder) build() error {
	b.prepare()
	for name, path := range map[string]string{"style.css": "assets/style.css", "search.js": "assets/search.js"} {
		data, err := files.ReadFile("assets/" + name)
		if err != nil {
			return err
		}
		b.out.file(path, data)
	}
	steps := []func() error{b.home, b.boards, b.threads, b.members, b.users, b.shoutbox, b.about, b.search, b.redirects}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		if b.out.err != nil {
			return b.out.err
		}
	}
	for _, im := range b.f.images {
		if !b.imgOK[im.Filename] && b.isReferenced(im) {
			b.missingImages++
		}
	}
	b.nImages = len(b.out.copies)
	return b.out.err
}

// isReferenced reports whether an image record is one a page would show.
func (b *builder) isReferenced(im *image) bool {
	return im.Description == "avatar" || im.Description == "post image"
}

// render executes the named template with data into the site at path.
func (b *builder) render(path, name string, pg *pageData) error {
	pg.Root = strings.Repeat("../", strings.Count(path, "/"))
	pg.Path = path
	pg.Site = b.siteName()
	var sb strings.Builder
	if err := b.tmpl.ExecuteTemplate(&sb, name, pg); err != nil {
		return fmt.Errorf("rendering %s: %w", path, err)
	}
	b.out.file(path, []byte(sb.String()))
	b.prog.add(1)
	return nil
}

func (b *builder) siteName() string {
	if b.f.base != nil {
		return b.f.base.Host
	}
	return "Forum archive"
}

// Arguments of the templates' helper templates: each carries the page's Root.
type (
	whoArg struct {
		author
		Root string
	}
	avatarArg struct {
		Root string
		A    author
		Size int
	}
	latestArg struct {
		Root string
		L    *latest
	}
	rowsArg struct {
		Root string
		Rows []boardRow
	}
	postArg struct {
		Root string
		P    postView
	}
)

// pageData is what every page template gets.
type pageData struct {
	Root, Path, Site, Title string
	Crumbs                  []crumb
	Pager                   *pager
	Data                    any
}

type crumb struct{ Name, Link string }

type pager struct {
	Cur, Last  int
	Prev, Next string
	Links      []pageLink
}

type pageLink struct {
	N    int
	Link string
	Cur  bool
	Gap  bool
}

// newPager lists pages around cur (first, last and two either side).
func newPager(cur, last int, path func(int) string) *pager {
	if last <= 1 {
		return nil
	}
	p := &pager{Cur: cur, Last: last}
	if cur > 1 {
		p.Prev = path(cur - 1)
	}
	if cur < last {
		p.Next = path(cur + 1)
	}
	gap := false
	for i := 1; i <= last; i++ {
		if i == 1 || i == last || (i >= cur-2 && i <= cur+2) {
			p.Links = append(p.Links, pageLink{N: i, Link: path(i), Cur: i == cur})
			gap = false
		} else if !gap {
			p.Links = append(p.Links, pageLink{Gap: true})
			gap = true
		}
	}
	return p
}

func fmtDate(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("Jan 2, 2006 15:04")
}

func isoDate(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05Z")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func percent(n, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return n * 100 / total
}
