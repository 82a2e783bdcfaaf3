package fakeforum

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// buildBoards makes the categories and boards: first the eight boards that
// carry the variants (see doc.go), then random boards and sub-boards up to
// the size, and moderators for about a fifth of them.
func (w *world) buildBoards(r *rand.Rand) {
	for i := 0; i < w.spec.categories; i++ {
		name := categoryNames[i%len(categoryNames)]
		if i >= len(categoryNames) {
			name += " " + strconv.Itoa(i/len(categoryNames)+1)
		}
		w.categories = append(w.categories, &category{id: int64(i + 1), name: name})
	}
	nameIdx := 0
	nextName := func() string {
		n := boardNames[nameIdx%len(boardNames)]
		if k := nameIdx / len(boardNames); k > 0 {
			n = boardAdjectives[(k-1)%len(boardAdjectives)] + " " + n
			if k > len(boardAdjectives) {
				n += " " + strconv.Itoa(k)
			}
		}
		nameIdx++
		return n
	}
	mk := func(name string, cat *category, parent *board) *board {
		b := &board{id: int64(len(w.boards) + 1), name: name, parent: parent}
		b.slug = slugify(name)
		br := newRand(w.seed, streamBoard, b.id)
		b.desc = sentence(br, between(br, 5, 11))
		if chance(br, 0.3) {
			b.desc = strings.TrimSuffix(b.desc, ".") + " & more."
		}
		if parent != nil {
			b.cat, b.depth = parent.cat, parent.depth+1
			parent.children = append(parent.children, b)
		} else {
			b.cat = cat
			cat.boards = append(cat.boards, b)
		}
		w.boards = append(w.boards, b)
		return b
	}
	first, second, last := w.categories[0], w.categories[1%len(w.categories)], w.categories[len(w.categories)-1]
	news := mk("Announcements", first, nil)
	big := mk("General Discussion", first, nil)
	b3 := mk("Local Groups", nil, big)
	b4 := mk("Lyon Chapter", nil, b3)
	deep := mk("Café Meetups", nil, b4)
	pw := mk("Staff Lounge", second, nil)
	pw.password = true
	attic := mk("The Attic", second, nil)
	attic.noStats = true
	misc := mk("Miscellany", last, nil)
	misc.desc = ""
	news.moderators = []int64{1}
	big.moderators = []int64{1, 2}
	b4.moderators = []int64{5}
	misc.showAnnouncements = true
	w.special.bigBoard, w.special.passwordBoard, w.special.noStatsBoard = big, pw, attic
	w.special.noDescBoard, w.special.deepBoard = misc, deep

	for len(w.boards) < w.spec.boards {
		name := nextName()
		if chance(r, 0.4) {
			var parent *board
			for tries := 0; tries < 10; tries++ {
				c := pick(r, w.boards)
				if !c.password && c.depth < 4 {
					parent = c
					break
				}
			}
			if parent != nil {
				mk(name, nil, parent)
				continue
			}
		}
		mk(name, pick(r, w.categories), nil)
	}
	for _, b := range w.boards[8:] {
		if chance(r, 0.2) {
			n := between(r, 1, 3)
			seen := map[int64]bool{}
			for i := 0; i < n; i++ {
				id := 1 + r.Int64N(int64(min(len(w.users), 25)))
				if !seen[id] {
					seen[id] = true
					b.moderators = append(b.moderators, id)
				}
			}
			sort.Slice(b.moderators, func(i, j int) bool { return b.moderators[i] < b.moderators[j] })
		}
	}
}

// redirectURL is where the redirect board's row links: an off-site page no
// crawler of this forum fetches.
const redirectURL = "https://partner.example.org/forum"

// addRedirectBoard adds, after every other board (so their ids and threads
// do not depend on it), a redirect board in the last category: its row
// links off-site and has no counts; it holds no threads (§6).
func (w *world) addRedirectBoard() {
	c := w.categories[len(w.categories)-1]
	b := &board{id: int64(len(w.boards) + 1), name: "Partner Forum", slug: "partner-forum", cat: c,
		desc: "Our sister community, one click away.", redirect: redirectURL}
	c.boards = append(c.boards, b)
	w.boards = append(w.boards, b)
	w.special.redirectBoard = b
}

// reachable reports whether a crawler can read the board's threads.
func (b *board) reachable() bool { return !b.password }

// ancestors returns the board's parents, outermost first.
func (b *board) ancestors() []*board {
	var out []*board
	for p := b.parent; p != nil; p = p.parent {
		out = append([]*board{p}, out...)
	}
	return out
}

// orderBoards sorts each board's threads as ProBoards lists them:
// announcements, then stickies, then the rest by newest post.
func (w *world) orderBoards() {
	for gen := 0; gen < 2; gen++ {
		for _, b := range w.boards {
			b.threads[gen] = nil
			b.nPosts[gen] = 0
		}
		for _, t := range w.allThreads() {
			if t.gen > gen {
				continue
			}
			b := t.board
			b.threads[gen] = append(b.threads[gen], t)
			b.nPosts[gen] += int64(w.postCount(t, gen))
		}
		for _, b := range w.boards {
			ts := b.threads[gen]
			last := make(map[int64]int64, len(ts))
			for _, t := range ts {
				_, last[t.id] = w.lastPost(t, gen)
			}
			rank := func(t *thread) int {
				switch {
				case t.announcement:
					return 0
				case t.sticky:
					return 1
				}
				return 2
			}
			sort.SliceStable(ts, func(i, j int) bool {
				a, c := ts[i], ts[j]
				if rank(a) != rank(c) {
					return rank(a) < rank(c)
				}
				if last[a.id] != last[c.id] {
					return last[a.id] > last[c.id]
				}
				return a.id > c.id
			})
			b.latest[gen] = nil
			for _, t := range ts {
				if b.latest[gen] == nil || last[t.id] > last[b.latest[gen].id] {
					b.latest[gen] = t
				}
			}
		}
	}
}
