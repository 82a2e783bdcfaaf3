package frontier

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
)

// load applies NDJSON lines to a fresh or existing archive.
func load(t *testing.T, path string, lines ...string) {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var warn bytes.Buffer
	if _, err := st.Load(context.Background(), strings.NewReader(strings.Join(lines, "\n")), &warn, store.Options{Batch: 100}); err != nil {
		t.Fatalf("load: %v (%s)", err, warn.String())
	}
}

// runURLs parses args as pb-urls' command line would and runs it.
func runURLs(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var o Options
	k, err := kong.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := k.Parse(args)
	if err != nil {
		t.Fatalf("pb-urls %q: %v", args, err)
	}
	o.Command = kctx.Command()
	var out, errb bytes.Buffer
	code, err := Run(context.Background(), io.MultiReader(), &out, &errb, o)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func urlsOf(t *testing.T, ndjson string) []string {
	t.Helper()
	var got []string
	r := cli.NewReader(strings.NewReader(ndjson))
	for {
		l, err := r.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		var u record.URL
		if err := l.Decode(&u); err != nil {
			t.Fatal(err)
		}
		s := strings.TrimPrefix(u.URL, "http://f")
		if u.Render {
			s += " (render)"
		}
		got = append(got, s)
	}
}

func TestPendingRefreshAndStatusOnARealArchive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "forum.db")
	load(t, db,
		`{"type":"url","url":"http://f/","kind":"home"}`,
		`{"type":"outcome","url":"http://f/","kind":"home","status":"done","entities":3}`,
		`{"type":"link","url":"http://f/board/2/b","kind":"board"}`,
		`{"type":"link","url":"http://f/members","kind":"members"}`,
		`{"type":"link","url":"http://f/thread/10/a","kind":"thread"}`,
		`{"type":"link","url":"http://f/thread/10/a?page=2","kind":"thread"}`,
		`{"type":"link","url":"http://f/thread/10/a","kind":"thread","render":true}`,
		`{"type":"link","url":"http://f/thread/11/b","kind":"thread"}`,
		`{"type":"outcome","url":"http://f/thread/11/b","kind":"thread","status":"failed","reason":"http 500","entities":0}`,
		`{"type":"link","url":"http://f/thread/12/c","kind":"thread"}`,
	)
	// Thread 12 failed three times: out of attempts, no longer pending.
	for i := 0; i < 3; i++ {
		load(t, db, `{"type":"outcome","url":"http://f/thread/12/c","kind":"thread","status":"failed","reason":"http 500","entities":0}`)
	}

	out, errs, code := runURLs(t, "pending", "--max-attempts", "3", db)
	if code != 0 {
		t.Fatalf("pending exit %d: %s", code, errs)
	}
	want := "/thread/10/a|/thread/10/a?page=2|/thread/11/b|/board/2/b|/members"
	if got := strings.Join(urlsOf(t, out), "|"); got != want {
		t.Errorf("pending:\n got %s\nwant %s", got, want)
	}
	out, _, _ = runURLs(t, "pending", "--render-only", db)
	if got := strings.Join(urlsOf(t, out), "|"); got != "/thread/10/a (render)" {
		t.Errorf("pending --render-only = %s", got)
	}
	out, _, _ = runURLs(t, "pending", db, "--render", "--kind", "thread", "--limit", "2")
	if got := strings.Join(urlsOf(t, out), "|"); got != "/thread/10/a|/thread/10/a (render)" {
		t.Errorf("pending --render --kind thread --limit 2 = %s", got)
	}
	out, _, _ = runURLs(t, "pending", db, "--kind", "thread", "--limit", "2")
	if got := strings.Join(urlsOf(t, out), "|"); got != "/thread/10/a|/thread/10/a?page=2" {
		t.Errorf("pending --kind thread --limit 2 = %s", got)
	}

	// Finish everything, then refresh: home, boards, members and the last
	// page of each thread come back; earlier thread pages do not.
	for _, u := range []string{"/board/2/b", "/members", "/thread/10/a", "/thread/10/a?page=2", "/thread/11/b"} {
		load(t, db, `{"type":"outcome","url":"http://f`+u+`","status":"done","entities":1}`)
	}
	load(t, db, `{"type":"outcome","url":"http://f/thread/10/a","render":true,"status":"done","entities":1}`)
	if out, _, _ := runURLs(t, "pending", "--render", "--max-attempts=3", db); out != "" {
		t.Fatalf("finished archive still has pending pages: %s", out)
	}
	_, errs, code = runURLs(t, "refresh", db)
	if code != 0 || !strings.Contains(errs, "re-queued") {
		t.Fatalf("refresh exit %d: %s", code, errs)
	}
	out, _, _ = runURLs(t, "pending", "--max-attempts=3", db)
	want = "/thread/10/a?page=2|/thread/11/b|/thread/12/c|/board/2/b|/members|/"
	if got := strings.Join(urlsOf(t, out), "|"); got != want {
		t.Errorf("pending after refresh:\n got %s\nwant %s", got, want)
	}

	out, _, code = runURLs(t, "status", db)
	if code != 0 || !strings.Contains(out, "post ") || !strings.Contains(out, "crawl:") || !strings.Contains(out, "pending") {
		t.Errorf("status exit %d:\n%s", code, out)
	}
}
