package store

import (
	"fmt"
	"strings"

	"github.com/pb-archive/pb/internal/record"
)

// How a stored value and an incoming one merge. The stored row is a join of
// every record seen for its key, so that a later, fuller record completes an
// earlier partial one and a repeated record changes nothing:
//
//   - latest (the default): an absent (or null) field keeps the stored value;
//     a present one replaces it. For records that agree, as the records of
//     one crawl do, the order they arrive in cannot matter; where two
//     observations disagree (a refresh saw a new view count), the later one
//     wins, which is what a refresh wants.
//   - The few fields that two records legitimately set differently in one
//     crawl use an order-free rule instead, so a shuffled or resumed load
//     gives the same row: see the merge expressions below.
const (
	// mergeLatest: present values win, absent ones keep the row.
	mergeLatest = `COALESCE(%[2]s, %[1]s)`

	// mergeImageDescription: the same image URL may be an avatar, a smiley
	// and embedded in a post. A specific description beats "post image";
	// among specific ones the alphabetically first wins.
	mergeImageDescription = `CASE WHEN %[2]s IS NULL THEN %[1]s WHEN %[1]s IS NULL THEN %[2]s
	  WHEN (%[2]s = 'post image', %[2]s) < (%[1]s = 'post image', %[1]s) THEN %[2]s ELSE %[1]s END`

	// mergeSmallest keeps the smallest value: an image embedded in many posts
	// records the first (lowest id) post it appeared in.
	mergeSmallest = `CASE WHEN %[2]s IS NULL THEN %[1]s WHEN %[1]s IS NULL OR %[2]s < %[1]s THEN %[2]s ELSE %[1]s END`

	// mergeLargest keeps the largest value: a board once seen asking for a
	// password stays password_protected after a crawl with the password
	// reads it like any other board.
	mergeLargest = `CASE WHEN %[2]s IS NULL THEN %[1]s WHEN %[1]s IS NULL OR %[2]s > %[1]s THEN %[2]s ELSE %[1]s END`
)

// mergeImageStatus and mergeImageHTTPStatus treat (status, http_status) as
// one value: a download that succeeded is not undone by a later failure
// (the file is there), otherwise the latest attempt wins. %[3]s is the
// incoming status parameter.
const (
	mergeImageStatus = `CASE WHEN %[2]s IS NULL OR (%[1]s = 'ok' AND %[2]s != 'ok') THEN %[1]s ELSE %[2]s END`
	// For http_status, %[3]s is the incoming status and "status" the stored one.
	mergeImageHTTPStatus = `CASE WHEN %[3]s IS NULL THEN COALESCE(%[2]s, %[1]s)
	  WHEN "status" = 'ok' AND %[3]s != 'ok' THEN %[1]s ELSE %[2]s END`
)

// column is a non-key column and the rule that merges it.
type column struct {
	name  string
	merge string // a merge* template; empty means mergeLatest
}

// table describes one upsert: the key columns (bound first, as ?1..?k) and
// the value columns (bound next, in order). A table with no value columns
// is a set: its rows are only ever inserted.
type table struct {
	name string
	key  []string
	cols []column
}

// field is one column of a table and where its value comes from: the
// record (R), or what the loader worked out for it (d: the author's user id).
type field[R any] struct {
	name  string
	merge string // a merge* template; empty means mergeLatest
	val   func(r *R, d derived) arg
}

// derived are the values the loader works out before it writes a row.
type derived struct {
	author, editor arg // user ids, after guests and staff got their rows
}

// fld declares a column merged by mergeLatest; merged one with another rule.
func fld[R any](name string, val func(*R, derived) arg) field[R] {
	return field[R]{name: name, val: val}
}

func merged[R any](name, merge string, val func(*R, derived) arg) field[R] {
	return field[R]{name: name, merge: merge, val: val}
}

// rowsOf is a table together with the values of its columns: one
// declaration gives the SQL's column list and the order values are bound
// in, so the two cannot drift apart.
type rowsOf[R any] struct {
	table
	vals []func(*R, derived) arg
}

// declare makes a table of fields; the first nkey fields are its key.
func declare[R any](name string, nkey int, fields ...field[R]) rowsOf[R] {
	t := rowsOf[R]{table: table{name: name}}
	for i, f := range fields {
		if i < nkey {
			t.key = append(t.key, f.name)
		} else {
			t.cols = append(t.cols, column{name: f.name, merge: f.merge})
		}
		t.vals = append(t.vals, f.val)
	}
	return t
}

// args appends the row's values for r to dst, in the statements' order.
func (t rowsOf[R]) args(dst []arg, r *R, d derived) []arg {
	for _, v := range t.vals {
		dst = append(dst, v(r, d))
	}
	return dst
}

// userFieldRow is one custom profile field of a user_field record.
type userFieldRow struct {
	userID      int64
	name, value string
}

