package site

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/store"
)

// smallForum is a forum of one board and thread whose posts are written by
// a member, a guest, a deleted user and ProBoards staff, with a private
// member profile, a like and a poll.
const smallForum = `{"type":"category","id":1,"name":"Main"}
{"type":"board","id":3,"category_id":1,"name":"General","url":"http://forum.test/board/3/general"}
{"type":"board","id":4,"category_id":1,"name":"Secret","password_protected":true,"url":"http://forum.test/board/4/secret"}
{"type":"user","id":9,"name":"Ada","group":"Member","email":"ada@example.com","birthdate":"March 3, 1990","post_count":2,"signature":"<i>sig</i><script>x()</script>","url":"http://forum.test/user/9"}
{"type":"thread","id":7,"board_id":3,"title":"Hello","user_id":9,"url":"http://forum.test/thread/7/hello"}
{"type":"thread","id":8,"board_id":4,"title":"Hidden","user_id":9,"url":"http://forum.test/thread/8/hidden"}
{"type":"post","id":70,"thread_id":7,"user_id":9,"date":1600000000000,"message":"first <a href=\"/post/71\">see</a>","url":"http://forum.test/post/70"}
{"type":"post","id":71,"thread_id":7,"guest_name":"Walker","date":1600000001000,"message":"a guest"}
{"type":"post","id":72,"thread_id":7,"user_id":-1,"date":1600000002000,"message":"gone"}
{"type":"post","id":73,"thread_id":7,"user_id":-3,"staff_name":"Pat (Staff)","date":1600000003000,"message":"staff"}
{"type":"post","id":80,"thread_id":8,"user_id":9,"date":1600000004000,"message":"hidden words"}
{"type":"like","post_id":71,"user_id":9}
{"type":"poll","id":7,"name":"Tea?"}
{"type":"poll_option","id":1,"poll_id":7,"name":"Yes","votes":3}
{"type":"poll_voter","poll_id":7,"user_id":9}
`

func loadForum(t *testing.T, ndjson string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "forum.db")
	var errb bytes.Buffer
	if code, err := store.Run(context.Background(), strings.NewReader(ndjson), io.Discard, &errb, store.Options{DB: db, Batch: 100, BatchTime: 1e9, Quiet: true}); code != 0 || err != nil {
		t.Fatalf("loading: %d %v %s", code, err, errb.String())
	}
	return db
}

