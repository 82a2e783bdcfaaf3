package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/andybalholm/cascadia"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/store"
)

// siteTruth is the part of the fake forum's ground truth the site tests check.
type siteTruth struct {
	boards      map[int64]map[string]any
	threads     map[int64]map[string]any
	threadOrder []int64
	posts       map[int64]map[string]any
	postsOf     map[int64][]int64 // thread -> posts in thread order
	users       map[int64]map[string]any
	polls       map[int64]map[string]any
	options     map[int64][]map[string]any // poll -> options
	voters      map[int64][]int64
	likes       map[int64][]int64
}

func readTruth(t *testing.T, f *forum) *siteTruth {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WriteTruth(&buf, f.URL); err != nil {
		t.Fatal(err)
	}
	tr := &siteTruth{boards: map[int64]map[string]any{}, threads: map[int64]map[string]any{}, posts: map[int64]map[string]any{},
		postsOf: map[int64][]int64{}, users: map[int64]map[string]any{}, polls: map[int64]map[string]any{},
		options: map[int64][]map[string]any{}, voters: map[int64][]int64{}, likes: map[int64][]int64{}}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		switch m["type"] {
		case "board":
			tr.boards[num(m["id"])] = m
		case "thread":
			tr.threads[num(m["id"])] = m
			tr.threadOrder = append(tr.threadOrder, num(m["id"]))
		case "post":
			tr.posts[num(m["id"])] = m
			tr.postsOf[num(m["thread_id"])] = append(tr.postsOf[num(m["thread_id"])], num(m["id"]))
		case "user":
			tr.users[num(m["id"])] = m
		case "poll":
			tr.polls[num(m["id"])] = m
		case "poll_option":
			tr.options[num(m["poll_id"])] = append(tr.options[num(m["poll_id"])], m)
		case "poll_voter":
			tr.voters[num(m["poll_id"])] = append(tr.voters[num(m["poll_id"])], num(m["user_id"]))
		case "like":
			tr.likes[num(m["post_id"])] = append(tr.likes[num(m["post_id"])], num(m["user_id"]))
		}
	}
	if len(tr.posts) == 0 || len(tr.polls) == 0 || len(tr.likes) == 0 {
		t.Fatalf("the truth has %d posts, %d polls, %d liked posts: the test would prove little", len(tr.posts), len(tr.polls), len(tr.likes))
	}
	return tr
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// authorOf is the name and kind the site must show for a truth post's author.
func (tr *siteTruth) authorOf(p map[string]any) (name, kind string) {
	if g := str(p["guest_name"]); g != "" {
		return g, "guest"
	}
	switch id := num(p["user_id"]); {
	case id == -1:
		return "Deleted User", "deleted"
	case id == -3:
		return str(p["staff_name"]), "staff"
	default:
		return str(tr.users[id]["name"]), "member"
	}
}

// The hostile post: everything a sanitiser must defuse, plus an archived
// image by its original URL and a word found nowhere else.
const hostileWord = "xylophonequartz"

func hostileMessage(avatarURL string) string {
	return `<script>window.pwned = "script"</script>` +
		`<img src="x" onerror="window.pwned = 'onerror'">` +
		`<a href="javascript:window.pwned = 'link'" id="jslink">click me</a>` +
		`<iframe src="http://127.0.0.1:9/iframe"></iframe>` +
		`<base href="http://127.0.0.1:9/">` +
		`<div style="background: url(http://127.0.0.1:9/css.png)">styled</div>` +
		`<style>body { background: url(http://127.0.0.1:9/style.png) }</style>` +
		`<img src="http://127.0.0.1:9/remote.png" alt="remote">` +
		`<form action="http://127.0.0.1:9/form"><input name="q"></form>` +
		`<svg onload="window.pwned = 'svg'"></svg>` +
		`<img src="` + avatarURL + `" alt="archived">` +
		`<b><i>unclosed ` + hostileWord + ` <div>broken <table><tr><td>cell`
}

