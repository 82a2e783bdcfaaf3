package record

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriterDoesNotEscapeHTML(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	msg := `<b>bold</b> & "quoted"`
	if err := w.Write(Post{Type: TypePost, ID: 1, Message: &msg}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if !strings.Contains(buf.String(), `<b>bold</b> & `) {
		t.Errorf("HTML was escaped: %s", buf.String())
	}
	if !strings.HasSuffix(buf.String(), "}\n") || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("not one line: %q", buf.String())
	}
}

func TestMergeKeepsUnknownFields(t *testing.T) {
	raw := []byte(`{"type":"image","url":"http://a/x.png","from_jq":{"note":"keep me"},"size":1}`)
	size := int64(42)
	out, err := Merge(raw, struct {
		Size     *int64 `json:"size"`
		Filename string `json:"filename"`
	}{&size, "abc.png"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m["size"] != float64(42) || m["filename"] != "abc.png" || m["url"] != "http://a/x.png" {
		t.Errorf("merge = %s", out)
	}
	if note, _ := m["from_jq"].(map[string]any); note["note"] != "keep me" {
		t.Errorf("unknown field lost: %s", out)
	}
	if bytes.Contains(out, []byte("\n")) {
		t.Errorf("merged record spans lines: %q", out)
	}
}

func TestGuestAndImageIDsAreStableAndDistinct(t *testing.T) {
	if a, b := GuestID("Bob"), GuestID("Bob"); a != b {
		t.Fatal("GuestID not stable")
	}
	seen := map[int64]string{}
	for _, n := range []string{"Bob", "bob", "Alice", "user-guest", "Zoë", ""} {
		id := GuestID(n)
		if id > -16 {
			t.Errorf("GuestID(%q) = %d, want < -15 (below the special ids)", n, id)
		}
		if prev, ok := seen[id]; ok {
			t.Errorf("GuestID collision: %q and %q", prev, n)
		}
		seen[id] = n
	}
	if a, b := ImageID("http://x/a.png"), ImageID("http://x/b.png"); a == b || a <= 0 || a >= 1<<53 {
		t.Errorf("ImageID: %d, %d", a, b)
	}
}

// TestMaxLineFitsTheLargestPage: a page record whose body has MaxBody bytes
// that JSON escapes the most (control characters: 6 bytes each), with a
// long URL, fits in MaxLine, so whatever pb-fetch passes on, the next tool
// reads. The overhead is measured on a smaller body of the same kind.
func TestMaxLineFitsTheLargestPage(t *testing.T) {
	const n = 1 << 16
	var buf bytes.Buffer
	w := NewWriter(&buf)
	long := "http://forum.example/" + strings.Repeat("x", 8000)
	if err := w.Write(Page{Type: TypePage, URL: long, FinalURL: long, Status: 200, ContentType: "text/html; charset=utf-8",
		Error: strings.Repeat("e", 2000), Body: strings.Repeat("\x01", n)}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	line := buf.Len() - 1
	overhead := line - 6*n
	if overhead < 0 || overhead > 64<<10 {
		t.Fatalf("a control character does not escape to 6 bytes: %d-byte line for a %d-byte body", line, n)
	}
	if need := 6*MaxBody + overhead; need > MaxLine {
		t.Errorf("the largest page record takes %d bytes, over MaxLine (%d)", need, MaxLine)
	}
}
