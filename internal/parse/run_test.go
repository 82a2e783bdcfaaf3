package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
)

// pageLine encodes a page record as one NDJSON line.
func pageLine(t *testing.T, p record.Page) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func run(t *testing.T, in string, o Options) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := Run(context.Background(), strings.NewReader(in), &out, &errb, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return code, out.String(), errb.String()
}

// types returns the "type" of each output line.
func types(t *testing.T, out string) []string {
	t.Helper()
	var ts []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var h struct{ Type string }
		if err := json.Unmarshal([]byte(l), &h); err != nil {
			t.Fatalf("output line is not JSON: %q", l)
		}
		ts = append(ts, h.Type)
	}
	return ts
}

func TestRunPassesOtherRecordsThroughUnchanged(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"url","url":"http://127.0.0.1:9/","kind":"home","x_note":{"keep":[1,2,{"a":null}]}}`,
		`{"type":"image","url":"http://127.0.0.1:9/a.png","md5_hash":"00","extra":"é <b>"}`,
		`{"type":"someday_new","payload":"?"}`,
	}, "\n") + "\n"
	code, out, stderr := run(t, in, Options{})
	if code != cli.ExitOK || out != in {
		t.Fatalf("exit %d, stderr %q\n got %q\nwant %q", code, stderr, out, in)
	}
}

func TestRunWritesEntitiesLinksThenOneOutcome(t *testing.T) {
	rec := loadFixture(t, filepath.Join("testdata", "board", "page1.json"))
	in := `{"type":"url","url":"before"}` + "\n" + pageLine(t, rec) + "\n" + `{"type":"url","url":"after"}` + "\n"
	code, out, _ := run(t, in, Options{Quiet: true})
	if code != cli.ExitOK {
		t.Fatalf("exit %d", code)
	}
	ts := types(t, out)
	if ts[0] != "url" || ts[len(ts)-1] != "url" || ts[len(ts)-2] != "outcome" {
		t.Fatalf("order: %v", ts)
	}
	// Entities, then links, then the outcome: never an entity after a link.
	seenLink := false
	for _, ty := range ts[1 : len(ts)-2] {
		switch ty {
		case "link":
			seenLink = true
		case "outcome", "url", "page":
			t.Fatalf("unexpected %s inside the page's records: %v", ty, ts)
		default:
			if seenLink {
				t.Fatalf("entity after a link: %v", ts)
			}
		}
	}
	if strings.Count(out, `"type":"outcome"`) != 1 {
		t.Fatalf("want exactly one outcome:\n%s", out)
	}
}

func TestRunReportsBadLinesAndGoesOn(t *testing.T) {
	good := pageLine(t, loadFixture(t, filepath.Join("testdata", "user", "full.json")))
	in := strings.Join([]string{
		`{"type":"url","url":"x"}`,
		`this is not json`,
		`{"type":"page","url":"http://127.0.0.1:9/user/2","status":"two hundred"}`,
		`{"type":"page","status":200,"body":""}`,
		`{"no_type":true}`,
		good,
	}, "\n") + "\n"
	var out, stderr bytes.Buffer
	code, err := Run(context.Background(), strings.NewReader(in), &out, &stderr, Options{})
	if err != nil || code != cli.ExitPartial {
		t.Fatalf("exit %d, err %v; want %d", code, err, cli.ExitPartial)
	}
	for _, n := range []string{"line 2:", "line 3:", "line 4:", "line 5:"} {
		if !strings.Contains(stderr.String(), n) {
			t.Errorf("stderr does not report %q:\n%s", n, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "line 1:") || strings.Contains(stderr.String(), "line 6:") {
		t.Errorf("good lines reported as bad:\n%s", stderr.String())
	}
	if !strings.Contains(out.String(), `"type":"user","id":2`) || !strings.Contains(out.String(), `"status":"done"`) {
		t.Errorf("the good page after the bad lines was not parsed:\n%s", out.String())
	}
}

func TestRunFailedPageGivesFailedOutcomeAndExit1(t *testing.T) {
	for _, tc := range []struct {
		name   string
		page   record.Page
		reason string
	}{
		{"fetch error", record.Page{Type: "page", URL: "http://127.0.0.1:9/thread/1/x", Status: 0, Error: "connection refused"}, "fetch failed: connection refused"},
		{"http 503", record.Page{Type: "page", URL: "http://127.0.0.1:9/thread/1/x", Status: 503, Body: "<html>busy</html>"}, "HTTP 503"},
		{"no content", pageOf(record.KindThread, "<html><body>nothing here</body></html>"), "no posts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(t, pageLine(t, tc.page)+"\n", Options{})
			if code != cli.ExitPartial {
				t.Errorf("exit %d, want %d", code, cli.ExitPartial)
			}
			var o record.Outcome
			if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &o); err != nil {
				t.Fatalf("want exactly one outcome line, got %q", out)
			}
			if o.Status != record.OutcomeFailed || !strings.HasPrefix(o.Reason, tc.reason) || o.Entities != 0 || o.URL != tc.page.URL {
				t.Errorf("outcome %+v, want failed %q", o, tc.reason)
			}
			if !strings.Contains(stderr, tc.page.URL) || !strings.Contains(stderr, "failed") {
				t.Errorf("stderr does not name the failed page: %q", stderr)
			}
			if code, _, stderr := run(t, pageLine(t, tc.page)+"\n", Options{Quiet: true}); code != cli.ExitPartial || stderr != "" {
				t.Errorf("quiet: exit %d, stderr %q", code, stderr)
			}
		})
	}
}

func TestRunHugePageLineDoesNotStopTheStream(t *testing.T) {
	huge := pageLine(t, pageOf(record.KindThread, "<html><body><p>"+strings.Repeat("lorem ipsum ", 50<<20/12)+"</p></body></html>"))
	in := huge + "\n" + `{"type":"url","url":"after"}` + "\n"
	code, out, _ := run(t, in, Options{Quiet: true})
	if code != cli.ExitPartial {
		t.Errorf("exit %d", code)
	}
	if ts := types(t, out); len(ts) != 2 || ts[0] != "outcome" || ts[1] != "url" {
		t.Fatalf("records: %v", ts)
	}
	if !strings.Contains(out, "limit") {
		t.Errorf("reason does not name the limit: %s", out)
	}
	// --max-body lowers the limit: a 2 MB page is parsed (and fails only
	// because it has no posts), but not with --max-body 1MB.
	mid := pageLine(t, pageOf(record.KindThread, "<html><body><p>"+strings.Repeat("lorem ipsum ", 2<<20/12)+"</p></body></html>"))
	code, out, _ = run(t, mid+"\n", Options{Quiet: true})
	if code != cli.ExitPartial || !strings.Contains(out, "no posts") {
		t.Errorf("2 MB page: exit %d, %s", code, out)
	}
	code, out, _ = run(t, mid+"\n", Options{Quiet: true, MaxBody: 1 << 20})
	if code != cli.ExitPartial || !strings.Contains(out, "limit") {
		t.Errorf("2 MB page with --max-body 1MB: exit %d, %s", code, out)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, stderr bytes.Buffer
	code, err := Run(ctx, strings.NewReader(`{"type":"url","url":"x"}`+"\n"), &out, &stderr, Options{})
	if err == nil || code != cli.ExitPartial {
		t.Fatalf("cancelled run: exit %d, err %v", code, err)
	}
}
