package fakeforum

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBiggerSizesStartFast builds medium and large and serves a few pages.
// Times are logged, not asserted (a shared machine makes timings noisy).
func TestBiggerSizesStartFast(t *testing.T) {
	for _, size := range []string{"medium", "large"} {
		if size == "large" && testing.Short() {
			continue
		}
		start := time.Now()
		f := newForum(t, Config{Seed: 1, Size: size})
		built := time.Since(start)
		st := f.Stats()
		spec := sizes[size]
		if st.Users != spec.users || st.Boards != spec.boards+1 || // + the redirect board
			st.Threads < spec.threads-10 || st.Posts < spec.threads*int(spec.meanPosts)*8/10 {
			t.Errorf("%s: %+v does not match its size", size, st)
		}
		sp := f.w.special
		n := 0
		start = time.Now()
		for _, p := range []string{"/", "/members?page=3", sp.bigBoard.path() + "?page=2", sp.longThread.path() + "?page=7",
			fmt.Sprintf("/user/%d", spec.users), sp.featureThread.path()} {
			if rec := get(t, f, p); rec.Code != 200 {
				t.Errorf("%s %s: %d", size, p, rec.Code)
			}
			n++
		}
		t.Logf("%s: built in %s (%+v); %d pages served in %s", size, built.Round(time.Millisecond), st, n, time.Since(start).Round(time.Millisecond))
	}
}

// BenchmarkThreadPage measures serving a full thread page (30 posts) of the medium forum.
func BenchmarkThreadPage(b *testing.B) {
	f := newForum(b, Config{Seed: 1, Size: "medium"})
	path := f.w.special.longThread.path() + "?page=3"
	benchPages(b, f, path)
}

// BenchmarkBoardPage measures serving a board page of the medium forum.
func BenchmarkBoardPage(b *testing.B) {
	f := newForum(b, Config{Seed: 1, Size: "medium"})
	benchPages(b, f, f.w.special.bigBoard.path()+"?page=2")
}

// BenchmarkProfilePage measures serving a profile of the medium forum.
func BenchmarkProfilePage(b *testing.B) {
	benchPages(b, newForum(b, Config{Seed: 1, Size: "medium"}), "/user/2")
}

func benchPages(b *testing.B, f *Forum, path string) {
	b.ReportAllocs()
	rec := get(b, f, path)
	b.SetBytes(int64(rec.Body.Len()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", path, nil)
			r.Host = testHost
			w := httptest.NewRecorder()
			f.ServeHTTP(w, r)
			io.Copy(io.Discard, w.Body)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkWriteTruth measures the truth of the medium forum.
func BenchmarkWriteTruth(b *testing.B) {
	f := newForum(b, Config{Seed: 1, Size: "medium"})
	for i := 0; i < b.N; i++ {
		if err := f.WriteTruth(io.Discard, testBase); err != nil {
			b.Fatal(err)
		}
	}
}
