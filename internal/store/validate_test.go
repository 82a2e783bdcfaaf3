package store

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/cli"
)

// TestRecordsAreValidatedAtTheDoor: url, link and outcome records whose
// URL could never be fetched, and image records whose filename is not a
// plain <md5>.<ext>, are reported with their line number and skipped; the
// good records around them load.
func TestRecordsAreValidatedAtTheDoor(t *testing.T) {
	const md5 = "0123456789abcdef0123456789abcdef"
	long := "https://x.proboards.com/thread/1/" + strings.Repeat("a", MaxURLBytes)
	tests := []struct {
		name   string
		record string
		table  string // where the record would land
		want   string // in the message; "" means the record is good
	}{
		{"javascript url", `{"type":"url","url":"javascript:alert(1)"}`, "crawl", `is a javascript: URL`},
		{"file url", `{"type":"url","url":"file:///etc/passwd"}`, "crawl", `is a file: URL`},
		{"data link", `{"type":"link","url":"data:text/html,hi","kind":"thread"}`, "crawl", `is a data: URL`},
		{"relative link", `{"type":"link","url":"/thread/1/a","kind":"thread"}`, "crawl", `not an absolute URL`},
		{"hostless link", `{"type":"link","url":"http:///thread/1/a","kind":"thread"}`, "crawl", `has no host`},
		{"opaque http", `{"type":"url","url":"http:x.proboards.com"}`, "crawl", `has no host`},
		{"userinfo", `{"type":"link","url":"https://user:secret@x.proboards.com/thread/1/a"}`, "crawl", `user name or password`},
		{"long url", `{"type":"link","url":"` + long + `"}`, "crawl", `over the 2048-byte limit`},
		{"control character", `{"type":"url","url":"https://x.proboards.com/\u0007"}`, "crawl", `is not a URL`},
		{"search page", `{"type":"link","url":"https://x.proboards.com/search?q=a"}`, "crawl", `write, session or search page`},
		{"other site", `{"type":"link","url":"https://evil.example/thread/1/a","kind":"thread","from":"https://x.proboards.com/board/1/b"}`, "crawl", `not on the site of the page it was found on (x.proboards.com)`},
		{"bad from", `{"type":"link","url":"https://x.proboards.com/thread/1/a","from":"javascript:void(0)"}`, "crawl", `from "javascript:void(0)" is a javascript: URL`},
		{"outcome url", `{"type":"outcome","url":"mailto:a@b","status":"failed","entities":0}`, "crawl", `outcome record refused: url "mailto:a@b" is a mailto: URL`},
		{"path filename", `{"type":"image","url":"https://i.invalid/a.png","filename":"../../x"}`, "image", `filename "../../x" is not <md5>.<ext>`},
		{"folder filename", `{"type":"image","url":"https://i.invalid/a.png","filename":"x/` + md5 + `.png"}`, "image", `is not <md5>.<ext>`},
		{"not an md5", `{"type":"image","url":"https://i.invalid/a.png","filename":"avatar.png"}`, "image", `is not <md5>.<ext>`},
		{"md5 mismatch", `{"type":"image","url":"https://i.invalid/a.png","filename":"` + md5 + `.png","md5_hash":"ffffffffffffffffffffffffffffffff"}`, "image", `does not match its md5_hash`},
		{"bad md5", `{"type":"image","url":"https://i.invalid/a.png","md5_hash":"../x"}`, "image", `not 32 lower-case hex digits`},

		{"good url", `{"type":"url","url":"https://x.proboards.com/","kind":"home"}`, "crawl", ""},
		{"good link", `{"type":"link","url":"https://x.proboards.com/thread/1/a?page=2","kind":"thread","from":"https://X.proboards.com/thread/1/a"}`, "crawl", ""},
		{"local forum", `{"type":"link","url":"http://127.0.0.1:8080/board/2/b","kind":"board","from":"http://127.0.0.1:8080/"}`, "crawl", ""},
		{"theme on storage", `{"type":"link","url":"https://storage.proboards.com/6/css/forum.css","kind":"css","from":"https://forum.example.org/"}`, "crawl", ""},
		{"good outcome", `{"type":"outcome","url":"https://x.proboards.com/","status":"done","entities":0}`, "crawl", ""},
		{"good image", `{"type":"image","url":"https://i.invalid/a.png","filename":"` + md5 + `.png","md5_hash":"` + md5 + `"}`, "image", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t, "v.db")
			in := lines(`{"type":"category","id":1}`, tt.record, `{"type":"category","id":2}`)
			r := runLoad(t, s.Path(), in, Options{})
			if n := count(t, s, "category"); n != 2 {
				t.Errorf("%d categories, want the 2 around line 2", n)
			}
			if tt.want == "" {
				if r.exit != 0 || r.err != nil || count(t, s, tt.table) != 1 {
					t.Errorf("exit %d, err %v, %d %s rows: want the record loaded\n%s", r.exit, r.err, count(t, s, tt.table), tt.table, r.stderr)
				}
				return
			}
			if r.exit != cli.ExitPartial || r.err != nil {
				t.Errorf("exit %d, err %v; want 1\n%s", r.exit, r.err, r.stderr)
			}
			re := regexp.MustCompile(`(?m)^pb-load: line 2: .*` + regexp.QuoteMeta(tt.want) + `.*\(skipped\)$`)
			if !re.MatchString(r.stderr) {
				t.Errorf("no line-2 message containing %q:\n%s", tt.want, r.stderr)
			}
			if n := count(t, s, tt.table); n != 0 {
				t.Errorf("%d %s rows: the refused record was stored", n, tt.table)
			}
		})
	}
}

