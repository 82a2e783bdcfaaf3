package site

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/ncruces/go-sqlite3/driver"
)

// Special author ids, as the schema sets them.
const (
	deletedUserID = -1
	staffUserID   = -3
)

// forum is everything pb-site renders, read from the database in one go
// (a forum of a few hundred thousand posts fits in memory comfortably).
type forum struct {
	base       *url.URL // the forum's address, from its boards' and threads' URLs
	categories []*category
	boards     map[int64]*board
	threads    map[int64]*thread
	posts      map[int64]*post
	users      map[int64]*user
	images     map[string]*image // by original URL
	avatars    map[int64]*image  // by user id
	polls      map[int64]*poll   // by thread id
	likes      map[int64][]int64 // post id -> user ids
	shouts     []*shout
	captured   [2]int64 // first and last done_at of the crawl, ms; 0 when unknown
}

type category struct {
	ID     int64
	Name   string
	Boards []*board // top-level boards
}

type board struct {
	ID          int64
	CategoryID  int64
	ParentID    int64
	Name        string
	Description string
	Protected   bool
	URL         string
	Children    []*board
	Threads     []*thread // announcements, stickies, then by latest post
	Posts       int
	Latest      *post
}

type thread struct {
	ID           int64
	BoardID      int64
	Title        string
	URL          string
	UserID       int64
	Views        int64
	Announcement bool
	Sticky       bool
	Locked       bool
	Posts        []*post // by date, then id
}

type post struct {
	ID         int64
	ThreadID   int64
	UserID     int64
	Date       int64
	EditUserID int64
	LastEdited int64
	Message    string
	URL        string
}

type user struct {
	ID             int64
	Name           string
	Username       string
	Group          string
	DateRegistered int64
	LastOnline     int64
	Gender         string
	Location       string
	LatestStatus   string
	PostCount      int64
	Signature      string
	URL            string
	Website        string
	WebsiteURL     string
}

type image struct {
	ID          int64
	Description string
	Filename    string
	URL         string
}

type poll struct {
	ID      int64
	Name    string
	Options []pollOption
	Voters  []int64
}

type pollOption struct {
	ID    int64
	Name  string
	Votes int64
}

type shout struct {
	ID      int64
	Date    int64
	Message string
	UserID  int64
}

// openDB opens the archive read-only: pb-site never writes the database.
func openDB(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(60000)")
	return driver.Open("file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode())
}

// ns reads a nullable text column as "".
type ns = sql.NullString

// ni reads a nullable integer column as 0.
type ni = sql.NullInt64

// each runs q and calls fn for each row after scanning it into dest.
func each(ctx context.Context, db *sql.DB, q string, dest []any, fn func()) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(strings.Fields(q), " "), err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn()
	}
	return rows.Err()
}