// TestSite mirrors the small fake forum (with rendering, so voters and
// likes exist), adds a hostile post, renders the archive with pb-site, and
// checks the site against the forum's ground truth.
func TestSite(t *testing.T) {
	chromiumPath := chromium(t)
	f := startForum(t, fakeforum.Config{Seed: 1, Size: "small"})
	arch := t.TempDir()
	mirror(t, f.URL, arch, "PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=1")
	db := filepath.Join(arch, "forum.db")
	tr := readTruth(t, f)

	// The hostile post opens page 2 of the longest thread, which the browser visits.
	long := tr.threadOrder[0]
	for _, id := range tr.threadOrder {
		if len(tr.postsOf[id]) > len(tr.postsOf[long]) {
			long = id
		}
	}
	if len(tr.postsOf[long]) <= 30 {
		t.Fatal("no thread with a second page")
	}
	first2 := tr.posts[tr.postsOf[long][30]]
	hostileID := int64(990001)
	avatarURL := query(t, db, `SELECT i.url FROM avatar a JOIN image i ON i.id = a.image_id WHERE a.user_id = 1 AND i.filename IS NOT NULL`)
	if len(avatarURL) != 1 {
		t.Fatal("user 1 has no archived avatar")
	}
	hostile, _ := json.Marshal(map[string]any{"type": "post", "id": hostileID, "thread_id": long, "user_id": 1,
		"date": num(first2["date"]) - 1, "message": hostileMessage(avatarURL[0])})
	run(t, nil, bytes.NewBuffer(append(hostile, '\n')), "pb-load", "-q", db)

	out := filepath.Join(t.TempDir(), "site")
	run(t, nil, nil, "pb-site", db, "-o", out)

	t.Run("Completeness", func(t *testing.T) { checkComplete(t, out, tr, long, hostileID) })
	t.Run("Links", func(t *testing.T) { checkLinks(t, out) })
	t.Run("Privacy", func(t *testing.T) { checkPrivacy(t, out, tr) })
	t.Run("Options", func(t *testing.T) { checkOptions(t, db, out, tr) })
	t.Run("Browser", func(t *testing.T) {
		browse(t, chromiumPath, out, db, tr, long, hostileID)
	})
	t.Run("Deterministic", func(t *testing.T) { checkDeterministic(t, db, out, tr, long) })
}

