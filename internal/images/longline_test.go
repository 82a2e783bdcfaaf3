package images

import (
	"bytes"
	"context"
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
	o := parseOptions(t, fast(t.TempDir())...)
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
