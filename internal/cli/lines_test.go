package cli

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

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

func TestReaderHandlesHugeLines(t *testing.T) {
	body := strings.Repeat("é<p>x</p>", 50<<20/11) // about 50 MB
	var buf bytes.Buffer
	w := record.NewWriter(&buf)
	if err := w.Write(record.Page{Type: record.TypePage, URL: "http://a/", Status: 200, Body: body}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(record.URL{Type: record.TypeURL, URL: "http://a/next"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines, bad := readAll(t, NewReader(&buf))
	if len(bad) != 0 || len(lines) != 2 {
		t.Fatalf("got %d lines, %d bad", len(lines), len(bad))
	}
	var p record.Page
	if err := lines[0].Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.Body != body {
		t.Fatalf("body changed: %d bytes, want %d", len(p.Body), len(body))
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