func build(t *testing.T, db, out string, extra ...func(*Options)) string {
	t.Helper()
	o := Options{DB: db, Out: out}
	for _, f := range extra {
		f(&o)
	}
	var errb bytes.Buffer
	code, err := Run(context.Background(), nil, io.Discard, &errb, o)
	if code != 0 || err != nil {
		t.Fatalf("pb-site: exit %d, %v\n%s", code, err, errb.String())
	}
	return errb.String()
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunPages(t *testing.T) {
	db := loadForum(t, smallForum)
	out := filepath.Join(t.TempDir(), "site")
	summary := build(t, db, out)
	if !strings.Contains(summary, "1 boards, 1 threads, 4 posts") {
		t.Errorf("summary: %s", summary)
	}
	th := read(t, filepath.Join(out, "thread/7/index.html"))
	for _, want := range []string{
		`class="user member" href="../../user/9/index.html">Ada</a>`,
		`<span class="user guest">Walker</span>`,
		`<span class="user deleted">Deleted User</span>`,
		`<span class="user staff">Pat (Staff)</span>`,
		`<time datetime="2020-09-13T12:26:40Z">`,
		`<a href="../../thread/7/index.html#post-71">see</a>`, // a forum link leads to the archive
		`Liked by <a class="user member" href="../../user/9/index.html">Ada</a>`,
		`<span class="option">Yes</span> <span class="votes">3</span>`,
		`<i>sig</i>`,
	} {
		if !strings.Contains(th, want) {
			t.Errorf("thread page lacks %s", want)
		}
	}
	if strings.Contains(th, "<script>x()") {
		t.Error("a signature's script survived")
	}
	if _, err := os.Stat(filepath.Join(out, "board/4")); err == nil {
		t.Error("a password-protected board is in the site")
	}
	if _, err := os.Stat(filepath.Join(out, "thread/8")); err == nil {
		t.Error("a thread of a password-protected board is in the site")
	}
	if stub := read(t, filepath.Join(out, "post/71.html")); !strings.Contains(stub, `content="0; url=../thread/7/index.html#post-71"`) {
		t.Errorf("post/71.html: %s", stub)
	}
	red := read(t, filepath.Join(out, "redirects.txt"))
	for _, want := range []string{"http://forum.test/thread/7/hello\tthread/7/index.html\n", "http://forum.test/post/70\tpost/70.html\n", "http://forum.test/user/9\tuser/9/index.html\n"} {
		if !strings.Contains(red, want) {
			t.Errorf("redirects.txt lacks %q", want)
		}
	}
	if n := read(t, filepath.Join(out, "_redirects")); !strings.Contains(n, "/thread/7/hello /thread/7/index.html 301\n") {
		t.Errorf("_redirects: %s", n)
	}
	if n := read(t, filepath.Join(out, "redirects.nginx.conf")); !strings.Contains(n, `"/board/3/general" /board/3/index.html;`) {
		t.Errorf("redirects.nginx.conf: %s", n)
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b := read(t, p)
			for _, secret := range []string{"ada@example.com", "March 3, 1990", "hidden words"} {
				if strings.Contains(b, secret) {
					t.Errorf("%s holds %q", p, secret)
				}
			}
		}
		return err
	})

	// With the flags: the protected board is in, the member is redacted.
	alt := filepath.Join(t.TempDir(), "site")
	build(t, db, alt, func(o *Options) { o.IncludeProtected = true; o.RedactUser = []int64{9} })
	if _, err := os.Stat(filepath.Join(alt, "thread/8/index.html")); err != nil {
		t.Errorf("--include-protected: %v", err)
	}
	if _, err := os.Stat(filepath.Join(alt, "user/9")); err == nil {
		t.Error("--redact-user 9: profile written")
	}
	if th := read(t, filepath.Join(alt, "thread/7/index.html")); strings.Contains(th, "Ada") || !strings.Contains(th, "a former member") {
		t.Error("--redact-user 9: the name is still shown")
	}
}

// TestRebuild: the same database gives the same bytes; a rebuild writes
// only what changed and removes what the last build wrote and this one
// does not, leaving other files in the folder alone.
func TestRebuild(t *testing.T) {
	db := loadForum(t, smallForum)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build(t, db, a)
	build(t, db, b)
	fa, fb := tree(t, a), tree(t, b)
	if len(fa) < 10 {
		t.Fatalf("only %d files", len(fa))
	}
	for p, v := range fa {
		if fb[p] != v {
			t.Errorf("%s differs between two builds", p)
		}
	}
	if s := build(t, db, a); !strings.Contains(s, "0 files written") || !strings.Contains(s, "0 removed") {
		t.Errorf("a rebuild of the same database: %s", s)
	}
	own := filepath.Join(a, "README-of-the-host.txt")
	os.WriteFile(own, []byte("mine"), 0o644)

	// Thread 7 moves to the protected board, so its pages must go.
	db2 := loadForum(t, strings.ReplaceAll(smallForum, `"board_id":3,"title":"Hello"`, `"board_id":4,"title":"Hello"`))
	s := build(t, db2, a)
	if _, err := os.Stat(filepath.Join(a, "thread/7")); err == nil {
		t.Error("thread 7 (now on a protected board) still has pages")
	}
	if _, err := os.Stat(filepath.Join(a, "post/70.html")); err == nil {
		t.Error("post 70's page is still there")
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("a file pb-site did not write was removed: %v", err)
	}
	if strings.Contains(s, " 0 removed") {
		t.Errorf("summary says nothing was removed: %s", s)
	}
}

func tree(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out[rel] = read(t, p)
		}
		return err
	})
	return out
}