// load reads the forum from db.
func load(ctx context.Context, db *sql.DB) (*forum, error) {
	f := &forum{
		boards: map[int64]*board{}, threads: map[int64]*thread{}, posts: map[int64]*post{},
		users: map[int64]*user{}, images: map[string]*image{}, avatars: map[int64]*image{},
		polls: map[int64]*poll{}, likes: map[int64][]int64{},
	}
	var (
		id, a, b, c, d, e   ni
		s1, s2, s3, s4, s5  ns
		s6, s7, s8, s9, s10 ns
		n1, n2, n3          ni
		cats                = map[int64]*category{}
		someURL             string
	)
	err := each(ctx, db, `SELECT id, name FROM category ORDER BY id`, []any{&id, &s1}, func() {
		c := &category{ID: id.Int64, Name: s1.String}
		cats[c.ID] = c
		f.categories = append(f.categories, c)
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, category_id, parent_id, name, description, password_protected, url FROM board ORDER BY id`,
		[]any{&id, &a, &b, &s1, &s2, &c, &s3}, func() {
			f.boards[id.Int64] = &board{ID: id.Int64, CategoryID: a.Int64, ParentID: b.Int64, Name: s1.String,
				Description: s2.String, Protected: c.Int64 != 0, URL: s3.String}
			if someURL == "" {
				someURL = s3.String
			}
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, board_id, title, url, user_id, views, announcement, sticky, locked FROM thread ORDER BY id`,
		[]any{&id, &a, &s1, &s2, &b, &c, &d, &e, &n1}, func() {
			f.threads[id.Int64] = &thread{ID: id.Int64, BoardID: a.Int64, Title: s1.String, URL: s2.String, UserID: b.Int64,
				Views: c.Int64, Announcement: d.Int64 != 0, Sticky: e.Int64 != 0, Locked: n1.Int64 != 0}
			if someURL == "" {
				someURL = s2.String
			}
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, thread_id, user_id, date, edit_user_id, last_edited, message, url FROM post ORDER BY date, id`,
		[]any{&id, &a, &b, &c, &d, &e, &s1, &s2}, func() {
			p := &post{ID: id.Int64, ThreadID: a.Int64, UserID: b.Int64, Date: c.Int64, EditUserID: d.Int64,
				LastEdited: e.Int64, Message: s1.String, URL: s2.String}
			f.posts[p.ID] = p
			if t := f.threads[p.ThreadID]; t != nil {
				t.Posts = append(t.Posts, p)
			}
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, name, username, "group", date_registered, last_online, gender, location, latest_status,
		post_count, signature, url, website, website_url FROM user ORDER BY id`,
		[]any{&id, &s1, &s2, &s3, &a, &b, &s4, &s5, &s6, &c, &s7, &s8, &s9, &s10}, func() {
			f.users[id.Int64] = &user{ID: id.Int64, Name: s1.String, Username: s2.String, Group: s3.String,
				DateRegistered: a.Int64, LastOnline: b.Int64, Gender: s4.String, Location: s5.String,
				LatestStatus: s6.String, PostCount: c.Int64, Signature: s7.String, URL: s8.String,
				Website: s9.String, WebsiteURL: s10.String}
		})
	if err != nil {
		return nil, err
	}
	imgByID := map[int64]*image{}
	// A forum.db of the earlier Python scraper has neither image_status nor post_like.
	imgQuery := `SELECT i.id, i.description, i.filename, i.url FROM image i ORDER BY i.id`
	if hasTable(ctx, db, "image_status") {
		imgQuery = `SELECT i.id, i.description, i.filename, i.url FROM image i
		LEFT JOIN image_status s ON s.image_id = i.id
		WHERE coalesce(s.status, 'ok') = 'ok' ORDER BY i.id`
	}
	err = each(ctx, db, imgQuery,
		[]any{&id, &s1, &s2, &s3}, func() {
			im := &image{ID: id.Int64, Description: s1.String, Filename: s2.String, URL: s3.String}
			if im.Filename == "" || !safeFilename(im.Filename) {
				return
			}
			f.images[im.URL] = im
			imgByID[im.ID] = im
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT user_id, image_id FROM avatar ORDER BY user_id`, []any{&a, &b}, func() {
		if im := imgByID[b.Int64]; im != nil {
			f.avatars[a.Int64] = im
		}
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, name FROM poll ORDER BY id`, []any{&id, &s1}, func() {
		f.polls[id.Int64] = &poll{ID: id.Int64, Name: s1.String}
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT id, poll_id, name, votes FROM poll_option ORDER BY poll_id, id`, []any{&id, &a, &s1, &b}, func() {
		if p := f.polls[a.Int64]; p != nil {
			p.Options = append(p.Options, pollOption{ID: id.Int64, Name: s1.String, Votes: b.Int64})
		}
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT poll_id, user_id FROM poll_voter ORDER BY poll_id, user_id`, []any{&a, &b}, func() {
		if p := f.polls[a.Int64]; p != nil {
			p.Voters = append(p.Voters, b.Int64)
		}
	})
	if err != nil {
		return nil, err
	}
	if hasTable(ctx, db, "post_like") {
		err = each(ctx, db, `SELECT post_id, user_id FROM post_like ORDER BY post_id, user_id`, []any{&a, &b}, func() {
			f.likes[a.Int64] = append(f.likes[a.Int64], b.Int64)
		})
		if err != nil {
			return nil, err
		}
	}
	err = each(ctx, db, `SELECT id, date, message, user_id FROM shoutbox_post ORDER BY date, id`, []any{&id, &a, &s1, &b}, func() {
		f.shouts = append(f.shouts, &shout{ID: id.Int64, Date: a.Int64, Message: s1.String, UserID: b.Int64})
	})
	if err != nil {
		return nil, err
	}
	// The crawl table is optional: a forum.db of the earlier scraper has none.
	if err := db.QueryRowContext(ctx, `SELECT min(done_at), max(done_at) FROM crawl WHERE state = 'done'`).Scan(&n2, &n3); err == nil {
		f.captured = [2]int64{n2.Int64, n3.Int64}
	}
	if someURL != "" {
		if u, err := url.Parse(someURL); err == nil && u.Host != "" {
			f.base = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}
		}
	}
	for _, b := range sortedBoards(f.boards) {
		if p := f.boards[b.ParentID]; p != nil && b.ParentID != b.ID {
			p.Children = append(p.Children, b)
		} else if c := cats[b.CategoryID]; c != nil {
			c.Boards = append(c.Boards, b)
		}
	}
	return f, nil
}

// hasTable reports whether the database has the named table.
func hasTable(ctx context.Context, db *sql.DB, name string) bool {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return err == nil && n > 0
}

// sortedBoards lists boards by id.
func sortedBoards(m map[int64]*board) []*board {
	out := make([]*board, 0, len(m))
	for _, b := range m {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// safeFilename accepts the names pb-images writes (<md5>.<ext>) and refuses
// anything that could leave the images folder.
func safeFilename(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 100 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