// The entity tables, keyed by their natural key.
var (
	tCategory = declare("category", 1,
		fld("id", func(r *record.Category, _ derived) arg { return integer(r.ID) }),
		fld("name", func(r *record.Category, _ derived) arg { return optText(r.Name) }))
	tBoard = declare("board", 1,
		fld("id", func(r *record.Board, _ derived) arg { return integer(r.ID) }),
		fld("category_id", func(r *record.Board, _ derived) arg { return optInt(r.CategoryID) }),
		fld("description", func(r *record.Board, _ derived) arg { return optText(r.Description) }),
		fld("name", func(r *record.Board, _ derived) arg { return optText(r.Name) }),
		fld("parent_id", func(r *record.Board, _ derived) arg { return optInt(r.ParentID) }),
		merged("password_protected", mergeLargest, func(r *record.Board, _ derived) arg { return optBool(r.PasswordProtected) }),
		fld("url", func(r *record.Board, _ derived) arg { return optText(r.URL) }))
	tModerator = declare("moderator", 2,
		fld("board_id", func(r *record.Moderator, _ derived) arg { return integer(r.BoardID) }),
		fld("user_id", func(r *record.Moderator, _ derived) arg { return integer(r.UserID) }))
	tThread = declare("thread", 1,
		fld("id", func(r *record.Thread, _ derived) arg { return integer(r.ID) }),
		fld("announcement", func(r *record.Thread, _ derived) arg { return optBool(r.Announcement) }),
		fld("board_id", func(r *record.Thread, _ derived) arg { return optInt(r.BoardID) }),
		fld("locked", func(r *record.Thread, _ derived) arg { return optBool(r.Locked) }),
		fld("sticky", func(r *record.Thread, _ derived) arg { return optBool(r.Sticky) }),
		fld("title", func(r *record.Thread, _ derived) arg { return optText(r.Title) }),
		fld("url", func(r *record.Thread, _ derived) arg { return optText(r.URL) }),
		fld("user_id", func(_ *record.Thread, d derived) arg { return d.author }),
		fld("views", func(r *record.Thread, _ derived) arg { return optInt(r.Views) }))
	tPost = declare("post", 1,
		fld("id", func(r *record.Post, _ derived) arg { return integer(r.ID) }),
		fld("date", func(r *record.Post, _ derived) arg { return optInt(r.Date) }),
		fld("edit_user_id", func(_ *record.Post, d derived) arg { return d.editor }),
		fld("last_edited", func(r *record.Post, _ derived) arg { return optInt(r.LastEdited) }),
		fld("message", func(r *record.Post, _ derived) arg { return optText(r.Message) }),
		fld("thread_id", func(r *record.Post, _ derived) arg { return optInt(r.ThreadID) }),
		fld("url", func(r *record.Post, _ derived) arg { return optText(r.URL) }),
		fld("user_id", func(_ *record.Post, d derived) arg { return d.author }))
	tLike = declare("post_like", 2,
		fld("post_id", func(r *record.Like, _ derived) arg { return integer(r.PostID) }),
		fld("user_id", func(r *record.Like, _ derived) arg { return integer(r.UserID) }))
	tPoll = declare("poll", 1,
		fld("id", func(r *record.Poll, _ derived) arg { return integer(r.ID) }),
		fld("name", func(r *record.Poll, _ derived) arg { return optText(r.Name) }))
	tPollOption = declare("poll_option", 1,
		fld("id", func(r *record.PollOption, _ derived) arg { return integer(r.ID) }),
		fld("poll_id", func(r *record.PollOption, _ derived) arg { return integer(r.PollID) }),
		fld("name", func(r *record.PollOption, _ derived) arg { return optText(r.Name) }),
		fld("votes", func(r *record.PollOption, _ derived) arg { return optInt(r.Votes) }))
	tPollVoter = declare("poll_voter", 2,
		fld("poll_id", func(r *record.PollVoter, _ derived) arg { return integer(r.PollID) }),
		fld("user_id", func(r *record.PollVoter, _ derived) arg { return integer(r.UserID) }))
	tUser = declare("user", 1,
		fld("id", func(r *record.User, _ derived) arg { return integer(r.ID) }),
		fld("age", func(r *record.User, _ derived) arg { return optInt(r.Age) }),
		fld("birthdate", func(r *record.User, _ derived) arg { return optText(r.Birthdate) }),
		fld("date_registered", func(r *record.User, _ derived) arg { return optInt(r.DateRegistered) }),
		fld("email", func(r *record.User, _ derived) arg { return optText(r.Email) }),
		fld("instant_messengers", func(r *record.User, _ derived) arg { return optText(r.InstantMessengers) }),
		fld("gender", func(r *record.User, _ derived) arg { return optText(r.Gender) }),
		fld("group", func(r *record.User, _ derived) arg { return optText(r.Group) }),
		fld("last_online", func(r *record.User, _ derived) arg { return optInt(r.LastOnline) }),
		fld("latest_status", func(r *record.User, _ derived) arg { return optText(r.LatestStatus) }),
		fld("location", func(r *record.User, _ derived) arg { return optText(r.Location) }),
		fld("name", func(r *record.User, _ derived) arg { return optText(r.Name) }),
		fld("post_count", func(r *record.User, _ derived) arg { return optInt(r.PostCount) }),
		fld("signature", func(r *record.User, _ derived) arg { return optText(r.Signature) }),
		fld("url", func(r *record.User, _ derived) arg { return optText(r.URL) }),
		fld("username", func(r *record.User, _ derived) arg { return optText(r.Username) }),
		fld("website", func(r *record.User, _ derived) arg { return optText(r.Website) }),
		fld("website_url", func(r *record.User, _ derived) arg { return optText(r.WebsiteURL) }))
	tShoutbox = declare("shoutbox_post", 1,
		fld("id", func(r *record.ShoutboxPost, _ derived) arg { return integer(r.ID) }),
		fld("date", func(r *record.ShoutboxPost, _ derived) arg { return optInt(r.Date) }),
		fld("message", func(r *record.ShoutboxPost, _ derived) arg { return optText(r.Message) }),
		fld("user_id", func(_ *record.ShoutboxPost, d derived) arg { return d.author }))
	// An avatar record makes its image row from an Image holding only the URL.
	tImage = declare("image", 1,
		fld("id", func(r *record.Image, _ derived) arg { return integer(record.ImageID(r.URL)) }),
		merged("description", mergeImageDescription, func(r *record.Image, _ derived) arg { return nonEmpty(r.Description) }),
		fld("filename", func(r *record.Image, _ derived) arg { return optText(r.Filename) }),
		fld("md5_hash", func(r *record.Image, _ derived) arg { return optText(r.MD5Hash) }),
		fld("size", func(r *record.Image, _ derived) arg { return optInt(r.Size) }),
		fld("url", func(r *record.Image, _ derived) arg { return text(r.URL) }))
	tImageStatus = declare("image_status", 1,
		fld("image_id", func(r *record.Image, _ derived) arg { return integer(record.ImageID(r.URL)) }),
		merged("status", mergeImageStatus, func(r *record.Image, _ derived) arg { return optText(r.Status) }),
		merged("http_status", mergeImageHTTPStatus, func(r *record.Image, _ derived) arg {
			if r.HTTPStatus == nil {
				return null()
			}
			return integer(int64(*r.HTTPStatus))
		}),
		merged("post_id", mergeSmallest, func(r *record.Image, _ derived) arg { return optInt(r.PostID) }))
	// A user has one avatar; a refresh that finds a new one replaces it.
	tAvatar = declare("avatar", 1,
		fld("user_id", func(r *record.Avatar, _ derived) arg { return integer(r.UserID) }),
		fld("image_id", func(r *record.Avatar, _ derived) arg { return integer(record.ImageID(r.URL)) }))
	// A custom profile field; applyUserFields first drops the user's fields
	// that the record's set no longer has.
	tUserField = declare("user_field", 2,
		fld("user_id", func(r *userFieldRow, _ derived) arg { return integer(r.userID) }),
		fld("name", func(r *userFieldRow, _ derived) arg { return text(r.name) }),
		fld("value", func(r *userFieldRow, _ derived) arg { return text(r.value) }))
)