func TestLocalLinkKeepsIDs(t *testing.T) {
	db := loadForum(t, smallForum)
	out := filepath.Join(t.TempDir(), "site")
	build(t, db, out)
	if !strings.Contains(read(t, filepath.Join(out, "index.html")), `href="board/3/index.html"`) {
		t.Error("home does not link board 3 by its id")
	}
}

// TestOlderScraperDB: a forum.db of the earlier Python scraper has no
// post_like or image_status table; it renders all the same.
func TestOlderScraperDB(t *testing.T) {
	db := loadForum(t, smallForum)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE post_like`, `DROP TABLE image_status`, `DROP TABLE crawl`} {
		if _, err := st.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out := filepath.Join(t.TempDir(), "site")
	build(t, db, out)
	if th := read(t, filepath.Join(out, "thread/7/index.html")); !strings.Contains(th, "Walker") {
		t.Error("thread 7 lacks its guest's post")
	}
}

// TestSearchIndexChunks builds the index of more posts than one document
// chunk holds and reads it back as search.js does: every post is a
// document, in date order, and a term's delta-encoded postings lead to
// exactly the posts that contain it.
func TestSearchIndexChunks(t *testing.T) {
	const n = 2*docChunk + 7
	var sb strings.Builder
	sb.WriteString(`{"type":"category","id":1,"name":"Main"}
{"type":"board","id":3,"category_id":1,"name":"General","url":"http://forum.test/board/3/general"}
{"type":"user","id":9,"name":"Ada","url":"http://forum.test/user/9"}
{"type":"thread","id":7,"board_id":3,"title":"Hello","user_id":9,"url":"http://forum.test/thread/7/hello"}
`)
	want := map[int64]bool{}
	for i := 0; i < n; i++ {
		id := int64(1000 + i)
		msg := "plain words"
		if i%3 == 0 {
			msg = "zebra crossing"
			want[id] = true
		}
		// Dates run backwards against ids, so document order is not id order.
		fmt.Fprintf(&sb, `{"type":"post","id":%d,"thread_id":7,"user_id":9,"date":%d,"message":%q}`+"\n", id, 1600000000000-int64(i)*1000, msg)
	}
	out := filepath.Join(t.TempDir(), "site")
	build(t, loadForum(t, sb.String()), out)
	script := func(path, prefix string) string {
		s := read(t, filepath.Join(out, path))
		if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, ");\n") {
			t.Fatalf("%s: %.60q", path, s)
		}
		return strings.TrimSuffix(strings.TrimPrefix(s, prefix), ");\n")
	}
	var meta struct{ Docs, Chunk int }
	if err := json.Unmarshal([]byte(script("search/index.js", "PBSearch.meta(")), &meta); err != nil || meta.Docs != n || meta.Chunk != docChunk {
		t.Fatalf("meta %+v, %v", meta, err)
	}
	var docs []int64
	for i := 0; i*docChunk < n; i++ {
		var chunk [][]any
		if err := json.Unmarshal([]byte(script(fmt.Sprintf("search/d-%d.js", i), fmt.Sprintf("PBSearch.docs(%d,", i))), &chunk); err != nil {
			t.Fatal(err)
		}
		for _, d := range chunk {
			docs = append(docs, int64(d[0].(float64)))
		}
	}
	if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("search/d-%d.js", (n+docChunk-1)/docChunk))); err == nil {
		t.Error("a document chunk past the last")
	}
	if len(docs) != n {
		t.Fatalf("%d documents, want %d", len(docs), n)
	}
	for i, id := range docs {
		if id != int64(1000+n-1-i) { // oldest first
			t.Fatalf("document %d is post %d, want %d", i, id, 1000+n-1-i)
		}
	}
	var shard map[string][]int
	if err := json.Unmarshal([]byte(script("search/t-"+hex.EncodeToString([]byte("ze"))+".js", `PBSearch.shard("ze",`)), &shard); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	doc := 0
	for _, d := range shard["zebra"] {
		doc += d
		got[docs[doc]] = true
	}
	if len(got) != len(want) {
		t.Fatalf("zebra: %d posts, want %d", len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("zebra: post %d missing", id)
		}
	}
}
