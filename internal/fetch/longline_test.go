package fetch

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/cli/clitest"
	"github.com/pb-archive/pb/internal/record"
)

// TestOverlongLineIsSkipped: a line far over record.MaxLine between good
// lines is reported with its number and skipped, the good lines are
// handled, the exit status is 1, and memory stays bounded by the limit,
// not by the line.
func TestOverlongLineIsSkipped(t *testing.T) {
	const size = 4 * record.MaxLine
	o := parseOptions(t)
	in := clitest.LongLineInput(`{"type":"category","id":1,"name":"a"}`+"\n", size, "\n"+`{"type":"category","id":2,"name":"b"}`+"\n")
	var out, errb bytes.Buffer
	var code int
	var err error
	alloc := clitest.Allocated(func() { code, err = Run(context.Background(), in, &out, &errb, o) })
	if code != cli.ExitPartial || err != nil {
		t.Errorf("exit %d, %v; want %d", code, err, cli.ExitPartial)
	}
	if !strings.Contains(errb.String(), "line 2: line is ") || !strings.Contains(errb.String(), "over the limit") {
		t.Errorf("stderr does not report line 2 as too long:\n%s", errb.String())
	}
	if !strings.Contains(out.String(), `"id":1`) || !strings.Contains(out.String(), `"id":2`) {
		t.Errorf("the lines around the long one were not passed on: %q", out.String())
	}
	if alloc > 5*record.MaxLine/2 {
		t.Errorf("a %d-byte line cost %d bytes (limit %d)", size, alloc, record.MaxLine)
	}
}

// TestDecodedPageOverMaxBodyFails: a page under --max-body as received but
// over it once decoded to UTF-8 (Latin-1 é is 2 bytes in UTF-8) fails in
// pb-fetch, rather than being passed on for pb-parse to refuse.
func TestDecodedPageOverMaxBodyFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=ISO-8859-1")
		w.Write(bytes.Repeat([]byte{0xe9}, 800))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		maxBody string
		wantErr bool
	}{{"1KB", true}, {"2KB", false}} {
		r := runFetch(t, context.Background(), urlLine(srv.URL+"/"), parseOptions(t, append(fastArgs, "--max-body", tc.maxBody)...))
		recs := decodeLines(t, r.stdout)
		if len(recs) != 1 {
			t.Fatalf("--max-body %s: %d records", tc.maxBody, len(recs))
		}
		msg, _ := recs[0]["error"].(string)
		body, _ := recs[0]["body"].(string)
		if tc.wantErr && (!strings.Contains(msg, "1600 bytes as UTF-8, over --max-body 1KB") || body != "" || r.code != cli.ExitPartial) {
			t.Errorf("--max-body %s: exit %d, error %q, %d-byte body", tc.maxBody, r.code, msg, len(body))
		}
		if !tc.wantErr && (msg != "" || len(body) != 1600 || r.code != cli.ExitOK) {
			t.Errorf("--max-body %s: exit %d, error %q, %d-byte body", tc.maxBody, r.code, msg, len(body))
		}
	}
}
