package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/cli/clitest"
	"github.com/pb-archive/pb/internal/record"
)

func readAll(t *testing.T, r *Reader) (lines []record.Line, bad []*record.LineError) {
	t.Helper()
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			return lines, bad
		}
		var le *record.LineError
		if errors.As(err, &le) {
			bad = append(bad, le)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		lines = append(lines, l)
	}
}

func TestReaderReportsBadLinesAndKeepsGoing(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"url","url":"http://a/1"}`,
		`not json at all`,
		``,
		`{"type":"url","url":"http://a/2"`, // truncated
		`{"url":"http://a/3"}`,             // no type
		`[1,2,3]`,
		`{"type":"url","url":"http://a/4"}`,
	}, "\n") // no final newline: the last line still counts
	lines, bad := readAll(t, NewReader(strings.NewReader(in)))
	if len(lines) != 2 || lines[0].N != 1 || lines[1].N != 7 {
		t.Fatalf("good lines = %+v, want lines 1 and 7", lines)
	}
	wantBad := []int{2, 4, 5, 6}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad = %v, want lines %v", bad, wantBad)
	}
	for i, n := range wantBad {
		if bad[i].N != n || !strings.HasPrefix(bad[i].Error(), "line ") {
			t.Errorf("bad[%d] = %q, want line %d", i, bad[i].Error(), n)
		}
	}
	if !strings.Contains(bad[2].Error(), `no "type"`) {
		t.Errorf("missing type error is unclear: %q", bad[2])
	}
}

// TestReaderDefaultLimit: NewReader, which every tool uses, reads a
// line of record.MaxLine bytes (the largest page record, see
// record.TestMaxLineFitsTheLargestPage) and skips one of a byte more.
func TestReaderDefaultLimit(t *testing.T) {
	line := func(size int) io.Reader {
		head, tail := `{"type":"page","body":"`, `"}`
		return clitest.LongLineInput(head, int64(size-len(head)-len(tail)), tail+"\n"+`{"type":"url"}`)
	}
	lines, bad := readAll(t, NewReader(line(record.MaxLine)))
	if len(bad) != 0 || len(lines) != 2 || len(lines[0].Raw) != record.MaxLine {
		t.Errorf("a line of record.MaxLine bytes: %d lines, bad %v", len(lines), bad)
	}
	lines, bad = readAll(t, NewReader(line(record.MaxLine+1)))
	if len(bad) != 1 || bad[0].N != 1 || len(lines) != 1 || lines[0].N != 2 {
		t.Errorf("a line of record.MaxLine+1 bytes: %d lines, bad %v", len(lines), bad)
	}
}

// TestReaderLineLimit checks the edges of the limit: a line of max bytes
// is read, one byte more is skipped and reported with its number, with or
// without its newline, and reading goes on after it.
func TestReaderLineLimit(t *testing.T) {
	const max = 64
	fits := `{"type":"x","p":"` + strings.Repeat("a", max-len(`{"type":"x","p":""}`)) + `"}`
	over := `{"type":"x","p":"` + strings.Repeat("a", max+1-len(`{"type":"x","p":""}`)) + `"}`
	if len(fits) != max || len(over) != max+1 {
		t.Fatal("test lines have the wrong lengths")
	}
	for _, tc := range []struct {
		name    string
		in      string
		good    []int
		bad     []int
		badSize string
	}{
		{"fits", fits + "\n" + fits, []int{1, 2}, nil, ""},
		{"over in the middle", fits + "\n" + over + "\n" + fits + "\n", []int{1, 3}, []int{2}, "65 bytes"},
		{"over at the end, no newline", fits + "\n" + over, []int{1}, []int{2}, "65 bytes"},
		{"over with CRLF", fits + "\r\n" + over + "\r\n" + fits, []int{1, 3}, []int{2}, "65 bytes"},
		{"CR alone is not a line end", "\r" + fits + "\n" + fits + "\r", []int{}, []int{1, 2}, "65 bytes"},
		{"blank lines count", "\n\n" + over + "\n" + fits, []int{4}, []int{3}, "65 bytes"},
		{"much longer than the buffer", fits + "\n" + strings.Repeat("z", 300_000) + "\n" + fits, []int{1, 3}, []int{2}, "300000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, bad := readAll(t, NewReaderSize(strings.NewReader(tc.in), max))
			var good, badN []int
			for _, l := range lines {
				good = append(good, l.N)
			}
			for _, b := range bad {
				badN = append(badN, b.N)
				if !strings.Contains(b.Error(), tc.badSize) || !strings.Contains(b.Error(), "over the limit of 64 bytes") {
					t.Errorf("error %q does not say the size %s and the limit", b.Error(), tc.badSize)
				}
			}
			if fmt.Sprint(good) != fmt.Sprint(tc.good) || fmt.Sprint(badN) != fmt.Sprint(tc.bad) {
				t.Errorf("good lines %v, bad %v; want %v, %v", good, badN, tc.good, tc.bad)
			}
		})
	}
}

// longLineInput is a good line, a line of size bytes, and a good line.
func longLineInput(size int64) io.Reader {
	good := `{"type":"url","url":"http://a/"}` + "\n"
	return clitest.LongLineInput(good, size, "\n"+good)
}

var allocated = clitest.Allocated

// TestOverlongLineInBoundedMemory: a line far longer than the limit (here
// 512 MiB against 1 MiB) is skipped while the lines around it are read,
// and reading it costs memory in proportion to the limit, not to the line.
func TestOverlongLineInBoundedMemory(t *testing.T) {
	const max = 1 << 20
	var lines []record.Line
	var bad []*record.LineError
	alloc := allocated(func() {
		lines, bad = readAll(t, NewReaderSize(longLineInput(512<<20), max))
	})
	if len(lines) != 2 || lines[0].N != 1 || lines[1].N != 3 {
		t.Errorf("good lines: %+v, want lines 1 and 3", lines)
	}
	if len(bad) != 1 || bad[0].N != 2 || !strings.Contains(bad[0].Error(), "line 2: line is 536870912 bytes long") {
		t.Errorf("bad lines: %v, want line 2 of 536870912 bytes", bad)
	}
	if alloc > 3*max {
		t.Errorf("reading allocated %d bytes for a %d-byte limit", alloc, max)
	}
}

// TestEachLineSkipsOverlongLine: EachLine, which pb-fetch and pb-images
// read with, hands on the good lines and reports the long one.
func TestEachLineSkipsOverlongLine(t *testing.T) {
	var got []int
	var bad []*record.LineError
	alloc := allocated(func() {
		err := eachLine(context.Background(), NewReaderSize(longLineInput(64<<20), 1<<16),
			func(le *record.LineError) { bad = append(bad, le) },
			func(l record.Line) bool { got = append(got, l.N); return true })
		if err != nil {
			t.Error(err)
		}
	})
	if fmt.Sprint(got) != "[1 3]" || len(bad) != 1 || bad[0].N != 2 {
		t.Errorf("good %v, bad %v; want [1 3] and line 2", got, bad)
	}
	if alloc > 8<<20 {
		t.Errorf("reading allocated %d bytes", alloc)
	}
}

func TestReaderPreservesRawBytes(t *testing.T) {
	in := `{"type":"post","id":7,"x_custom":[1,{"a":null}],"message":"<i>é</i>"}` + "\n"
	lines, _ := readAll(t, NewReader(strings.NewReader(in)))
	var buf bytes.Buffer
	w := record.NewWriter(&buf)
	w.WriteRaw(lines[0].Raw)
	w.Flush()
	if buf.String() != in {
		t.Errorf("pass-through changed the line:\n got %q\nwant %q", buf.String(), in)
	}
}

func BenchmarkReadPageLine(b *testing.B) {
	var buf bytes.Buffer
	w := record.NewWriter(&buf)
	w.Write(record.Page{Type: record.TypePage, URL: "http://f/thread/1/t", Status: 200, Body: strings.Repeat("<p>é x</p>", 1<<16)})
	w.Flush()
	line := buf.Bytes()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(line))
		if l, err := r.Next(); err != nil || l.Type != record.TypePage {
			b.Fatal(err)
		}
	}
}

func TestTypeIsFoundWhereverItIs(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"post","id":1}`:              "post",
		`{ "type" : "post" }`:                 "post",
		`{"id":1,"type":"user"}`:              "user",
		`{"type":"a\"b","id":1}`:              `a"b`,
		`{"x":{"type":"inner"},"type":"url"}`: "url",
	} {
		l, err := NewReader(strings.NewReader(in)).Next()
		if err != nil || l.Type != want {
			t.Errorf("%s: type %q, %v; want %q", in, l.Type, err, want)
		}
	}
	for _, in := range []string{`{"type":"post",}`, `{"type":"post"`, `{"type":"post","x":tru}`, `{"type":3}`} {
		if _, err := NewReader(strings.NewReader(in)).Next(); err == nil {
			t.Errorf("%s: accepted", in)
		}
	}
}