// parsePage parses a page of the site.
func parsePage(t *testing.T, path string) *html.Node {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func all(n *html.Node, sel string) []*html.Node {
	return cascadia.QueryAll(n, cascadia.MustCompile(sel))
}

func one(n *html.Node, sel string) *html.Node { return cascadia.Query(n, cascadia.MustCompile(sel)) }

// pagesOf lists the files of a paginated item: index.html, page-2.html, ...
func pagesOf(t *testing.T, dir string) []string {
	t.Helper()
	out := []string{filepath.Join(dir, "index.html")}
	if _, err := os.Stat(out[0]); err != nil {
		t.Errorf("%s: %v", out[0], err)
		return nil
	}
	for i := 2; i < 1000; i++ {
		p := filepath.Join(dir, "page-"+strconv.Itoa(i)+".html")
		if _, err := os.Stat(p); err != nil {
			break
		}
		out = append(out, p)
	}
	return out
}

type sitePost struct {
	id         int64
	name, kind string
	date       string
	likes      []string
	page       int
}

// threadPosts reads every post of a thread from its pages, in page order.
func threadPosts(t *testing.T, out string, id int64) []sitePost {
	t.Helper()
	var posts []sitePost
	for i, p := range pagesOf(t, filepath.Join(out, "thread", strconv.FormatInt(id, 10))) {
		doc := parsePage(t, p)
		for _, a := range all(doc, "article.post") {
			pid, _ := strconv.ParseInt(strings.TrimPrefix(attr(a, "id"), "post-"), 10, 64)
			sp := sitePost{id: pid, page: i + 1}
			if u := one(a, ".mini .name .user"); u != nil {
				sp.name = text(u)
				sp.kind = strings.TrimSpace(strings.TrimPrefix(attr(u, "class"), "user"))
			}
			if tm := one(a, ".body > header time"); tm != nil {
				sp.date = attr(tm, "datetime")
			}
			for _, l := range all(a, ".likes .user") {
				sp.likes = append(sp.likes, text(l))
			}
			posts = append(posts, sp)
		}
	}
	return posts
}

func isoMS(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05Z") }

func checkComplete(t *testing.T, out string, tr *siteTruth, long, hostileID int64) {
	// Every post of the truth on its thread's pages, in order, with author and date.
	var nPosts, nLikes int
	for _, tid := range tr.threadOrder {
		got := threadPosts(t, out, tid)
		var ids []int64
		byID := map[int64]sitePost{}
		for _, p := range got {
			if p.id == hostileID {
				if tid != long || p.page != 2 {
					t.Errorf("the hostile post is on thread %d page %d, want thread %d page 2", tid, p.page, long)
				}
				continue
			}
			ids = append(ids, p.id)
			byID[p.id] = p
		}
		if fmt.Sprint(ids) != fmt.Sprint(tr.postsOf[tid]) {
			t.Errorf("thread %d: posts %v, want %v", tid, ids, tr.postsOf[tid])
			continue
		}
		for _, pid := range tr.postsOf[tid] {
			want := tr.posts[pid]
			name, kind := tr.authorOf(want)
			sp := byID[pid]
			if sp.name != name || sp.kind != kind {
				t.Errorf("post %d: author %q (%s), want %q (%s)", pid, sp.name, sp.kind, name, kind)
			}
			if d := isoMS(num(want["date"])); sp.date != d {
				t.Errorf("post %d: date %q, want %q", pid, sp.date, d)
			}
			var likers []string
			for _, uid := range tr.likes[pid] {
				likers = append(likers, str(tr.users[uid]["name"]))
			}
			sort.Strings(likers)
			gotLikes := append([]string(nil), sp.likes...)
			sort.Strings(gotLikes)
			if fmt.Sprint(likers) != fmt.Sprint(gotLikes) {
				t.Errorf("post %d: liked by %v, want %v", pid, gotLikes, likers)
			}
			nPosts++
			nLikes += len(likers)
		}
	}
	// Every thread on its board's pages.
	onBoard := map[int64][]int64{}
	for _, bid := range sortedKeys(tr.boards) {
		if tr.boards[bid]["password_protected"] == true {
			if _, err := os.Stat(filepath.Join(out, "board", strconv.FormatInt(bid, 10))); err == nil {
				t.Errorf("password-protected board %d is in the site", bid)
			}
			continue
		}
		for _, p := range pagesOf(t, filepath.Join(out, "board", strconv.FormatInt(bid, 10))) {
			for _, row := range all(parsePage(t, p), "tr.thread") {
				id, _ := strconv.ParseInt(strings.TrimPrefix(attr(row, "id"), "thread-"), 10, 64)
				onBoard[bid] = append(onBoard[bid], id)
			}
		}
	}
	wantOn := map[int64][]int64{}
	for _, tid := range tr.threadOrder {
		b := num(tr.threads[tid]["board_id"])
		wantOn[b] = append(wantOn[b], tid)
	}
	for b := range tr.boards {
		got, want := onBoard[b], wantOn[b]
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("board %d lists threads %v, want %v", b, got, want)
		}
	}
	// Every member has a page with their name.
	var nUsers int
	for _, id := range sortedKeys(tr.users) {
		if id <= 0 {
			continue
		}
		doc := parsePage(t, filepath.Join(out, "user", strconv.FormatInt(id, 10), "index.html"))
		if h := one(doc, "h1"); h == nil || text(h) != str(tr.users[id]["name"]) {
			t.Errorf("user %d: page title %q, want %q", id, text(h), str(tr.users[id]["name"]))
		}
		nUsers++
	}
	// Polls with their options, votes and voters.
	for _, pid := range sortedKeys(tr.polls) {
		doc := parsePage(t, filepath.Join(out, "thread", strconv.FormatInt(pid, 10), "index.html"))
		poll := one(doc, "section.poll")
		if poll == nil {
			t.Errorf("thread %d: no poll", pid)
			continue
		}
		if h := text(one(poll, "h2")); !strings.Contains(h, str(tr.polls[pid]["name"])) {
			t.Errorf("poll %d: heading %q, want the question %q", pid, h, str(tr.polls[pid]["name"]))
		}
		var got, want []string
		for _, li := range all(poll, ".options li") {
			got = append(got, text(one(li, ".option"))+"="+text(one(li, ".votes")))
		}
		for _, o := range tr.options[pid] {
			want = append(want, str(o["name"])+"="+strconv.FormatInt(num(o["votes"]), 10))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("poll %d: options %v, want %v", pid, got, want)
		}
		var gotV, wantV []string
		for _, v := range all(poll, ".voters .user") {
			gotV = append(gotV, text(v))
		}
		for _, uid := range tr.voters[pid] {
			wantV = append(wantV, str(tr.users[uid]["name"]))
		}
		sort.Strings(gotV)
		sort.Strings(wantV)
		if fmt.Sprint(gotV) != fmt.Sprint(wantV) {
			t.Errorf("poll %d: voters %v, want %v", pid, gotV, wantV)
		}
	}
	if nLikes == 0 {
		t.Error("no likes checked")
	}
	t.Logf("checked %d threads, %d posts, %d likes, %d members, %d polls", len(tr.threadOrder), nPosts, nLikes, nUsers, len(tr.polls))
}

func sortedKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// checkLinks follows every relative href and src of every page to a file
// (and a #post-N to its anchor), and fails on anything a page would load
// from the network.
func checkLinks(t *testing.T, out string) {
	var pagesN, links int
	anchors := map[string]map[string]bool{}
	hasAnchor := func(file, frag string) bool {
		if anchors[file] == nil {
			anchors[file] = map[string]bool{}
			for _, n := range all(parsePage(t, file), "[id]") {
				anchors[file][attr(n, "id")] = true
			}
		}
		return anchors[file][frag]
	}
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		pagesN++
		doc := parsePage(t, path)
		check := func(tag, ref string, mayLeave bool) {
			if ref == "" {
				t.Errorf("%s: empty link on <%s>", path, tag)
				return
			}
			u, err := url.Parse(ref)
			if err != nil {
				t.Errorf("%s: bad link %q: %v", path, ref, err)
				return
			}
			if u.Scheme != "" || u.Host != "" {
				if !mayLeave || (u.Scheme != "http" && u.Scheme != "https") {
					t.Errorf("%s: <%s> reaches outside the archive: %q", path, tag, ref)
				}
				return
			}
			links++
			target := path
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(path), filepath.FromSlash(u.Path))
				if !strings.HasPrefix(target, out+string(filepath.Separator)) {
					t.Errorf("%s: %q leaves the site folder", path, ref)
					return
				}
				fi, err := os.Stat(target)
				if err != nil || fi.IsDir() {
					t.Errorf("%s: broken link %q", path, ref)
					return
				}
			}
			if strings.HasPrefix(u.Fragment, "post-") && !hasAnchor(target, u.Fragment) {
				t.Errorf("%s: %q: no such anchor", path, ref)
			}
		}
		for _, n := range all(doc, "a[href], area[href]") {
			check(n.Data, attr(n, "href"), true)
		}
		for _, n := range all(doc, "link[href]") {
			check(n.Data, attr(n, "href"), false)
		}
		for _, n := range all(doc, "[src]") {
			check(n.Data, attr(n, "src"), false)
		}
		for _, n := range all(doc, "[srcset], [style*=url], iframe, object, embed, base") {
			t.Errorf("%s: <%s> may load from the network", path, n.Data)
		}
		for _, n := range all(doc, "form") {
			check(n.Data, attr(n, "action"), false)
		}
		for _, n := range all(doc, `meta[http-equiv="refresh"]`) {
			c := attr(n, "content")
			i := strings.Index(c, "url=")
			if i < 0 {
				t.Errorf("%s: refresh without url: %q", path, c)
				continue
			}
			check("meta", c[i+4:], false)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pagesN < 100 || links < 1000 {
		t.Fatalf("only %d pages and %d links checked", pagesN, links)
	}
	t.Logf("%d pages, %d relative links and sources, all resolve", pagesN, links)
}

