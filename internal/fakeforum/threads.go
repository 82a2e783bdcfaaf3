package fakeforum

import (
	"math/rand/v2"
	"sort"
	"time"
)

// buildThreads makes the threads: a board for each (every board gets one,
// the big board many), dates in id order, post counts, and the variants
// given to particular threads; then it allocates the post id ranges.
func (w *world) buildThreads(r *rand.Rand) {
	T := w.spec.threads
	sp := &w.special
	var assign []*board
	for _, b := range w.boards {
		n := 1
		switch {
		case b.password:
			n = 2
		case b.id == 1:
			n = 3
		case b == sp.bigBoard:
			n = max(30, T/20)
		}
		for i := 0; i < n; i++ {
			assign = append(assign, b)
		}
	}
	var open []*board
	for _, b := range w.boards {
		if b.reachable() {
			open = append(open, b)
		}
	}
	for len(assign) < T {
		assign = append(assign, pick(r, open))
	}
	r.Shuffle(len(assign), func(i, j int) { assign[i], assign[j] = assign[j], assign[i] })
	first := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	last := forumNow - 60*day
	starts := make([]int64, len(assign))
	for i := range starts {
		starts[i] = first + r.Int64N(last-first)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })

	w.threads = make([]*thread, len(assign))
	for i, b := range assign {
		t := &thread{id: int64(i + 1), board: b, start: starts[i]}
		tr := newRand(w.seed, streamThread, t.id)
		t.title = genTitle(tr)
		t.slug = slugify(t.title)
		t.nAlloc = min(1+geometric(tr, w.spec.meanPosts-1), w.spec.maxPosts)
		t.creator = author{kind: byUser, id: w.zipfUser(tr.Float64())}
		if chance(tr, 0.03) {
			t.creator = author{kind: byGuest, name: pick(tr, guestNames)}
		}
		t.locked = chance(tr, 0.05)
		t.views = logUniform(tr, 5, 90000)
		if chance(tr, 0.02) {
			t.poll = w.genPoll(tr, 0)
		}
		b.assignedThreads++
		w.threads[i] = t
	}

	// Give the variants to particular threads.
	var bigThreads, newsThreads []*thread
	for _, t := range w.threads {
		switch t.board {
		case sp.bigBoard:
			bigThreads = append(bigThreads, t)
		case w.boards[0]:
			newsThreads = append(newsThreads, t)
		}
	}
	k := 0
	for _, n := range w.spec.longThreads {
		bigThreads[k].nAlloc = n
		bigThreads[k].creator = author{kind: byUser, id: 1 + int64(k)}
		k++
	}
	sp.longThread = bigThreads[0]
	sp.featureThread = bigThreads[k]
	sp.featureThread.nAlloc = max(sp.featureThread.nAlloc, len(featureOrder)+1)
	sp.featureThread.creator = author{kind: byUser, id: 2}
	sp.featureThread.views = 12345
	sp.featureThread.poll = nil
	sp.pollThread = bigThreads[k+1]
	sp.pollThread.poll = w.genPoll(newRand(w.seed, streamThread, sp.pollThread.id), 5)
	sp.guestThread = bigThreads[k+2]
	sp.guestThread.creator = author{kind: byGuest, name: guestNames[0]}
	sp.sticky = bigThreads[k+3]
	sp.sticky.sticky = true
	sp.locked = bigThreads[k+4]
	sp.locked.locked = true
	newsThreads[0].announcement, newsThreads[1].announcement = true, true
	sp.announcement = newsThreads[0]
	for _, t := range w.threads {
		if t.board == sp.noStatsBoard {
			sp.goneFirstThread = t
			break
		}
	}
	g := sp.goneFirstThread
	g.goneFirst = true
	g.creator = author{kind: byGone}
	g.nAlloc = max(g.nAlloc, 4)
	if w.odd {
		// OddForms: the long thread and every ninth thread.
		for _, t := range w.threads {
			t.odd = t == sp.longThread || (t.id%9 == 0 && t != sp.featureThread)
		}
	}

	// Post ids and dates, now that the counts are final.
	next := int64(1)
	for _, t := range w.threads {
		t.firstAlloc = next
		next += int64(t.nAlloc)
		tr := newRand(w.seed, streamThread, t.id^0x5eed)
		span := min(forumNow-day-t.start, int64(t.nAlloc)*(hour+tr.Int64N(4*day)))
		t.step = max(span/int64(t.nAlloc), 60_000)
		t.views = max(t.views, int64(t.nAlloc*3))
	}
	w.maxBasePost = next - 1
	for i, f := range featureOrder {
		w.features[sp.featureThread.firstAlloc+int64(i+1)] = f
	}
}

