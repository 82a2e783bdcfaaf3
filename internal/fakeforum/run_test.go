package fakeforum

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRunServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	o := Options{Addr: "127.0.0.1:0", Size: "small", Seed: 5, Faults: "", SlowDelay: time.Second,
		Truth: filepath.Join(dir, "truth.ndjson"), AccessLog: filepath.Join(dir, "access.ndjson"), AddrFile: filepath.Join(dir, "addr")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := Run(ctx, strings.NewReader(""), io.Discard, stderr, o)
		done <- result{code, err}
	}()
	var base string
	for i := 0; i < 100 && base == ""; i++ {
		if b, err := os.ReadFile(o.AddrFile); err == nil {
			base = strings.TrimSpace(string(b))
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9]\d*$`).MatchString(base) {
		t.Fatalf("address file holds %q", base)
	}
	resp, err := http.Get(base + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /: %v", err)
	}
	resp.Body.Close()
	truth, _ := os.ReadFile(o.Truth)
	if !strings.Contains(string(truth), `"url":"`+base+"/board/") {
		t.Error("the truth does not use the listening address")
	}
	stderr.mu.Lock()
	banner := stderr.b.String()
	stderr.mu.Unlock()
	if !strings.Contains(banner, "fakeforum: serving small forum (seed 5) at "+base+"/\n") {
		t.Errorf("banner: %q", banner)
	}
	cancel()
	select {
	case r := <-done:
		if r.code != 0 || r.err != nil {
			t.Errorf("Run returned %d, %v", r.code, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	if log, _ := os.ReadFile(o.AccessLog); !strings.Contains(string(log), `"path":"/","status":200`) {
		t.Errorf("access log: %q", log)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Addr: "127.0.0.1:0", Size: "small", Faults: "teapot"},
		{Addr: "127.0.0.1:0", Size: "gigantic"},
		{Addr: "not an address", Size: "small"},
	} {
		code, err := Run(context.Background(), nil, io.Discard, io.Discard, o)
		if code != 2 || err == nil {
			t.Errorf("%+v: Run = %d, %v; want 2 and an error", o, code, err)
		}
	}
}
