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
	if GuestID("Bob") != GuestID("Bob") {
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
