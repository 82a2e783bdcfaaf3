package store

import (
	"fmt"
	"regexp"
	"testing"
)

// TestImagesThatFailedForAPassingReasonStayInTheFrontier: an image whose
// download failed for a passing reason (503, a reset) is an entry of kind
// image in the crawl table, counting one attempt per download; a file
// removes the entry, another final answer closes it, and nothing disturbs a
// page's entry or an image already on file.
func TestImagesThatFailedForAPassingReasonStayInTheFrontier(t *testing.T) {
	const u = "https://i.example.com/a.png"
	img := func(status string, http, at int, more ...string) string {
		s := fmt.Sprintf(`{"type":"image","url":"%s","status":%q`, u, status)
		if http != 0 {
			s += fmt.Sprintf(`,"http_status":%d`, http)
		}
		if at != 0 {
			s += fmt.Sprintf(`,"fetched_at":%d`, at)
		}
		for _, m := range more {
			s += "," + m
		}
		return s + "}"
	}
	const file = `"filename":"0123456789abcdef0123456789abcdef.png","md5_hash":"0123456789abcdef0123456789abcdef","size":9`
	type want struct {
		row       bool
		state     string
		attempts  int
		lastError string
	}
	for _, tc := range []struct {
		name string
		in   []string
		want want
	}{
		{"a 503 waits for the next pass",
			[]string{img("http 503", 503, 10)},
			want{true, "failed", 1, "http 503"}},
		{"a reset too",
			[]string{img("unreachable: connection reset", 0, 10)},
			want{true, "failed", 1, "unreachable: connection reset"}},
		{"records of one download count one attempt",
			[]string{img("http 503", 503, 10, `"description":"avatar"`), img("http 503", 503, 10, `"description":"post image","post_id":4`)},
			want{true, "failed", 1, "http 503"}},
		{"each download is an attempt",
			[]string{img("http 503", 503, 10), img("unreachable: timeout", 0, 20), img("http 429", 429, 30)},
			want{true, "failed", 3, "http 429"}},
		{"a replayed record is not an attempt",
			[]string{img("http 503", 503, 10), img("http 503", 503, 20), img("http 503", 503, 10), img("http 503", 503, 20)},
			want{true, "failed", 2, "http 503"}},
		{"a file ends the retries",
			[]string{img("http 503", 503, 10), img("ok", 200, 20, file)},
			want{row: false}},
		{"a file, then a late failure: still on file",
			[]string{img("ok", 200, 20, file), img("http 503", 503, 30)},
			want{row: false}},
		{"a dead link is final",
			[]string{img("http 503", 503, 10), img("http 404", 404, 20), img("http 503", 503, 30)},
			want{true, "done", 1, "http 503"}},
		{"permanent answers never enter the frontier",
			[]string{img("http 404", 404, 10), img("http 410", 410, 11), img("not an image", 200, 12), img("too large", 200, 13), img("http 403", 403, 14)},
			want{row: false}},
		{"images without a download are not pb-load's to retry",
			[]string{`{"type":"image","url":"` + u + `","description":"avatar"}`},
			want{row: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t, "i.db")
			mustLoad(t, s.Path(), lines(tc.in...))
			rows := crawlRows(t, s.DB)
			r, ok := rows[u+" render=false"]
			if ok != tc.want.row || len(rows) != map[bool]int{true: 1}[tc.want.row] {
				t.Fatalf("crawl rows %v; want an entry for the image: %v", rows, tc.want.row)
			}
			if !ok {
				return
			}
			if r.Kind.String != "image" || r.State != tc.want.state || r.Attempts != tc.want.attempts || r.LastError.String != tc.want.lastError {
				t.Errorf("entry kind %v, state %s, %d attempts, last error %q; want image, %s, %d, %q",
					r.Kind, r.State, r.Attempts, r.LastError.String, tc.want.state, tc.want.attempts, tc.want.lastError)
			}
		})
	}

	t.Run("a page of the same url is left alone", func(t *testing.T) {
		s := openTemp(t, "p.db")
		mustLoad(t, s.Path(), lines(`{"type":"url","url":"`+u+`","kind":"css"}`, img("http 503", 503, 10), img("http 404", 404, 20)))
		r := crawlRows(t, s.DB)[u+" render=false"]
		if r.Kind.String != "css" || r.State != "pending" || r.Attempts != 0 {
			t.Errorf("page entry = %+v, want the css page untouched", r)
		}
	})

	t.Run("loads in any order give the same frontier", func(t *testing.T) {
		recs := []string{img("http 503", 503, 10), img("ok", 200, 20, file), img("http 503", 503, 30)}
		want := dumpOf(t, recs...)
		if len(want["crawl"]) != 0 {
			t.Fatalf("crawl = %v, want no entry for an image on file", want["crawl"])
		}
		for _, p := range [][]int{{2, 1, 0}, {1, 0, 2}, {0, 2, 1}} {
			var in []string
			for _, i := range p {
				in = append(in, recs[i])
			}
			sameDump(t, fmt.Sprint("order ", p), want, dumpOf(t, in...))
		}
	})

	t.Run("the summary counts frontier entries", func(t *testing.T) {
		s := openTemp(t, "s.db")
		r := runLoad(t, s.Path(), lines(img("http 503", 503, 10)), Options{})
		if r.exit != 0 || !regexp.MustCompile(`(?m)^\s*crawl\s+1\s+0$`).MatchString(r.stderr) {
			t.Errorf("exit %d, summary %q: want the new crawl entry counted", r.exit, r.stderr)
		}
	})
}
