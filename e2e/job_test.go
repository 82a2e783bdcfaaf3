package e2e

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/store"
)

// TestMirrorOneBoard runs mirror.sh with a job ("board ID") instead of the
// whole forum: the archive gets exactly that board's threads and posts,
// those of its sub-boards included, as the truth has them, and nothing
// outside the board is fetched.
func TestMirrorOneBoard(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 7, Size: "small"})
	truth := f.truthDB(t)
	// A board with sub-boards, none of its tree behind a password.
	open := `coalesce(password_protected, 0) = 0`
	board := query(t, truth, `SELECT p.id FROM board p WHERE `+open+` AND EXISTS (SELECT 1 FROM board c WHERE c.parent_id = p.id AND `+open+`) ORDER BY p.id LIMIT 1`)
	if len(board) != 1 {
		t.Fatal("the fake forum has no open board with sub-boards: the test would prove nothing")
	}
	tree := `WITH RECURSIVE tree(id) AS (SELECT ` + board[0] + ` UNION SELECT b.id FROM board b JOIN tree ON b.parent_id = tree.id WHERE ` + open + `)`
	threads := `SELECT id, board_id, title, views, user_id, locked, sticky, url FROM thread`
	posts := `SELECT id, thread_id, user_id, date, message, edit_user_id, last_edited FROM post`
	wantThreads := query(t, truth, tree+threads+` WHERE board_id IN tree ORDER BY id`)
	wantPosts := query(t, truth, tree+posts+` WHERE thread_id IN (SELECT id FROM thread WHERE board_id IN tree) ORDER BY id`)
	if n := len(query(t, truth, tree+`SELECT id FROM tree`)); n < 2 || len(wantThreads) == 0 {
		t.Fatalf("board %s: %d boards, %d threads: the test would prove nothing", board[0], n, len(wantThreads))
	}

	out := t.TempDir()
	mirrorJob(t, f.URL, out, []string{"board", board[0]}, "PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0")
	db := filepath.Join(out, "forum.db")
	if got := query(t, db, threads+` ORDER BY id`); strings.Join(got, "\n") != strings.Join(wantThreads, "\n") {
		t.Errorf("threads of board %s:\n got %d %q\nwant %d %q", board[0], len(got), got, len(wantThreads), wantThreads)
	}
	if got := query(t, db, posts+` ORDER BY id`); strings.Join(got, "\n") != strings.Join(wantPosts, "\n") {
		t.Errorf("posts of board %s: got %d, want %d", board[0], len(got), len(wantPosts))
	}
	for _, p := range pathsOf(f.log.Take(), mustHost(t, f.URL)) {
		if p == "/" || strings.HasPrefix(p, "/members") || strings.HasPrefix(p, "/user/") {
			t.Errorf("a one-board mirror fetched %s", p)
		}
	}
}

// truthDB loads the forum's ground truth with pb-load into a fresh database.
func (f *forum) truthDB(t *testing.T) string {
	t.Helper()
	var truth bytes.Buffer
	if err := f.WriteTruth(&truth, f.URL); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "truth.db")
	run(t, nil, &truth, "pb-load", "-q", db)
	return db
}

// query returns the rows of a SELECT, each as its values joined by " | ".
func query(t *testing.T, db, q string) []string {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
