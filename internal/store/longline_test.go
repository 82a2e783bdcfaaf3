package store

import (
	"bytes"
	"context"
	"path/filepath"
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
	o := Options{DB: filepath.Join(t.TempDir(), "a.db")}
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
	s, err := Open(o.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(t, s, "category"); n != 2 {
		t.Errorf("%d categories loaded, want the 2 around the long line", n)
	}
	if alloc > 5*record.MaxLine/2 {
		t.Errorf("a %d-byte line cost %d bytes (limit %d)", size, alloc, record.MaxLine)
	}
}
