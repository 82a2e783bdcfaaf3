package store

import (
	"context"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestVanishedPostsAreMarkedNotErased: a re-crawled thread page that no
// longer shows a post marks it in post_deleted, keeps its row, and a post
// that shows up again loses the mark.
func TestVanishedPostsAreMarkedNotErased(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	load := func(lines ...string) {
		t.Helper()
		if _, err := st.Load(context.Background(), strings.NewReader(strings.Join(lines, "\n")), io.Discard, Options{Batch: 10}); err != nil {
			t.Fatal(err)
		}
	}
	deleted := func() []int64 {
		t.Helper()
		rows, err := st.DB.Query(`SELECT post_id FROM post_deleted ORDER BY post_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	var posts []string
	for _, id := range []string{"10", "11", "12", "13", "14", "15", "16", "90"} {
		thread := "1"
		if id == "90" {
			thread = "2" // another thread's post is never touched
		}
		posts = append(posts, `{"type":"post","id":`+id+`,"thread_id":`+thread+`,"message":"m`+id+`"}`)
	}
	load(posts...)

	// Page 1 shows 10, 11, 13 (12 vanished); page 2, the last, shows 14, 15 (16 vanished).
	load(`{"type":"outcome","url":"http://f/thread/1/t","status":"done","entities":3,"fetched_at":5,"thread_id":1,"post_ids":[10,11,13],"first_page":true}`,
		`{"type":"outcome","url":"http://f/thread/1/t?page=2","status":"done","entities":2,"fetched_at":6,"thread_id":1,"post_ids":[14,15],"last_page":true}`)
	if got := deleted(); !reflect.DeepEqual(got, []int64{12, 16}) {
		t.Fatalf("post_deleted = %v, want [12 16]", got)
	}
	var n int
	st.DB.QueryRow(`SELECT count(*) FROM post WHERE thread_id = 1`).Scan(&n)
	if n != 7 {
		t.Fatalf("thread 1 has %d posts after the deletions, want all 7 kept", n)
	}

	// A failed page says nothing; a page showing 12 again unmarks it.
	load(`{"type":"outcome","url":"http://f/thread/1/t","status":"failed","reason":"x","entities":0,"fetched_at":7,"thread_id":1,"post_ids":[10]}`,
		`{"type":"outcome","url":"http://f/thread/1/t","status":"done","entities":4,"fetched_at":8,"thread_id":1,"post_ids":[10,11,12,13],"first_page":true}`)
	if got := deleted(); !reflect.DeepEqual(got, []int64{16}) {
		t.Fatalf("post_deleted = %v, want [16]", got)
	}
}

// TestPasswordProtectedStaysTrue: a board once found locked stays marked
// after a crawl with its password reads it as an ordinary board, in either order.
func TestPasswordProtectedStaysTrue(t *testing.T) {
	locked := `{"type":"board","id":6,"name":"Staff","password_protected":true}`
	open := `{"type":"board","id":6,"name":"Staff","description":"d","password_protected":false}`
	for _, order := range [][]string{{locked, open}, {open, locked}} {
		st, err := Open(filepath.Join(t.TempDir(), "f.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Load(context.Background(), strings.NewReader(strings.Join(order, "\n")), io.Discard, Options{Batch: 1}); err != nil {
			t.Fatal(err)
		}
		var pp bool
		var desc string
		st.DB.QueryRow(`SELECT password_protected, description FROM board WHERE id = 6`).Scan(&pp, &desc)
		st.Close()
		if !pp || desc != "d" {
			t.Errorf("order %v: password_protected %v, description %q", order, pp, desc)
		}
	}
}
