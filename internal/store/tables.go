package store

import (
	"fmt"
	"strings"
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

func cols(names ...string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = column{name: n}
	}
	return out
}

// The entity tables, keyed by their natural key. The order of cols is the
// order the apply functions bind values in.
var (
	tCategory = table{"category", []string{"id"}, cols("name")}
	tBoard    = table{"board", []string{"id"}, []column{
		{name: "category_id"}, {name: "description"}, {name: "name"}, {name: "parent_id"},
		{name: "password_protected", merge: mergeLargest}, {name: "url"}}}
	tModerator = table{"moderator", []string{"board_id", "user_id"}, nil}
	tThread    = table{"thread", []string{"id"},
		cols("announcement", "board_id", "locked", "sticky", "title", "url", "user_id", "views")}
	tPost = table{"post", []string{"id"},
		cols("date", "edit_user_id", "last_edited", "message", "thread_id", "url", "user_id")}
	tLike       = table{"post_like", []string{"post_id", "user_id"}, nil}
	tPoll       = table{"poll", []string{"id"}, cols("name")}
	tPollOption = table{"poll_option", []string{"id"}, cols("poll_id", "name", "votes")}
	tPollVoter  = table{"poll_voter", []string{"poll_id", "user_id"}, nil}
	tUser       = table{"user", []string{"id"},
		cols("age", "birthdate", "date_registered", "email", "instant_messengers", "gender", "group",
			"last_online", "latest_status", "location", "name", "post_count", "signature", "url",
			"username", "website", "website_url")}
	tShoutbox = table{"shoutbox_post", []string{"id"}, cols("date", "message", "user_id")}
	tImage    = table{"image", []string{"id"}, []column{
		{"description", mergeImageDescription}, {name: "filename"}, {name: "md5_hash"}, {name: "size"}, {name: "url"},
	}}
	tImageStatus = table{"image_status", []string{"image_id"}, []column{
		{"status", mergeImageStatus}, {"http_status", mergeImageHTTPStatus}, {"post_id", mergeSmallest},
	}}
	// A user has one avatar; a refresh that finds a new one replaces it.
	tAvatar = table{"avatar", []string{"user_id"}, cols("image_id")}
	// A custom profile field; applyUserFields first drops the user's fields
	// that the record's set no longer has.
	tUserField = table{"user_field", []string{"user_id", "name"}, cols("value")}
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
