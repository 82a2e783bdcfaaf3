package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesTheSchema(t *testing.T) {
	// A name with URI-special characters must still be the file's name.
	path := filepath.Join(t.TempDir(), "my forum?#%.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at %q: %v", path, err)
	}
	var mode string
	if err := s.DB.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if v, err := s.Version(t.Context()); err != nil || v != SchemaVersion || v < 1 {
		t.Errorf("user_version = %d, %v; want %d", v, err, SchemaVersion)
	}
	d, err := Dump(s.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"category", "board", "moderator", "thread", "post", "poll", "poll_option",
		"poll_voter", "user", "shoutbox_post", "image", "avatar", "post_like", "image_status", "crawl",
		"post_revision", "post_deleted"} {
		if _, ok := d[table]; !ok {
			t.Errorf("no table %s", table)
		}
	}
	s.Close()

	// Reopening keeps the data and the version.
	mustLoad(t, path, lines(`{"type":"category","id":1}`))
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(t.Context()); v != SchemaVersion {
		t.Errorf("user_version after reopening = %d", v)
	}
	if n := count(t, s, "category"); n != 1 {
		t.Errorf("%d categories after reopening", n)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a version-99 database: %v; want a 'newer' error", err)
	}
}

// TestChangedPostKeepsItsRevision: when a refresh brings a different message,
// the earlier one is kept in post_revision.
func TestChangedPostKeepsItsRevision(t *testing.T) {
	s := openTemp(t, "r.db")
	mustLoad(t, s.Path(), lines(
		`{"type":"post","id":1,"thread_id":2}`,
		`{"type":"post","id":1,"message":"first","last_edited":10,"edit_user_id":4}`,
		`{"type":"post","id":1,"message":"first"}`,
		`{"type":"post","id":1,"message":"second","last_edited":20}`,
		`{"type":"post","id":1,"message":"third","last_edited":30}`,
	))
	rows, err := s.DB.Query(`SELECT message, last_edited, edit_user_id FROM post_revision WHERE post_id = 1 ORDER BY seen_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var m string
		var le, eu int64
		if err := rows.Scan(&m, &le, &eu); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
		if le == 0 || eu != 4 {
			t.Errorf("revision %q: last_edited %d, edit_user_id %d", m, le, eu)
		}
	}
	if strings.Join(got, ",") != "first,second" {
		t.Errorf("revisions = %v, want [first second] (a message first seen is not a revision)", got)
	}
	var msg string
	s.DB.QueryRow(`SELECT message FROM post WHERE id = 1`).Scan(&msg)
	if msg != "third" {
		t.Errorf("post message = %q, want the latest", msg)
	}
}
