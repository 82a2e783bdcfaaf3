package fetch

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/pb-archive/pb/internal/record"
)

// lineOrErr is one result of readLines: a record, or the error reading it
// (a *record.LineError for a bad line, after which reading goes on).
type lineOrErr struct {
	Line record.Line
	Err  error
}

// readLines reads records in a goroutine, so that a command notices an
// interrupt even while stdin is silent. The channel is closed at the end
// of input, after a read error, or when ctx is done.
func readLines(ctx context.Context, in io.Reader) <-chan lineOrErr {
	ch := make(chan lineOrErr)
	go func() {
		defer close(ch)
		r := record.NewReader(in)
		for {
			l, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			select {
			case ch <- lineOrErr{l, err}:
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

// EachLine feeds the records of in to fn until the input ends, ctx is
// done, reading fails or fn returns false. A bad line goes to bad and
// reading goes on. It returns the read error (nil at the end of input or on
// cancellation). Both pb-fetch and pb-images read their input this way.
func EachLine(ctx context.Context, in io.Reader, bad func(*record.LineError), fn func(record.Line) bool) error {
	lines := readLines(ctx, in)
	for {
		var it lineOrErr
		var ok bool
		select {
		case it, ok = <-lines:
		case <-ctx.Done():
			return nil
		}
		if !ok {
			return nil
		}
		if it.Err != nil {
			var le *record.LineError
			if errors.As(it.Err, &le) {
				bad(le)
				continue
			}
			return it.Err
		}
		if !fn(it.Line) {
			return nil
		}
	}
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
