package fetch

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/pb-archive/pb/internal/cli"
)

// TestSummaryCounts: every count in the progress line and the summary
// agrees in number with its noun.
func TestSummaryCounts(t *testing.T) {
	one := NewStats()
	one.Finished(true, true)
	one.requests.Add(1)
	one.retries.Add(1)
	one.longPauses.Add(1)
	one.retryAfters.Add(1)
	one.breakerPauses.Add(1)
	one.pows.Add(1)
	one.robotsHit("h\x00Disallow: /x")
	two := NewStats()
	for range 2 {
		two.Finished(false, false)
		two.requests.Add(1)
		two.retries.Add(1)
		two.longPauses.Add(1)
		two.pows.Add(1)
		two.robotsHit("h\x00Disallow: /x")
	}
	for _, tc := range []struct {
		name string
		got  string
		want []string
	}{
		{"summary of 0", NewStats().Summary("page"), []string{"0 pages in", "0 requests", "0 retries"}},
		{"summary of 1", one.Summary("page"), []string{"1 page in", "in 1 request,", "1 retry,", "1 long pause,",
			"1 Retry-After pause,", "1 failing-host pause:", "1 proof-of-work challenge solved", "1 URL disallowed"}},
		{"summary of 2", two.Summary("image"), []string{"2 images in", "in 2 requests,", "2 retries,", "2 long pauses,",
			"0 Retry-After pauses,", "2 proof-of-work challenges solved", "2 URLs disallowed"}},
		{"progress of 1", one.Progress("page"), []string{"1 page (", "1 request,", "1 retry,", "3 pauses"}},
		{"progress of 0", NewStats().Progress("image"), []string{"0 images (", "0 requests,", "0 retries,"}},
	} {
		for _, w := range tc.want {
			if !strings.Contains(tc.got, w) {
				t.Errorf("%s lacks %q: %s", tc.name, w, tc.got)
			}
		}
	}
}

// TestShowProgressRedrawsOnATerminal: behind the SyncWriter the commands
// wrap stderr in, a terminal still gets one line redrawn in place; a pipe
// or file gets whole lines.
func TestShowProgressRedrawsOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	stats := NewStats()
	stats.Finished(false, false)
	got := make(chan string, 1)
	go func() {
		var seen []byte
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			seen = append(seen, buf[:n]...)
			if bytes.Contains(seen, []byte("\r\x1b[Kpb-fetch: 1 page (")) || err != nil {
				got <- string(seen)
				return
			}
		}
	}()
	stop := ShowProgress(context.Background(), &cli.SyncWriter{W: tty}, "pb-fetch", "page", stats, 5*time.Millisecond)
	select {
	case s := <-got:
		if !strings.Contains(s, "\r\x1b[Kpb-fetch: 1 page (") || strings.Contains(s, "\n") {
			t.Errorf("terminal got %q, want the line redrawn in place", s)
		}
	case <-time.After(30 * time.Second):
		t.Error("no progress on the terminal in 30 s")
	}
	stop()

	buf := &lockedBuffer{}
	stop = ShowProgress(context.Background(), &cli.SyncWriter{W: buf}, "pb-fetch", "page", stats, time.Millisecond)
	for i := 0; i < 3000 && buf.String() == ""; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if s := buf.String(); !strings.HasPrefix(s, "pb-fetch: 1 page (") || !strings.HasSuffix(s, "\n") || strings.Contains(s, "\r") {
		t.Errorf("a buffer got %q, want whole lines", s)
	}
}

// lockedBuffer is a bytes.Buffer safe to read while written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
