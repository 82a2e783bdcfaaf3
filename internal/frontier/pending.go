package frontier

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
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
type Entry = store.CrawlEntry

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
func Pending(ctx context.Context, st *store.Store, o PendingOptions) ([]Entry, error) {
	renders := store.PlainOnly
	switch {
	case o.RenderOnly:
		renders = store.RenderedOnly
	case o.Render:
		renders = store.AlsoRendered
	}
	rows, err := st.Pending(ctx, o.MaxAttempts, renders)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range rows {
		if e.Kind == "" {
			e.Kind = forumurl.Kind(e.URL)
		}
		if o.Kind != "" && e.Kind != o.Kind {
			continue
		}
		out = append(out, e)
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
func Refresh(ctx context.Context, st *store.Store) (map[string]int, error) {
	return st.Requeue(ctx, store.Requeue{
		Kinds: []string{record.KindHome, record.KindBoard, record.KindMembers},
		Pick:  map[string]func([]string) []string{record.KindThread: lastPages},
	})
}

// lastPages picks the last known page of each thread.
func lastPages(urls []string) []string {
	last := map[int64]string{}
	for _, u := range urls {
		id := forumurl.ID(u)
		if cur, ok := last[id]; !ok || forumurl.Page(u) > forumurl.Page(cur) {
			last[id] = u
		}
	}
	out := make([]string, 0, len(last))
	for _, u := range last {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}
