package fakeforum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGenerationOneChangesOnlyWhatIsDocumented serves every page in both
// generations and checks that exactly the documented pages differ.
func TestGenerationOneChangesOnlyWhatIsDocumented(t *testing.T) {
	f := small(t)
	w, g := f.w, f.w.gen1
	threads, boards := w.changedThreads(), w.changedBoards()
	paths := map[string]bool{}
	for gen := 0; gen < 2; gen++ {
		for _, p := range w.pagePaths(gen) {
			paths[p] = true
		}
	}
	idOf := regexp.MustCompile(`^/(board|thread)/(\d+)/`)
	differs := map[string]bool{} // "board 3", "thread 7", "/"
	for p := range paths {
		f.SetGeneration(0)
		a := get(t, f, p)
		f.SetGeneration(1)
		b := get(t, f, p)
		if a.Code == b.Code && bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
			continue
		}
		key := p
		allowed := p == "/"
		if m := idOf.FindStringSubmatch(p); m != nil {
			id, _ := strconv.ParseInt(m[2], 10, 64)
			key = m[1] + " " + m[2]
			allowed = m[1] == "board" && boards[id] || m[1] == "thread" && threads[id]
		}
		differs[key] = true
		if !allowed {
			t.Errorf("%s differs between generations (status %d → %d)", p, a.Code, b.Code)
		}
	}
	if !differs["/"] {
		t.Error("the home page did not change")
	}
	for id := range threads {
		if !differs[fmt.Sprintf("thread %d", id)] {
			t.Errorf("thread %d is documented as changed but is identical", id)
		}
	}
	for id := range boards {
		if !differs[fmt.Sprintf("board %d", id)] {
			t.Errorf("board %d is documented as changed but is identical", id)
		}
	}
	if len(threads) != 6 {
		t.Errorf("%d changed threads, want 6 (3 with new posts, 1 edited, 1 shortened, 1 new)", len(threads))
	}

	// The details: the new thread, the deleted and edited posts, the new posts.
	nt := g.newThread
	f.SetGeneration(0)
	if rec := get(t, f, nt.path()); rec.Code != http.StatusNotFound {
		t.Errorf("the new thread exists in generation 0: %d", rec.Code)
	}
	delPath := fmt.Sprintf("/post/%d", g.deleted)
	if rec := get(t, f, delPath); rec.Code != http.StatusFound {
		t.Errorf("%s in generation 0: %d", delPath, rec.Code)
	}
	before := f.w.genPost(w.threadOfPost(g.edited), g.edited, 0, newHosts("http", testHost))
	f.SetGeneration(1)
	if rec := get(t, f, nt.path()); rec.Code != http.StatusOK {
		t.Errorf("the new thread is missing in generation 1: %d", rec.Code)
	}
	if rec := get(t, f, delPath); rec.Code != http.StatusNotFound {
		t.Errorf("%s in generation 1: %d", delPath, rec.Code)
	}
	et := w.threadOfPost(g.edited)
	doc := page(t, f, et.path())
	row := must(t, doc, fmt.Sprintf("tr#post-%d", g.edited), "edited post")
	if innerHTML(t, must(t, row, "div.message", "edited")) == before.message {
		t.Error("the edited post's message did not change")
	}
	if ts := attrOr(must(t, row, "div.edited_by abbr", "edited"), "data-timestamp"); ts != fmt.Sprint(g.editedAt) {
		t.Errorf("edited at %s, want %d", ts, g.editedAt)
	}
	for tid, ids := range g.appended {
		th := w.threads[tid-1]
		last := pages(w.postCount(th, 1), postsPerPage)
		d := page(t, f, fmt.Sprintf("%s?page=%d", th.path(), last))
		if first(d, fmt.Sprintf("tr#post-%d", ids[len(ids)-1])) == nil {
			t.Errorf("thread %d: new post %d is not on its last page", tid, ids[len(ids)-1])
		}
	}
	long := w.special.longThread
	if pages(w.postCount(long, 1), postsPerPage) != pages(w.postCount(long, 0), postsPerPage)+1 {
		t.Error("the long thread did not gain a page")
	}
}

// TestGenerationOneTruth compares the truths of both generations record by record.
func TestGenerationOneTruth(t *testing.T) {
	f := small(t)
	g := f.w.gen1
	lines := func(gen int) map[string]bool {
		f.SetGeneration(gen)
		var buf bytes.Buffer
		if err := f.WriteTruth(&buf, testBase); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			out[l] = true
		}
		return out
	}
	old, cur := lines(0), lines(1)
	newPosts := map[int64]bool{}
	for _, ids := range g.appended {
		for _, id := range ids {
			newPosts[id] = true
		}
	}
	for id := g.newThread.firstAlloc; id < g.newThread.firstAlloc+int64(g.newThread.nAlloc); id++ {
		newPosts[id] = true
	}
	var gone, added []string
	for l := range old {
		if !cur[l] {
			gone = append(gone, l)
		}
	}
	for l := range cur {
		if !old[l] {
			added = append(added, l)
		}
	}
	for _, l := range gone {
		var r struct {
			Type   string `json:"type"`
			ID     int64  `json:"id"`
			PostID int64  `json:"post_id"`
		}
		json.Unmarshal([]byte(l), &r)
		ok := r.Type == "post" && (r.ID == g.deleted || r.ID == g.edited) || r.Type == "like" && r.PostID == g.deleted
		if !ok {
			t.Errorf("generation 1 lost %s", l)
		}
	}
	sawEdit := false
	for _, l := range added {
		var r struct {
			Type   string `json:"type"`
			ID     int64  `json:"id"`
			PostID int64  `json:"post_id"`
		}
		json.Unmarshal([]byte(l), &r)
		sawEdit = sawEdit || r.Type == "post" && r.ID == g.edited
		ok := r.Type == "post" && (newPosts[r.ID] || r.ID == g.edited) || r.Type == "like" && newPosts[r.PostID] ||
			r.Type == "thread" && r.ID == g.newThread.id
		if !ok {
			t.Errorf("generation 1 added %s", l)
		}
	}
	if !sawEdit || len(added) < len(newPosts)+2 {
		t.Errorf("generation 1 added %d records (edit seen: %v), want the %d new posts, the new thread and the edit", len(added), sawEdit, len(newPosts))
	}
}