// quote quotes an SQL identifier ("group" is a keyword).
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// insertSQL inserts a new row and does nothing when the key exists; the
// loader then runs updateSQL, so it knows which of the two happened.
func (t table) insertSQL() string {
	names := make([]string, 0, len(t.key)+len(t.cols))
	params := make([]string, 0, cap(names))
	for _, k := range t.key {
		names = append(names, quote(k))
	}
	for _, c := range t.cols {
		names = append(names, quote(c.name))
	}
	for i := range names {
		params = append(params, fmt.Sprintf("?%d", i+1))
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING",
		quote(t.name), strings.Join(names, ", "), strings.Join(params, ", "))
}

// updateSQL merges the bound values into the existing row, and only when
// that changes something: a repeated record writes nothing, and the
// statement's change count says whether the row really changed.
func (t table) updateSQL() string {
	if len(t.cols) == 0 {
		return ""
	}
	var sets, changed, where []string
	// The status parameter, for the http_status rule that depends on it.
	statusParam := ""
	for i, c := range t.cols {
		if c.name == "status" {
			statusParam = fmt.Sprintf("?%d", len(t.key)+i+1)
		}
	}
	for i, c := range t.cols {
		merge := c.merge
		if merge == "" {
			merge = mergeLatest
		}
		expr := fmt.Sprintf(merge, quote(c.name), fmt.Sprintf("?%d", len(t.key)+i+1), statusParam)
		sets = append(sets, fmt.Sprintf("%s = %s", quote(c.name), expr))
		changed = append(changed, fmt.Sprintf("%s IS NOT (%s)", quote(c.name), expr))
	}
	for i, k := range t.key {
		where = append(where, fmt.Sprintf("%s = ?%d", quote(k), i+1))
	}
	return fmt.Sprintf("UPDATE %s SET %s WHERE %s AND (%s)", quote(t.name),
		strings.Join(sets, ", "), strings.Join(where, " AND "), strings.Join(changed, " OR "))
}
