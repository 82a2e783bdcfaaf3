package fetch

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/pb-archive/pb/internal/record"
)

// LineOrErr is one result of ReadLines: a record, or the error reading it
// (a *record.LineError for a bad line, after which reading goes on).
type LineOrErr struct {
	Line record.Line
	Err  error
}

// ReadLines reads records in a goroutine, so that a command notices an
// interrupt even while stdin is silent. The channel is closed at the end
// of input, after a read error, or when ctx is done.
func ReadLines(ctx context.Context, in io.Reader) <-chan LineOrErr {
	ch := make(chan LineOrErr)
	go func() {
		defer close(ch)
		r := record.NewReader(in)
		for {
			l, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			select {
			case ch <- LineOrErr{l, err}:
			case <-ctx.Done():
				return
			}
			var le *record.LineError
			if err != nil && !errors.As(err, &le) {
				return
			}
		}
	}()
	return ch
}

// SyncWriter serialises writes (of the workers' messages to stderr).
type SyncWriter struct {
	mu sync.Mutex
	W  io.Writer
}

// Write writes p to W, one call at a time.
func (s *SyncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.W.Write(p)
}