// checkPrivacy: no e-mail address or birthdate of the truth anywhere.
func checkPrivacy(t *testing.T, out string, tr *siteTruth) {
	var secrets []string
	for _, u := range tr.users {
		for _, k := range []string{"email", "birthdate"} {
			if s := str(u[k]); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d e-mail addresses and birthdates in the truth: the test would prove little", len(secrets))
	}
	var files int
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, filepath.Join(out, "images")+string(filepath.Separator)) {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) || bytes.Contains(b, []byte(html.EscapeString(s))) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	t.Logf("%d files free of %d e-mail addresses and birthdates", files, len(secrets))
}

// checkOptions: --include-protected, --exclude-board and --redact-user.
func checkOptions(t *testing.T, db, out string, tr *siteTruth) {
	var protected, excluded int64
	for _, id := range sortedKeys(tr.boards) {
		if tr.boards[id]["password_protected"] == true && protected == 0 {
			protected = id
		}
	}
	// A board with threads; its threads must vanish with it.
	for _, tid := range tr.threadOrder {
		if b := num(tr.threads[tid]["board_id"]); b != protected {
			excluded = b
			break
		}
	}
	// A member who wrote posts.
	redacted := num(tr.posts[tr.postsOf[tr.threadOrder[0]][0]]["user_id"])
	for _, tid := range tr.threadOrder {
		for _, pid := range tr.postsOf[tid] {
			if id := num(tr.posts[pid]["user_id"]); id > 1 && tr.posts[pid]["guest_name"] == nil {
				redacted = id
			}
		}
	}
	if protected == 0 || redacted <= 0 {
		t.Fatal("no password-protected board or no member with posts")
	}
	alt := filepath.Join(t.TempDir(), "site")
	run(t, nil, nil, "pb-site", db, "-o", alt, "--include-protected",
		"--exclude-board", strconv.FormatInt(excluded, 10), "--redact-user", strconv.FormatInt(redacted, 10))
	if _, err := os.Stat(filepath.Join(alt, "board", strconv.FormatInt(protected, 10), "index.html")); err != nil {
		t.Errorf("--include-protected: board %d missing: %v", protected, err)
	}
	for _, tid := range tr.threadOrder {
		if num(tr.threads[tid]["board_id"]) == excluded {
			if _, err := os.Stat(filepath.Join(alt, "thread", strconv.FormatInt(tid, 10))); err == nil {
				t.Errorf("--exclude-board %d: its thread %d is in the site", excluded, tid)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(alt, "board", strconv.FormatInt(excluded, 10))); err == nil {
		t.Errorf("--exclude-board %d: the board is in the site", excluded)
	}
	if _, err := os.Stat(filepath.Join(alt, "user", strconv.FormatInt(redacted, 10))); err == nil {
		t.Errorf("--redact-user %d: the profile page is written", redacted)
	}
	name := str(tr.users[redacted]["name"])
	var shown int
	for _, tid := range tr.threadOrder {
		if num(tr.threads[tid]["board_id"]) == excluded {
			continue
		}
		for _, p := range threadPosts(t, alt, tid) {
			if tp := tr.posts[p.id]; tp != nil && num(tp["user_id"]) == redacted {
				if p.name != "a former member" {
					t.Errorf("post %d of the redacted member shows %q", p.id, p.name)
				}
				shown++
			}
			if p.name == name {
				t.Errorf("post %d: the redacted member's name %q is shown", p.id, name)
			}
		}
	}
	if shown == 0 {
		t.Error("no post of the redacted member was checked")
	}
	checkLinks(t, alt)
}

// fileStates maps each file of a site to its content.
func fileStates(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	return out
}

func sameTree(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	var diff []string
	for p, v := range a {
		if w, ok := b[p]; !ok {
			diff = append(diff, "only in the first: "+p)
		} else if v != w {
			diff = append(diff, "differs: "+p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diff = append(diff, "only in the second: "+p)
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("%s: %d files differ:\n%s", what, len(diff), strings.Join(diff[:min(len(diff), 15)], "\n"))
	}
}

// checkDeterministic: two builds are byte-identical; a rebuild after one
// post changes rewrites only its thread's pages and the indexes that show
// it, and a deleted thread's pages disappear; each rebuild equals a fresh one.
func checkDeterministic(t *testing.T, db, out string, tr *siteTruth, long int64) {
	second := filepath.Join(t.TempDir(), "site")
	run(t, nil, nil, "pb-site", db, "-o", second)
	before := fileStates(t, out)
	sameTree(t, "two builds", before, fileStates(t, second))

	work := filepath.Join(t.TempDir(), "forum.db")
	images := filepath.Join(filepath.Dir(db), "images")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec(`VACUUM INTO ?`, work); err != nil {
		t.Fatal(err)
	}
	st.Close()
	changed := tr.postsOf[long][len(tr.postsOf[long])-1]
	author := num(tr.posts[changed]["user_id"])
	var gone int64
	for _, tid := range tr.threadOrder {
		if tid != long && tr.polls[tid] == nil {
			gone = tid
		}
	}
	exec := func(q string, args ...any) {
		st, err := store.Open(work)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.DB.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// Mark every file old, so a rewritten one shows by its time.
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	touchAll := func() {
		filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				os.Chtimes(path, old, old)
			}
			return err
		})
	}
	rewritten := func() []string {
		var out2 []string
		filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if fi, err := d.Info(); err == nil && !fi.ModTime().Equal(old) {
				rel, _ := filepath.Rel(out, path)
				out2 = append(out2, filepath.ToSlash(rel))
			}
			return nil
		})
		sort.Strings(out2)
		return out2
	}

	exec(`UPDATE post SET message = message || ' an edited sentence' WHERE id = ?`, changed)
	touchAll()
	run(t, nil, nil, "pb-site", work, "-o", out, "--images", images)
	got := rewritten()
	threadDir := "thread/" + strconv.FormatInt(long, 10) + "/"
	userDir := "user/" + strconv.FormatInt(author, 10) + "/"
	var sawThread bool
	for _, p := range got {
		switch {
		case strings.HasPrefix(p, threadDir):
			sawThread = true
		case strings.HasPrefix(p, userDir), strings.HasPrefix(p, "search/"), p == ".pb-site-manifest":
			// The author's profile lists the post; the search index and the
			// manifest of its files change with its words.
		default:
			t.Errorf("editing post %d rewrote %s", changed, p)
		}
	}
	if !sawThread {
		t.Errorf("editing post %d did not rewrite its thread's page; rewritten: %v", changed, got)
	}
	fresh := filepath.Join(t.TempDir(), "site")
	run(t, nil, nil, "pb-site", work, "-o", fresh, "--images", images)
	sameTree(t, "incremental and fresh build after an edit", fileStates(t, out), fileStates(t, fresh))
	t.Logf("an edited post rewrote %d files: %v", len(got), got)

	exec(`DELETE FROM post WHERE thread_id = ?`, gone)
	exec(`DELETE FROM thread WHERE id = ?`, gone)
	run(t, nil, nil, "pb-site", work, "-o", out, "--images", images)
	if _, err := os.Stat(filepath.Join(out, "thread", strconv.FormatInt(gone, 10))); err == nil {
		t.Errorf("deleted thread %d still has pages", gone)
	}
	for _, pid := range tr.postsOf[gone] {
		if _, err := os.Stat(filepath.Join(out, "post", strconv.FormatInt(pid, 10)+".html")); err == nil {
			t.Errorf("post %d of deleted thread %d still has its page", pid, gone)
		}
	}
	fresh2 := filepath.Join(t.TempDir(), "site")
	run(t, nil, nil, "pb-site", work, "-o", fresh2, "--images", images)
	sameTree(t, "incremental and fresh build after a deletion", fileStates(t, out), fileStates(t, fresh2))
}

