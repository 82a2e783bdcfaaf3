package fakeforum

import (
	"fmt"
	"math/rand/v2"
)

// buildGen1 decides what generation 1 changes (see "Generation 1" in doc.go):
// posts appended to three threads, a new thread, one edit and one deletion.
func (w *world) buildGen1(r *rand.Rand) {
	sp := &w.special
	g := &w.gen1
	g.appended = map[int64][]int64{}
	g.postThread = map[int64]*thread{}
	next := w.maxBasePost + 1
	ordinary := func(t *thread) bool {
		return t.board.reachable() && t != sp.featureThread && t != sp.goneFirstThread &&
			t.poll == nil && !t.announcement && !t.sticky && t != sp.guestThread && t != sp.longThread
	}
	var pool []*thread
	for _, t := range w.threads {
		if ordinary(t) {
			pool = append(pool, t)
		}
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	addTo := func(t *thread, n int) {
		for i := 0; i < n; i++ {
			g.appended[t.id] = append(g.appended[t.id], next)
			g.postThread[next] = t
			next++
		}
	}
	// A long thread gets enough posts to start a new page.
	long := sp.longThread
	addTo(long, postsPerPage-(w.postCount(long, 0)%postsPerPage)+2)
	addTo(pool[0], 3)
	addTo(pool[1], 2)

	nt := &thread{id: int64(len(w.threads) + 1), board: sp.bigBoard, gen: 1}
	tr := newRand(w.seed, streamGen1, nt.id)
	nt.title = genTitle(tr) + " (new)"
	nt.slug = slugify(nt.title)
	nt.creator = author{kind: byUser, id: w.zipfUser(tr.Float64())}
	nt.views, nt.nAlloc = 17, 4
	nt.start, nt.step = forumNow+2*day, 3*hour
	nt.firstAlloc = next
	for i := 0; i < nt.nAlloc; i++ {
		g.postThread[next] = nt
		next++
	}
	g.newThread = nt

	// One opening post is edited; one last post is deleted.
	for _, t := range pool[2:] {
		if g.edited == 0 && t.creator.kind == byUser {
			g.edited = t.firstAlloc
			g.editedAt = forumNow + 3*day
		} else if g.deleted == 0 && t.nAlloc >= 2 {
			g.deleted = t.firstAlloc + int64(t.nAlloc) - 1
		}
	}
	if g.edited == 0 || g.deleted == 0 {
		panic(fmt.Sprintf("fakeforum: no post to edit or delete in generation 1 (%d threads)", len(w.threads)))
	}
	w.numberPollOptions()
}

// changedThreads is the set of threads whose pages differ between
// generation 0 and 1: every page of each, since the page count and the
// pagination of a thread can change.
func (w *world) changedThreads() map[int64]bool {
	out := map[int64]bool{w.gen1.newThread.id: true}
	for tid := range w.gen1.appended {
		out[tid] = true
	}
	for _, id := range []int64{w.gen1.edited, w.gen1.deleted} {
		out[w.threadOfPost(id).id] = true
	}
	return out
}

// changedBoards is the set of boards whose pages differ between generation
// 0 and 1: the boards that gain a thread or whose threads gain or lose a
// post, and their ancestors (their rows show counts). An edit changes no
// board page.
func (w *world) changedBoards() map[int64]bool {
	out := map[int64]bool{}
	mark := func(b *board) {
		out[b.id] = true
		for _, a := range b.ancestors() {
			out[a.id] = true
		}
	}
	mark(w.gen1.newThread.board)
	for tid := range w.gen1.appended {
		mark(w.threads[tid-1].board)
	}
	mark(w.threadOfPost(w.gen1.deleted).board)
	return out
}
