package fetch

// Password-protected boards against the fake forum.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/parse"
	"github.com/pb-archive/pb/internal/record"
)

// protectedURLs are the urls of the protected board and of its threads.
func (tf *testForum) protectedURLs(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, u := range tf.urls {
		if strings.Contains(u, fmt.Sprintf("/board/%d/", protectedBoard)) ||
			strings.Contains(u, "/thread/") && strings.Contains(tf.ref[u], fmt.Sprintf(`"board":{"id":%d,`, protectedBoard)) {
			out = append(out, u)
		}
	}
	if len(out) < 2 {
		t.Fatalf("the protected board and its threads are not among the urls: %v", out)
	}
	return out
}

// passwordPosts counts the POSTs of the protected board's form.
func (tf *testForum) passwordPosts(t *testing.T) int {
	n := 0
	for _, e := range tf.log.Entries() {
		if e.Method == http.MethodPost && strings.HasPrefix(e.Path, fmt.Sprintf("/board/%d/", protectedBoard)) {
			n++
		}
	}
	return n
}

// TestUnlockedBoardIsArchived fetches the whole forum with the protected
// board's password: its pages come back unlocked, the password is posted
// once, and pb-parse gets from them exactly the threads and posts the
// forum's unlocked truth holds for that board.
func TestUnlockedBoardIsArchived(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", unlocked: true, boardPW: "open sesame", faults: map[string]float64{"pow": 0.3}})
	protected := tf.protectedURLs(t)
	res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "-c", "8", "--board-password", "6=open sesame")...))
	if res.code != 0 {
		t.Fatalf("exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	for _, u := range tf.urls {
		if p := pages[u]; p == nil || p["error"] != nil || p["body"] != tf.ref[u] {
			t.Errorf("%s: not the unlocked page (error %v)", u, p["error"])
		}
	}
	if n := tf.passwordPosts(t); n != 1 {
		t.Errorf("the password was posted %d times, want once", n)
	}
	if strings.Contains(res.stderr, "password") {
		t.Errorf("stderr speaks of a password although the board was unlocked:\n%s", res.stderr)
	}

	// What pb-parse makes of the protected board's pages is the unlocked truth.
	var in strings.Builder
	for _, u := range protected {
		b, _ := json.Marshal(pages[u])
		in.Write(append(b, '\n'))
	}
	var out, errb bytes.Buffer
	if code, err := parse.Run(context.Background(), strings.NewReader(in.String()), &out, &errb, parse.Options{}); code != 0 || err != nil {
		t.Fatalf("pb-parse: exit %d, %v\n%s", code, err, errb.String())
	}
	got := boardContent(t, out.Bytes())
	truthForum, err := fakeforum.New(fakeforum.Config{Seed: forumSeed, Size: "small", TruthUnlocked: true})
	if err != nil {
		t.Fatal(err)
	}
	var truth bytes.Buffer
	if err := truthForum.WriteTruth(&truth, tf.srv.URL); err != nil {
		t.Fatal(err)
	}
	want := boardContent(t, truth.Bytes())
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the protected board's threads and posts as parsed:\n%s\nin the unlocked truth:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// boardContent lists the protected board's threads and their posts in an
// NDJSON stream, as "thread ID title" and "post ID thread message-length".
func boardContent(t *testing.T, ndjson []byte) []string {
	t.Helper()
	threads := map[int64]bool{}
	var lines []string
	var posts []record.Post
	for _, l := range bytes.Split(ndjson, []byte("\n")) {
		var head struct{ Type string }
		if json.Unmarshal(l, &head) != nil {
			continue
		}
		switch head.Type {
		case record.TypeThread:
			var th record.Thread
			json.Unmarshal(l, &th)
			if th.BoardID != nil && *th.BoardID == protectedBoard {
				threads[th.ID] = true
				lines = append(lines, fmt.Sprintf("thread %d %q", th.ID, *th.Title))
			}
		case record.TypePost:
			var p record.Post
			json.Unmarshal(l, &p)
			posts = append(posts, p)
		}
	}
	for _, p := range posts {
		if p.ThreadID != nil && threads[*p.ThreadID] {
			lines = append(lines, fmt.Sprintf("post %d thread %d, %d bytes", p.ID, *p.ThreadID, len(*p.Message)))
		}
	}
	sort.Strings(lines)
	return lines
}

func TestBoardPasswordRefused(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", unlocked: true})
	protected := tf.protectedURLs(t)
	res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "-c", "8", "--board-password", "6=hunter2")...))
	if res.code != 1 {
		t.Errorf("exit %d, want 1", res.code)
	}
	pages := pagesByURL(t, decodeLines(t, res.stdout))
	for _, u := range protected {
		e, _ := pages[u]["error"].(string)
		if !strings.Contains(e, "board 6 refused the password given for it") ||
			!strings.Contains(e, "The password you entered is incorrect") {
			t.Errorf("%s: error %q", u, e)
		}
	}
	if n := strings.Count(res.stderr, "refused the password"); n != 1 {
		t.Errorf("the refusal is told %d times, want once:\n%s", n, res.stderr)
	}
	if n := tf.passwordPosts(t); n != 1 {
		t.Errorf("the refused password was posted %d times, want once", n)
	}
	if strings.Contains(res.stdout+res.stderr, "hunter2") {
		t.Error("the board password appears in the output")
	}
}

func TestBoardWithoutPassword(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", unlocked: true})
	board := tf.protectedURLs(t)[0]
	res := runFetch(t, t.Context(), tf.input([]string{board}), parseOptions(t, fastArgs...))
	page := pagesByURL(t, decodeLines(t, res.stdout))[board]
	// The password form reaches pb-parse as it is (it records the board
	// as password protected), and the user is told what to do.
	if res.code != 0 || page == nil || page["error"] != nil || !strings.Contains(page["body"].(string), "password-wrapper") {
		t.Fatalf("exit %d, page %v", res.code, page)
	}
	if !strings.Contains(res.stderr, "board 6 asks for a password. Pass --board-password 6=PASSWORD") {
		t.Errorf("stderr:\n%s", res.stderr)
	}
	if tf.passwordPosts(t) != 0 {
		t.Error("a password was posted without one given")
	}
}