// TestFutureOutcomesAreRefused: an outcome fetched more than MaxClockSkew
// after pb-load's clock is refused with the line number (it would make
// every later outcome of its page look like a replay); one within the
// skew loads. The clock is injected, so the test does not depend on today.
func TestFutureOutcomesAreRefused(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "f.db")
	const page = `"url":"https://x.proboards.com/board/1/b","kind":"board"`
	at := func(d time.Duration) string { return itoa64(now.Add(d).UnixMilli()) }

	r := runLoad(t, path, lines(
		`{"type":"outcome",`+page+`,"status":"done","entities":0,"fetched_at":`+at(MaxClockSkew+time.Minute)+`}`,
	), Options{Now: clock})
	if r.exit != cli.ExitPartial || !strings.Contains(r.stderr, "line 1: outcome record refused: fetched_at") ||
		!strings.Contains(r.stderr, "2031-05-07T07:09:09Z") || !strings.Contains(r.stderr, "(skipped)") {
		t.Fatalf("future outcome: exit %d, err %v; want 1 and a line-1 message with its date\n%s", r.exit, r.err, r.stderr)
	}
	if strings.Contains(r.stderr, "1 loaded") {
		t.Errorf("the refused outcome is counted as loaded:\n%s", r.stderr)
	}
	s := openPath(t, path)
	if n := count(t, s, "crawl"); n != 0 {
		t.Fatalf("%d crawl rows after a refused outcome", n)
	}

	// A fetcher a few hours ahead is within the skew; the failure that
	// comes later (by its clock) still counts.
	r = runLoad(t, path, lines(
		`{"type":"outcome",`+page+`,"status":"done","entities":0,"fetched_at":`+at(3*time.Hour)+`}`,
	), Options{Now: clock})
	if r.exit != 0 || r.err != nil {
		t.Fatalf("outcome 3 h ahead: exit %d, err %v\n%s", r.exit, r.err, r.stderr)
	}
	var state string
	if err := s.DB.QueryRow(`SELECT state FROM crawl`).Scan(&state); err != nil || state != "done" {
		t.Fatalf("state %q, %v; want done", state, err)
	}
}

// TestStoredFutureFetchTimeBlocksNothing: an archive written before future
// outcomes were refused may hold a fetched_at years ahead; a real outcome
// of that page is applied all the same.
func TestStoredFutureFetchTimeBlocksNothing(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	s := openTemp(t, "b.db")
	const u = "https://x.proboards.com/thread/3/c"
	mustLoad(t, s.Path(), lines(`{"type":"link","url":"`+u+`","kind":"thread"}`))
	if _, err := s.DB.Exec(`UPDATE crawl SET state = 'failed', attempts = 1, fetched_at = ? WHERE url = ?`,
		now.AddDate(10, 0, 0).UnixMilli(), u); err != nil {
		t.Fatal(err)
	}
	r := runLoad(t, s.Path(), lines(`{"type":"outcome","url":"`+u+`","status":"done","entities":0,"fetched_at":`+
		itoa64(now.UnixMilli())+`}`), Options{Now: func() time.Time { return now }})
	var state string
	var fetched int64
	if err := s.DB.QueryRow(`SELECT state, fetched_at FROM crawl WHERE url = ?`, u).Scan(&state, &fetched); err != nil {
		t.Fatal(err)
	}
	if r.exit != 0 || state != "done" || fetched != now.UnixMilli() {
		t.Errorf("exit %d, state %q, fetched_at %d; want done at %d\n%s", r.exit, state, fetched, now.UnixMilli(), r.stderr)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