// uniqueQuery finds two words that, as the search matches them (prefixes
// of words), occur together in exactly one post of the truth.
func uniqueQuery(tr *siteTruth, skipThread int64) (string, int64) {
	words := func(p map[string]any) []string {
		s := strings.ToLower(htmlText(str(p["message"])))
		return strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	}
	type doc struct {
		id int64
		ws []string
	}
	var docs []doc
	for _, tid := range tr.threadOrder {
		for _, pid := range tr.postsOf[tid] {
			p := tr.posts[pid]
			ws := words(p)
			// Title and author are indexed too.
			ws = append(ws, strings.FieldsFunc(strings.ToLower(str(tr.threads[tid]["title"])+" "+str(tr.users[num(p["user_id"])]["name"])+" "+str(p["guest_name"])), func(r rune) bool { return !unicode.IsLetter(r) })...)
			docs = append(docs, doc{pid, ws})
		}
	}
	has := func(ws []string, w string) bool {
		for _, x := range ws {
			if strings.HasPrefix(x, w) {
				return true
			}
		}
		return false
	}
	for _, d := range docs {
		if tr.posts[d.id]["thread_id"] != nil && num(tr.posts[d.id]["thread_id"]) == skipThread {
			continue
		}
		var cand []string
		for _, w := range d.ws {
			if len(w) >= 5 && w == strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' {
					return r
				}
				return -1
			}, w) {
				cand = append(cand, w)
			}
		}
		for i := range cand {
			for j := i + 1; j < len(cand); j++ {
				if cand[i] == cand[j] {
					continue
				}
				n := 0
				for _, e := range docs {
					if has(e.ws, cand[i]) && has(e.ws, cand[j]) {
						n++
					}
				}
				if n == 1 {
					return cand[i] + " " + cand[j], d.id
				}
			}
		}
	}
	return "", 0
}

