package images

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStorePutIsAtomicAndOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "images")
	old := filepath.Join(dir, ".pb-images-123.tmp")
	fresh := filepath.Join(dir, ".pb-images-456.tmp")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(old, []byte("partial"), 0o644)
	os.WriteFile(fresh, []byte("another run's"), 0o644)
	os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour))
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("a stale temporary file was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a recent temporary file (maybe another run's) was removed")
	}
	data := []byte("\x89PNG\r\n\x1a\nfake")
	name, sum := Name(data, "png")
	if name != sum+".png" || len(sum) != 32 {
		t.Fatalf("Name = %q, %q", name, sum)
	}
	for i, want := range []bool{true, false} {
		written, err := s.Put(name, data)
		if err != nil || written != want {
			t.Fatalf("Put #%d = %v, %v; want written %v", i+1, written, err, want)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != string(data) {
		t.Errorf("file holds %q", got)
	}
	if !s.Has(name, int64(len(data))) || s.Has(name, 3) || s.Has("../"+name, -1) || s.Has(".pb-images-456.tmp", -1) {
		t.Error("Has is wrong")
	}
	// A truncated file under the final name is replaced.
	os.WriteFile(filepath.Join(dir, name), data[:4], 0o644)
	if written, err := s.Put(name, data); err != nil || !written {
		t.Errorf("a damaged file was not rewritten: %v, %v", written, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 { // the image and the other run's temporary file
		t.Errorf("folder holds %d entries", len(ents))
	}
}
