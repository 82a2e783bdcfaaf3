package e2e

import (
	"hash/fnv"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pb-archive/pb/internal/fakeforum"
)

// flakyImages serves a forum whose image requests fail before they
// succeed: the first failures(path) requests of each image answer 503
// (Retry-After: 1) or drop the connection (TCP reset), in turn. Pages are
// served cleanly. The schedule is fixed per path, so the test does not
// depend on which requests a random fault would hit.
type flakyImages struct {
	next http.Handler

	mu       sync.Mutex
	tries    map[string]int // requests so far, per image URL (host and path)
	served   map[string]int // requests answered by the forum, per image URL
	faults   int
	requests int // all requests, pages included
}

// failures is how many requests of an image fail: 0 to 5, so that with
// pb-images --retries 1 most images need a second or third pass of the
// crawl loop, and all of them get through within its five attempts.
func failures(p string) int {
	h := fnv.New32a()
	h.Write([]byte(p))
	return int(h.Sum32() % 6)
}

func isImagePath(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg", ".ico":
		return true
	}
	return false
}

func (f *flakyImages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	if !isImagePath(r.URL.Path) {
		f.next.ServeHTTP(w, r)
		return
	}
	key := r.Host + r.URL.Path
	f.mu.Lock()
	f.tries[key]++
	n := f.tries[key]
	fail := n <= failures(r.URL.Path)
	if fail {
		f.faults++
	} else {
		f.served[key]++
	}
	f.mu.Unlock()
	switch {
	case fail && n%2 == 1:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case fail:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, not a clean close
		}
		conn.Close()
	default:
		f.next.ServeHTTP(w, r)
	}
}

// TestImagesFailingForAPassingReasonAreRetriedByTheCrawlLoop mirrors the
// small forum while its images answer 503 or reset the connection up to
// five times each. Images that fail a pass stay in the frontier and the
// next pass downloads them again, so the archive ends with every image of
// the truth on file; no image is downloaded again once it is, and a rerun
// fetches nothing.
func TestImagesFailingForAPassingReasonAreRetriedByTheCrawlLoop(t *testing.T) {
	ff, err := fakeforum.New(fakeforum.Config{Seed: 2, Size: "small"})
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyImages{next: ff, tries: map[string]int{}, served: map[string]int{}}
	srv := httptest.NewServer(flaky)
	t.Cleanup(srv.Close)
	f := &forum{Forum: ff, URL: srv.URL}

	out := t.TempDir()
	db := filepath.Join(out, "forum.db")
	flags := "--delay 0 --other-delay 0 --max-wait 100ms --backoff 50ms"
	env := []string{"PB_RENDER=0", "PB_FETCH_FLAGS=" + flags,
		// One retry inside a pass, and no pausing of the failing host: the
		// crawl loop, not pb-images, has to get these images.
		"PB_IMAGES_FLAGS=" + flags + " --retries 1 --breaker 0"}
	mirror(t, f.URL, out, env...)

	flaky.mu.Lock()
	// pb-images makes two tries per pass, each of which Go's HTTP client
	// may send twice when a reused connection was reset: an image that
	// fails five times needs a second pass whatever happens.
	faults, beyondOnePass := flaky.faults, 0
	for u := range flaky.tries {
		if failures(u[strings.Index(u, "/"):]) == 5 {
			beyondOnePass++
		}
	}
	for p, n := range flaky.served {
		if n != 1 {
			t.Errorf("%s was served %d times; an archived image is never downloaded again", p, n)
		}
	}
	flaky.mu.Unlock()
	if beyondOnePass == 0 {
		t.Fatal("no image failed more often than one pass of pb-images retries; the test proves nothing")
	}
	t.Logf("%d image requests failed; %d images needed more than one pass", faults, beyondOnePass)

	// Every image of the truth is on file, with its status, as in a mirror of a faultless forum.
	want, got := f.truthDump(t), dump(t, db)
	for _, table := range []string{"image", "image_status", "avatar"} {
		requireEqual(t, table, map[string][]string{table: want[table]}, map[string][]string{table: got[table]})
	}
	requireEqual(t, "mirror with failing images", without(want, plainOnly), without(got, plainOnly))
	checkImages(t, db, filepath.Join(out, "images"))
	if left := query(t, db, `SELECT url, state, attempts, last_error FROM crawl WHERE kind = 'image' AND state != 'done'`); len(left) != 0 {
		t.Errorf("images still waiting in the frontier: %v", left)
	}

	// A rerun on the finished archive fetches nothing, images included.
	flaky.mu.Lock()
	before := flaky.requests
	flaky.mu.Unlock()
	mirror(t, f.URL, out, env...)
	flaky.mu.Lock()
	defer flaky.mu.Unlock()
	if n := flaky.requests - before; n != 0 {
		t.Errorf("a rerun on a finished archive made %d requests", n)
	}
}