func htmlText(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return s
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(text(n) + " ")
	}
	return b.String()
}

// browse walks the site in headless Chromium from file://: home, board,
// thread, page 2, the author's page, a search that lands on its post, with
// no console error, no script of a post running and no request leaving
// file://. Screenshots go to $PB_TEST_OUT (or a temporary folder).
func browse(t *testing.T, bin, out, db string, tr *siteTruth, long, hostileID int64) {
	shots := os.Getenv("PB_TEST_OUT")
	if shots == "" {
		shots = t.TempDir()
	}
	shots = filepath.Join(shots, "site-screenshots")
	os.MkdirAll(shots, 0o755)

	l := launcher.New().Bin(bin).Headless(true).Leakless(true).UserDataDir(t.TempDir()).
		Set("disable-gpu").Set("disable-background-networking").Set("disable-component-update").
		Set("no-first-run").Set("disable-sync")
	if os.Geteuid() == 0 {
		l = l.NoSandbox(true)
	}
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	defer l.Kill()
	br := rod.New().ControlURL(u)
	if err := br.Connect(); err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	br = br.Timeout(8 * time.Minute) // a bound, not a measure: the machine may be busy

	var mu sync.Mutex
	var requests, problems []string
	page, err := br.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	go page.EachEvent(
		func(e *proto.NetworkRequestWillBeSent) {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		},
		func(e *proto.FetchRequestPaused) {
			mu.Lock()
			requests = append(requests, "paused "+e.Request.URL)
			mu.Unlock()
			proto.FetchFailRequest{RequestID: e.RequestID, ErrorReason: proto.NetworkErrorReasonBlockedByClient}.Call(page)
		},
		func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type == proto.RuntimeConsoleAPICalledTypeError || e.Type == proto.RuntimeConsoleAPICalledTypeAssert {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("console.%s: %v", e.Type, e.Args))
				mu.Unlock()
			}
		},
		func(e *proto.RuntimeExceptionThrown) {
			mu.Lock()
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
			mu.Unlock()
		},
		func(e *proto.LogEntryAdded) {
			if e.Entry.Level == proto.LogLogEntryLevelError {
				mu.Lock()
				problems = append(problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
				mu.Unlock()
			}
		},
	)()
	for _, call := range []interface{ Call(proto.Client) error }{
		proto.NetworkEnable{}, proto.RuntimeEnable{}, proto.LogEnable{},
		// Every http(s) request pauses here (and fails), so one cannot even start.
		proto.FetchEnable{Patterns: []*proto.FetchRequestPattern{{URLPattern: "http*"}}},
	} {
		if err := call.Call(page); err != nil {
			t.Fatal(err)
		}
	}
	if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1000, Height: 1300, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}

	at := func() string {
		info, err := page.Info()
		if err != nil {
			t.Fatal(err)
		}
		return info.URL
	}
	// follow clicks the first element matching sel and waits for the next page.
	follow := func(sel string) {
		t.Helper()
		el, err := page.Timeout(time.Minute).Element(sel)
		if err != nil {
			t.Fatalf("on %s: no %s: %v", at(), sel, err)
		}
		from := at()
		if err := el.Click(proto.InputMouseButtonLeft, 1); err != nil {
			t.Fatalf("on %s: clicking %s: %v", from, sel, err)
		}
		for i := 0; i < 1200 && at() == from; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if err := page.WaitLoad(); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(name string) string {
		b, err := page.Screenshot(false, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(shots, name+".png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	expectAt := func(suffix string) {
		t.Helper()
		if u := at(); !strings.HasSuffix(u, suffix) {
			t.Fatalf("at %s, want …%s", u, suffix)
		}
	}

	if err := page.Navigate("file://" + out + "/index.html"); err != nil {
		t.Fatal(err)
	}
	page.WaitLoad()
	shot("1-home")
	board := num(tr.threads[long]["board_id"])
	follow(fmt.Sprintf(`a[href="board/%d/index.html"]`, board))
	expectAt(fmt.Sprintf("/board/%d/index.html", board))
	shot("2-board")
	for i := 0; i < 20; i++ {
		if has, _, _ := page.Has(fmt.Sprintf(`a.title[href$="thread/%d/index.html"]`, long)); has {
			break
		}
		follow(`.pager a[rel="next"]`)
	}
	follow(fmt.Sprintf(`a.title[href$="thread/%d/index.html"]`, long))
	expectAt(fmt.Sprintf("/thread/%d/index.html", long))
	threadShot := shot("3-thread")
	follow(`.pager a[rel="next"]`)
	expectAt(fmt.Sprintf("/thread/%d/page-2.html", long))
	shot("4-thread-page-2")
	if has, _, _ := page.Has(fmt.Sprintf("#post-%d", hostileID)); !has {
		t.Errorf("the hostile post is not on page 2")
	}
	// The hostile post's "javascript:" link is clicked too: it must do nothing.
	if el, err := page.ElementR(fmt.Sprintf("#post-%d .message a", hostileID), "click me"); err != nil {
		t.Errorf("the hostile post's link is gone: %v", err)
	} else {
		el.Click(proto.InputMouseButtonLeft, 1)
		time.Sleep(300 * time.Millisecond)
		expectAt(fmt.Sprintf("/thread/%d/page-2.html", long))
	}
	if v, err := page.Eval(`() => typeof window.pwned`); err != nil || v.Value.Str() != "undefined" {
		t.Errorf("a script from a post ran: window.pwned is %v (%v)", v, err)
	}
	follow(`article.post .mini .name a.user`)
	if !strings.Contains(at(), "/user/") {
		t.Fatalf("the author's link led to %s", at())
	}
	if el, err := page.Element("h1"); err != nil || el.MustText() == "" {
		t.Error("the author's page has no name")
	}
	shot("5-author")

	q, want := uniqueQuery(tr, 0)
	if q == "" {
		t.Fatal("no query matches exactly one post")
	}
	follow(`header.top a[href$="search.html"]`)
	el, err := page.Element("#q")
	if err != nil {
		t.Fatal(err)
	}
	el.MustInput(q)
	from := at()
	el.MustType(input.Enter)
	for i := 0; i < 1200 && at() == from; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	page.WaitLoad()
	start := time.Now()
	hit, err := page.Timeout(time.Minute).Element("a.hit")
	if err != nil {
		t.Fatalf("search %q: no hit: %v", q, err)
	}
	t.Logf("search %q answered in about %s", q, time.Since(start).Round(time.Millisecond))
	shot("6-search")
	if hits, _ := page.Elements("a.hit"); len(hits) != 1 {
		t.Errorf("search %q: %d hits, want 1 (post %d)", q, len(hits), want)
	}
	href, _ := hit.Attribute("href")
	if href == nil || !strings.HasSuffix(*href, fmt.Sprintf("#post-%d", want)) {
		t.Errorf("search %q: the hit links to %v, want post %d", q, href, want)
	}
	follow("a.hit")
	expectAt(fmt.Sprintf("#post-%d", want))
	if has, _, _ := page.Has(fmt.Sprintf("article#post-%d", want)); !has {
		t.Errorf("the search hit's page has no post %d", want)
	}
	// The hostile word is indexed too: its post is found.
	if err := page.Navigate("file://" + out + "/search.html?q=" + hostileWord); err != nil {
		t.Fatal(err)
	}
	page.WaitLoad()
	if hit, err := page.Timeout(time.Minute).Element("a.hit"); err != nil {
		t.Errorf("search %s: no hit", hostileWord)
	} else if h, _ := hit.Attribute("href"); h == nil || !strings.HasSuffix(*h, fmt.Sprintf("#post-%d", hostileID)) {
		t.Errorf("search %s: hit %v", hostileWord, h)
	}

	mu.Lock()
	defer mu.Unlock()
	var files int
	for _, r := range requests {
		if !strings.HasPrefix(r, "file://") && r != "about:blank" {
			t.Errorf("a request left file://: %s", r)
		} else {
			files++
		}
	}
	if files < 10 {
		t.Errorf("only %d requests recorded: is the Network domain on?", files)
	}
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	t.Logf("%d file:// requests; screenshots in %s", files, shots)

	// The README shows a thread page.
	doc := filepath.Join(root, "docs", "img", "site-thread.png")
	if _, err := os.Stat(doc); err != nil || os.Getenv("PB_UPDATE_DOCS") != "" {
		b, _ := os.ReadFile(threadShot)
		os.MkdirAll(filepath.Dir(doc), 0o755)
		os.WriteFile(doc, b, 0o644)
	}
}
