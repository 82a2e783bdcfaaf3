package parse

import (
	"fmt"
	"reflect"

	"github.com/pb-archive/pb/internal/record"
)

// entityKey is the identity of an entity record: its table's primary key.
// Images are keyed by URL (the image table's unique column).
func entityKey(e any) string {
	switch v := e.(type) {
	case *record.Category:
		return fmt.Sprint("category ", v.ID)
	case *record.Board:
		return fmt.Sprint("board ", v.ID)
	case *record.Moderator:
		return fmt.Sprint("moderator ", v.BoardID, " ", v.UserID)
	case *record.Thread:
		return fmt.Sprint("thread ", v.ID)
	case *record.Post:
		return fmt.Sprint("post ", v.ID)
	case *record.Like:
		return fmt.Sprint("like ", v.PostID, " ", v.UserID)
	case *record.Poll:
		return fmt.Sprint("poll ", v.ID)
	case *record.PollOption:
		return fmt.Sprint("poll_option ", v.ID)
	case *record.PollVoter:
		return fmt.Sprint("poll_voter ", v.PollID, " ", v.UserID)
	case *record.User:
		return fmt.Sprint("user ", v.ID)
	case *record.ShoutboxPost:
		return fmt.Sprint("shoutbox_post ", v.ID)
	case *record.Image:
		return "image " + v.URL
	case *record.Avatar:
		return fmt.Sprint("avatar ", v.UserID)
	case *record.UserField:
		return fmt.Sprint("user_field ", v.UserID)
	}
	return fmt.Sprintf("%T %p", e, e)
}

// dedupeEntities keeps one record per key, in first-seen order. A later
// duplicate completes the fields the first one left unknown (a board seen
// as a row and as a sub-board link), it never overrides them.
func dedupeEntities(es []any) []any {
	seen := make(map[string]any, len(es))
	out := es[:0:0]
	for _, e := range es {
		k := entityKey(e)
		if first, ok := seen[k]; ok {
			fillMissing(first, e)
			continue
		}
		seen[k] = e
		out = append(out, e)
	}
	return out
}

// fillMissing copies into *dst every nil pointer field that *src has set.
func fillMissing(dst, src any) {
	d, s := reflect.ValueOf(dst), reflect.ValueOf(src)
	if d.Kind() != reflect.Pointer || s.Type() != d.Type() {
		return
	}
	d, s = d.Elem(), s.Elem()
	for i := 0; i < d.NumField(); i++ {
		if f := d.Field(i); f.Kind() == reflect.Pointer && f.IsNil() && !s.Field(i).IsNil() {
			f.Set(s.Field(i))
		}
	}
}

// dedupeLinks keeps the first link per crawl key (url, render).
func dedupeLinks(ls []record.Link) []record.Link {
	type key struct {
		url    string
		render bool
	}
	seen := make(map[key]bool, len(ls))
	out := ls[:0:0]
	for _, l := range ls {
		k := key{l.URL, l.Render}
		if !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// dedupeStrings keeps the first of equal strings.
func dedupeStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