func genTitle(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return pick(r, titleWords) + ": " + pick(r, titleTopics)
	case 1:
		return capitalise(pick(r, titleTopics)) + "?"
	default:
		return pick(r, titleWords) + " about " + pick(r, titleTopics)
	}
}

// genPoll makes a poll; minVoters > 0 forces at least that many voters.
func (w *world) genPoll(r *rand.Rand, minVoters int) *poll {
	p := &poll{question: pick(r, pollQuestions)}
	n := between(r, 2, 5)
	if minVoters > 0 {
		n = 4
	}
	used := map[string]bool{}
	for len(p.options) < n {
		a := pick(r, pollAnswers)
		if used[a] {
			continue
		}
		used[a] = true
		p.options = append(p.options, pollOption{name: a})
	}
	nv := between(r, 0, min(12, len(w.users)))
	nv = max(nv, min(minVoters, len(w.users)))
	p.voters = w.pickUsers(r, nv, author{kind: byGuest})
	for range p.voters {
		p.options[r.IntN(len(p.options))].votes++
	}
	sort.Slice(p.voters, func(i, j int) bool { return p.voters[i] < p.voters[j] })
	return p
}

// numberPollOptions gives every option a site-wide unique id, in thread order.
func (w *world) numberPollOptions() {
	id := int64(101)
	for _, t := range w.allThreads() {
		if t.poll == nil {
			continue
		}
		for i := range t.poll.options {
			t.poll.options[i].id = id
			id++
		}
	}
}

// allThreads is every thread of every generation, by id.
func (w *world) allThreads() []*thread {
	if w.gen1.newThread == nil {
		return w.threads
	}
	return append(w.threads[:len(w.threads):len(w.threads)], w.gen1.newThread)
}

// firstShown is the id of the thread's first existing post.
func (t *thread) firstShown() int64 {
	if t.goneFirst {
		return t.firstAlloc + 1
	}
	return t.firstAlloc
}

// postIDs lists the thread's posts in generation gen, oldest first.
func (w *world) postIDs(t *thread, gen int) []int64 {
	if t.gen > gen {
		return nil
	}
	ids := make([]int64, 0, t.nAlloc+8)
	for id := t.firstShown(); id < t.firstAlloc+int64(t.nAlloc); id++ {
		if gen >= 1 && id == w.gen1.deleted {
			continue
		}
		ids = append(ids, id)
	}
	if gen >= 1 {
		ids = append(ids, w.gen1.appended[t.id]...)
	}
	return ids
}

// postCount is len(postIDs(t, gen)) without building the list.
func (w *world) postCount(t *thread, gen int) int {
	if t.gen > gen {
		return 0
	}
	n := t.nAlloc
	if t.goneFirst {
		n--
	}
	if gen >= 1 {
		n += len(w.gen1.appended[t.id])
		if d := w.gen1.deleted; d >= t.firstShown() && d < t.firstAlloc+int64(t.nAlloc) {
			n--
		}
	}
	return n
}

// pages is the number of pages of n items, at least 1.
func pages(n, per int) int { return max(1, (n+per-1)/per) }

// lastPost returns the id and date of the thread's newest post in gen.
func (w *world) lastPost(t *thread, gen int) (int64, int64) {
	if gen >= 1 {
		if a := w.gen1.appended[t.id]; len(a) > 0 {
			id := a[len(a)-1]
			return id, w.postDate(t, id)
		}
	}
	id := t.firstAlloc + int64(t.nAlloc) - 1
	if gen >= 1 && id == w.gen1.deleted {
		id--
	}
	return id, w.postDate(t, id)
}

// threadOfPost finds the thread of a post id (of any generation), or nil.
func (w *world) threadOfPost(id int64) *thread {
	if id >= 1 && id <= w.maxBasePost {
		i := sort.Search(len(w.threads), func(i int) bool {
			t := w.threads[i]
			return t.firstAlloc+int64(t.nAlloc) > id
		})
		if i < len(w.threads) && id >= w.threads[i].firstShown() {
			return w.threads[i]
		}
		return nil
	}
	return w.gen1.postThread[id]
}

// postExists reports whether post id is shown in generation gen.
func (w *world) postExists(id int64, gen int) (*thread, bool) {
	t := w.threadOfPost(id)
	if t == nil || t.gen > gen {
		return nil, false
	}
	if id > w.maxBasePost && t.gen == 0 && gen < 1 {
		return nil, false // appended in generation 1
	}
	if gen >= 1 && id == w.gen1.deleted {
		return nil, false
	}
	return t, true
}
