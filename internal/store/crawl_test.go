package store

import (
	"database/sql"
	"fmt"
	"reflect"
	"testing"
)

// crawlRow is one crawl entry as the tests look at it.
type crawlRow struct {
	URL       string
	Render    bool
	Kind      sql.NullString
	State     string
	Attempts  int
	LastError sql.NullString
	Parent    sql.NullString
	Seq       int64
	DoneAt    sql.NullInt64
}

func crawlRows(t *testing.T, db *sql.DB) map[string]crawlRow {
	t.Helper()
	rs, err := db.Query(`SELECT url, render, kind, state, attempts, last_error, parent, seq, done_at FROM crawl`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[string]crawlRow{}
	for rs.Next() {
		var r crawlRow
		if err := rs.Scan(&r.URL, &r.Render, &r.Kind, &r.State, &r.Attempts, &r.LastError, &r.Parent, &r.Seq, &r.DoneAt); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%s render=%v", r.URL, r.Render)] = r
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCrawlLinksAreDeduplicated(t *testing.T) {
	s := openTemp(t, "c.db")
	mustLoad(t, s.Path(), lines(
		`{"type":"url","url":"https://x/"}`,
		`{"type":"link","url":"https://x/thread/1/a","kind":"thread","from":"https://x/board/1/b?page=2"}`,
		`{"type":"link","url":"https://x/thread/1/a","kind":"thread","from":"https://x/board/1/b"}`,
		`{"type":"link","url":"https://x/thread/1/a","kind":"thread","from":"https://x/board/1/b?page=3"}`,
		`{"type":"link","url":"https://x/thread/1/a","kind":"thread","render":true,"from":"https://x/thread/1/a"}`,
		`{"type":"link","url":"https://x/","kind":"home"}`,
	))
	// A second load with the same links adds nothing.
	r := mustLoad(t, s.Path(), lines(`{"type":"link","url":"https://x/thread/1/a","kind":"thread","from":"https://x/board/1/b"}`))
	got := crawlRows(t, s.DB)
	if len(got) != 3 {
		t.Fatalf("crawl has %d rows, want 3 (home, thread, rendered thread): %v", len(got), got)
	}
	th := got["https://x/thread/1/a render=false"]
	if th.Parent.String != "https://x/board/1/b" || th.State != "pending" || th.Kind.String != "thread" {
		t.Errorf("thread entry = %+v, want parent https://x/board/1/b (the smallest), pending", th)
	}
	home := got["https://x/ render=false"]
	if home.Kind.String != "home" {
		t.Errorf("home kind = %v: a later link should fill a missing kind", home.Kind)
	}
	// Discovery numbers follow first discovery, without gaps.
	seqs := []int64{home.Seq, th.Seq, got["https://x/thread/1/a render=true"].Seq}
	if !reflect.DeepEqual(seqs, []int64{1, 2, 3}) {
		t.Errorf("seq of home, thread, rendered thread = %v, want [1 2 3]", seqs)
	}
	if r.err != nil || r.exit != 0 {
		t.Fatal(r.err)
	}
}

func TestCrawlOutcomes(t *testing.T) {
	const page = `"url":"https://x/board/2/b","kind":"board"`
	cases := []struct {
		name         string
		in           []string
		state        string
		attempts     int
		lastError    string
		wantSeq      int64
		wantNotReset bool
	}{
		{"outcome without a link inserts the page",
			[]string{`{"type":"outcome",` + page + `,"status":"done","entities":1,"fetched_at":10}`},
			"done", 0, "", 1, false},
		{"a later link does not reset a done page",
			[]string{
				`{"type":"link",` + page + `}`,
				`{"type":"outcome",` + page + `,"status":"done","entities":1,"fetched_at":10}`,
				`{"type":"link",` + page + `,"from":"https://x/"}`,
				`{"type":"url",` + page + `}`,
			},
			"done", 0, "", 1, true},
		{"failed attempts are counted",
			[]string{
				`{"type":"link",` + page + `}`,
				`{"type":"outcome",` + page + `,"status":"failed","reason":"http 500","entities":0,"fetched_at":10}`,
				`{"type":"outcome",` + page + `,"status":"failed","reason":"http 502","entities":0,"fetched_at":20}`,
				`{"type":"link",` + page + `}`,
			},
			"failed", 2, "http 502", 1, false},
		{"a replayed outcome is not counted again",
			[]string{
				`{"type":"outcome",` + page + `,"status":"failed","reason":"http 500","entities":0,"fetched_at":10}`,
				`{"type":"outcome",` + page + `,"status":"failed","reason":"http 500","entities":0,"fetched_at":10}`,
			},
			"failed", 1, "http 500", 1, false},
		{"outcomes without fetch times all count",
			[]string{
				`{"type":"outcome",` + page + `,"status":"failed","reason":"a","entities":0}`,
				`{"type":"outcome",` + page + `,"status":"failed","reason":"b","entities":0}`,
			},
			"failed", 2, "b", 1, false},
		{"failed, then done",
			[]string{
				`{"type":"outcome",` + page + `,"status":"failed","reason":"timeout","entities":0,"fetched_at":10}`,
				`{"type":"outcome",` + page + `,"status":"done","entities":3,"fetched_at":20}`,
			},
			"done", 1, "timeout", 1, false},
		{"a stale failure does not undo a newer success",
			[]string{
				`{"type":"outcome",` + page + `,"status":"done","entities":3,"fetched_at":20}`,
				`{"type":"outcome",` + page + `,"status":"failed","reason":"timeout","entities":0,"fetched_at":10}`,
			},
			"done", 0, "", 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t, "c.db")
			mustLoad(t, s.Path(), lines(tc.in...))
			got := crawlRows(t, s.DB)
			r, ok := got["https://x/board/2/b render=false"]
			if len(got) != 1 || !ok {
				t.Fatalf("crawl = %v, want the one board page", got)
			}
			if r.State != tc.state || r.Attempts != tc.attempts || r.LastError.String != tc.lastError || r.Seq != tc.wantSeq {
				t.Errorf("got state %s, attempts %d, last_error %q, seq %d; want %s, %d, %q, %d",
					r.State, r.Attempts, r.LastError.String, r.Seq, tc.state, tc.attempts, tc.lastError, tc.wantSeq)
			}
			if r.Kind.String != "board" {
				t.Errorf("kind = %v", r.Kind)
			}
			if (r.State == "done") != r.DoneAt.Valid {
				t.Errorf("state %s with done_at %v", r.State, r.DoneAt)
			}
			if tc.wantNotReset {
				// Rerunning the whole input changes nothing.
				before := dumpFile(t, s.Path())
				res := mustLoad(t, s.Path(), lines(tc.in...))
				sameDump(t, "after a rerun", before, dumpFile(t, s.Path()))
				if st := crawlRows(t, s.DB)["https://x/board/2/b render=false"]; st.DoneAt != r.DoneAt {
					t.Errorf("rerun touched done_at: %v, was %v\n%s", st.DoneAt, r.DoneAt, res.stderr)
				}
			}
		})
	}
}

// TestCrawlSeqContinuesAcrossLoads: discovery numbers keep growing across
// separate runs, so pending pages stay in discovery order.
func TestCrawlSeqContinuesAcrossLoads(t *testing.T) {
	s := openTemp(t, "c.db")
	mustLoad(t, s.Path(), lines(`{"type":"link","url":"https://x/a"}`, `{"type":"link","url":"https://x/b"}`))
	mustLoad(t, s.Path(), lines(`{"type":"outcome","url":"https://x/a","status":"done","entities":0}`, `{"type":"link","url":"https://x/c"}`))
	got := crawlRows(t, s.DB)
	if a, b, c := got["https://x/a render=false"].Seq, got["https://x/b render=false"].Seq, got["https://x/c render=false"].Seq; a != 1 || b != 2 || c != 3 {
		t.Errorf("seq a, b, c = %d, %d, %d; want 1, 2, 3", a, b, c)
	}
}
