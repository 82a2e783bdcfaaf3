package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/cli"
)

func TestBadLinesAreReportedAndSkipped(t *testing.T) {
	in := lines(
		`{"type":"category","id":1,"name":"A"}`,   // 1
		`{"type":"category","id":"2","name":"B"}`, // 2 wrong type
		`not json`,                                            // 3
		`{"type":"post","message":"no id"}`,                   // 4 missing key
		`{"type":"category","id":3,"name":"C"`,                // 5 truncated
		`{"type":"outcome","url":"https://x/","status":"ok"}`, // 6 bad enum
		`{"type":"user","id":4,"name":["x"]}`,                 // 7 wrong type
		`{"type":"category","id":5,"name":"E"}`,               // 8
		`{"type":"avatar","user_id":4}`,                       // 9 missing url
	)
	s := openTemp(t, "b.db")
	r := runLoad(t, s.Path(), in, Options{})
	if r.exit != cli.ExitPartial || r.err != nil {
		t.Fatalf("exit %d, err %v; want exit 1 and no error\n%s", r.exit, r.err, r.stderr)
	}
	wantMsgs := map[int]string{
		2: `bad category record: "id" is a JSON string, want an integer`,
		3: `not a JSON object`,
		4: `post record has no "id"`,
		5: `invalid JSON`,
		6: `outcome status is "ok"`,
		7: `bad user record: "name" is a JSON array, want a string`,
		9: `avatar record has no "url"`,
	}
	for n, msg := range wantMsgs {
		re := regexp.MustCompile(`(?m)^pb-load: line ` + strconv.Itoa(n) + `: .*` + regexp.QuoteMeta(msg))
		if !re.MatchString(r.stderr) {
			t.Errorf("no message for line %d containing %q in:\n%s", n, msg, r.stderr)
		}
	}
	if got := strings.Count(r.stderr, "(skipped)"); got != len(wantMsgs) {
		t.Errorf("%d skipped-line messages, want %d:\n%s", got, len(wantMsgs), r.stderr)
	}
	if !strings.Contains(r.stderr, "7 bad lines skipped") {
		t.Errorf("summary does not count the bad lines:\n%s", r.stderr)
	}
	got := tableRows(t, s.DB, "category")
	if len(got) != 2 || got[0]["name"] != q("A") || got[1]["name"] != q("E") {
		t.Errorf("categories = %v, want A and E: the good records around bad ones load", got)
	}
}

