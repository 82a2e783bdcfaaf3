package frontier

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// PendingOptions selects and orders the frontier.
type PendingOptions struct {
	Limit       int    // 0: no limit
	Kind        string // only this page kind
	Render      bool   // include pages that need a browser
	RenderOnly  bool   // only pages that need a browser
	MaxAttempts int    // failed pages are retried while attempts < MaxAttempts
}

// Entry is one crawl-table row of the frontier.
type Entry struct {
	URL      string
	Render   bool
	Kind     string
	Attempts int
	Seq      int64
}

// kindRank orders page kinds: finish threads (the content) first, then the
// board lists that lead to more threads, then members and profiles.
var kindRank = map[string]int{
	record.KindThread: 0, record.KindBoard: 1, record.KindMembers: 2,
	record.KindUser: 3, record.KindHome: 4, record.KindCSS: 5,
}

// Pending returns the frontier: pages not done and failed pages with
// attempts left, ordered so that whole threads and boards complete before
// new ones open (an interrupted archive is then useful as it stands), and
// last the images (kind record.KindImage) whose download failed for a
// passing reason, with attempts left like pages.
func Pending(ctx context.Context, db *sql.DB, o PendingOptions) ([]Entry, error) {
	q := `SELECT url, render, COALESCE(kind, ''), attempts, seq FROM crawl
	      WHERE (state = 'pending' OR (state = 'failed' AND attempts < ?))`
	args := []any{o.MaxAttempts}
	switch {
	case o.RenderOnly:
		q += ` AND render = 1`
	case !o.Render:
		q += ` AND render = 0`
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the crawl table: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.URL, &e.Render, &e.Kind, &e.Attempts, &e.Seq); err != nil {
			return nil, err
		}
		if e.Kind == "" {
			e.Kind = forumurl.Kind(e.URL)
		}
		if o.Kind != "" && e.Kind != o.Kind {
			continue
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	Order(out)
	if o.Limit > 0 && len(out) > o.Limit {
		out = out[:o.Limit]
	}
	return out, nil
}

// group is the unit an archive should complete at once: one thread, one
// board's list, the members list.
func group(e Entry) string {
	switch e.Kind {
	case record.KindThread, record.KindBoard:
		return fmt.Sprintf("%s:%d", e.Kind, forumurl.ID(e.URL))
	case record.KindMembers:
		return e.Kind
	}
	return e.Kind + ":" + e.URL
}

// Order sorts entries by kind, then by group (in the order the group was
// first discovered), then page number, then discovery order.
func Order(es []Entry) {
	first := map[string]int64{}
	for _, e := range es {
		g := group(e)
		if s, ok := first[g]; !ok || e.Seq < s {
			first[g] = e.Seq
		}
	}
	rank := func(k string) int {
		if r, ok := kindRank[k]; ok {
			return r
		}
		return len(kindRank)
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if ra, rb := rank(a.Kind), rank(b.Kind); ra != rb {
			return ra < rb
		}
		if ga, gb := first[group(a)], first[group(b)]; ga != gb {
			return ga < gb
		}
		if pa, pb := forumurl.Page(a.URL), forumurl.Page(b.URL); pa != pb {
			return pa < pb
		}
		if a.Render != b.Render {
			return !a.Render // the plain page before its rendered twin
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return strings.Compare(a.URL, b.URL) < 0
	})
}

// Refresh re-queues what may have changed since the last crawl: the home
// page, every board list page, the members list, and the last known page of
// every thread. New pages found there join the frontier as usual. It
// returns how many pages of each kind were re-queued.
func Refresh(ctx context.Context, db *sql.DB) (map[string]int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	counts := map[string]int{}
	for _, kind := range []string{record.KindHome, record.KindBoard, record.KindMembers} {
		res, err := tx.ExecContext(ctx,
			`UPDATE crawl SET state = 'pending', attempts = 0 WHERE render = 0 AND kind = ? AND state != 'pending'`, kind)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		counts[kind] = int(n)
	}
	rows, err := tx.QueryContext(ctx, `SELECT url FROM crawl WHERE render = 0 AND kind = ?`, record.KindThread)
	if err != nil {
		return nil, err
	}
	last := map[int64]string{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, err
		}
		id := forumurl.ID(u)
		if cur, ok := last[id]; !ok || forumurl.Page(u) > forumurl.Page(cur) {
			last[id] = u
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stmt, err := tx.PrepareContext(ctx,
		`UPDATE crawl SET state = 'pending', attempts = 0 WHERE url = ? AND render = 0 AND state != 'pending'`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for _, u := range last {
		res, err := stmt.ExecContext(ctx, u)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		counts[record.KindThread] += int(n)
	}
	return counts, tx.Commit()
}