func TestUnknownTypesAreWarnedOnceAndPagesIgnored(t *testing.T) {
	s := openTemp(t, "u.db")
	in := lines(
		`{"type":"page","url":"https://x/","status":200,"body":"<html>","rendered":false,"fetched_at":1,"attempts":1}`,
		`{"type":"gallery","id":1}`,
		`{"type":"category","id":1}`,
		`{"type":"gallery","id":2}`,
		`{"type":"reaction","id":2}`,
	)
	r := runLoad(t, s.Path(), in, Options{})
	if r.exit != cli.ExitPartial || r.err != nil {
		t.Fatalf("exit %d, err %v; want 1: unknown records were not loaded\n%s", r.exit, r.err, r.stderr)
	}
	if n := strings.Count(r.stderr, `unknown record type "gallery"`); n != 1 {
		t.Errorf("gallery warned %d times, want once:\n%s", n, r.stderr)
	}
	for _, want := range []string{`line 2: unknown record type "gallery"`, `line 5: unknown record type "reaction"`,
		`2 "gallery" records skipped`, `1 "reaction" record skipped`, `1 page record ignored`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// Page records alone are not a failure.
	r = runLoad(t, s.Path(), lines(`{"type":"page","url":"https://x/","status":200,"body":"","rendered":false,"fetched_at":1,"attempts":1}`), Options{})
	if r.exit != 0 || r.err != nil {
		t.Errorf("pages only: exit %d, err %v", r.exit, r.err)
	}
}

func TestQuietAndSummary(t *testing.T) {
	s := openTemp(t, "q.db")
	r := runLoad(t, s.Path(), lines(`{"type":"category","id":1}`), Options{Quiet: true})
	if r.stderr != "" {
		t.Errorf("-q printed %q", r.stderr)
	}
	r = runLoad(t, s.Path(), lines(`{"type":"category","id":2}`, `{"type":"category","id":1,"name":"x"}`), Options{})
	re := regexp.MustCompile(`(?m)^pb-load: 2 records in [0-9.]+s \([0-9]+ records/s\), 2 loaded in 1 transaction\n` +
		`  table +inserted +updated\n  category +1 +1\n$`)
	if !re.MatchString(r.stderr) {
		t.Errorf("summary:\n%s", r.stderr)
	}
}

func TestUnusableDatabaseIsASetupError(t *testing.T) {
	dir := t.TempDir()
	r := runLoad(t, filepath.Join(dir, "no", "such", "dir", "x.db"), lines(`{"type":"category","id":1}`), Options{})
	if r.exit != cli.ExitUsage || r.err == nil {
		t.Errorf("exit %d, err %v; want 2 and an error", r.exit, r.err)
	}
}

// slowReader yields one line at a time and then blocks until released,
// like a pipeline waiting on a slow forum.
type slowReader struct {
	lines   chan []byte
	pending []byte
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.pending) == 0 {
		l, ok := <-s.lines
		if !ok {
			return 0, io.EOF
		}
		s.pending = l
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

// TestBatchesCommitOnTime: with input trickling in, a batch commits within
// its batch time, while the input is still open.
func TestBatchesCommitOnTime(t *testing.T) {
	s := openTemp(t, "t.db")
	src := &slowReader{lines: make(chan []byte)}
	done := make(chan loadResult, 1)
	go func() {
		var stderr bytes.Buffer
		exit, err := Run(context.Background(), src, io.Discard, &stderr,
			Options{DB: s.Path(), Batch: 1000, BatchTime: 100 * time.Millisecond})
		done <- loadResult{exit, err, stderr.String()}
	}()
	src.lines <- []byte(`{"type":"category","id":1,"name":"A"}` + "\n")
	if !waitFor(t, 5*time.Second, func() bool { return count(t, s, "category") == 1 }) {
		t.Fatal("the record was not committed within 5 s although the batch time is 100 ms")
	}
	src.lines <- []byte(`{"type":"category","id":2,"name":"B"}` + "\n")
	close(src.lines)
	r := <-done
	if r.exit != 0 || r.err != nil || count(t, s, "category") != 2 {
		t.Fatalf("exit %d, err %v, %d categories\n%s", r.exit, r.err, count(t, s, "category"), r.stderr)
	}
	if !strings.Contains(r.stderr, "2 loaded in 2 transactions") {
		t.Errorf("want two batches:\n%s", r.stderr)
	}
}

// TestBatchesCommitBySize: --batch N commits every N records.
func TestBatchesCommitBySize(t *testing.T) {
	s := openTemp(t, "n.db")
	var in []string
	for i := 0; i < 25; i++ {
		in = append(in, `{"type":"category","id":`+strconv.Itoa(i)+`}`)
	}
	r := runLoad(t, s.Path(), lines(in...), Options{Batch: 10})
	if r.exit != 0 || !strings.Contains(r.stderr, "25 loaded in 3 transactions") {
		t.Errorf("exit %d:\n%s", r.exit, r.stderr)
	}
}

// TestInterruptCommitsTheBatch: a cancelled context (SIGINT) stops reading,
// commits what was applied and ends without an error.
func TestInterruptCommitsTheBatch(t *testing.T) {
	s := openTemp(t, "i.db")
	src := &slowReader{lines: make(chan []byte)}
	applied := make(chan struct{}, 10)
	testHookApplied = func() { applied <- struct{}{} }
	defer func() { testHookApplied = nil }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan loadResult, 1)
	go func() {
		var stderr bytes.Buffer
		exit, err := Run(ctx, src, io.Discard, &stderr, Options{DB: s.Path(), Batch: 1000, BatchTime: time.Hour})
		done <- loadResult{exit, err, stderr.String()}
	}()
	for i := 1; i <= 3; i++ {
		src.lines <- []byte(`{"type":"category","id":` + strconv.Itoa(i) + `}` + "\n")
		select {
		case <-applied:
		case <-time.After(5 * time.Second):
			t.Fatal("record not applied within 5 s")
		}
	}
	if n := count(t, s, "category"); n != 0 {
		t.Fatalf("%d categories visible before the batch ends", n)
	}
	cancel() // the input stays open, as when Ctrl-C hits a running pipeline
	var r loadResult
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pb-load did not stop within 5 s of the signal")
	}
	if r.exit != 0 || r.err != nil {
		t.Errorf("exit %d, err %v; want a clean exit\n%s", r.exit, r.err, r.stderr)
	}
	if n := count(t, s, "category"); n != 3 {
		t.Errorf("%d categories committed, want 3", n)
	}
	if !strings.Contains(r.stderr, "stopped by a signal") {
		t.Errorf("summary does not say it was stopped:\n%s", r.stderr)
	}
	close(src.lines)
}

// errReader fails after its data, like a broken input pipe.
type errReader struct{ r io.Reader }

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, errors.New("input broke")
	}
	return n, err
}

func TestReadErrorKeepsWhatWasLoaded(t *testing.T) {
	s := openTemp(t, "e.db")
	var stderr bytes.Buffer
	exit, err := Run(context.Background(), errReader{bytes.NewReader(lines(`{"type":"category","id":1}`))},
		io.Discard, &stderr, Options{DB: s.Path()})
	if exit != cli.ExitPartial || err == nil || !strings.Contains(err.Error(), "input broke") {
		t.Errorf("exit %d, err %v; want 1 and the read error", exit, err)
	}
	if n := count(t, s, "category"); n != 1 {
		t.Errorf("%d categories, want the one read before the error", n)
	}
}

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(`SELECT count(*) FROM ` + quote(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond every 10 ms until it holds or the time is up.
func waitFor(t *testing.T, limit time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}
