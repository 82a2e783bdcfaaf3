package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/pb-archive/pb/internal/record"
)

// Reader reads NDJSON records, each line at most a set length, in memory
// bounded by that length whatever the input: a longer line is skipped
// without being buffered, with an error naming its line number. Every pb
// tool reads its input through it (directly or through EachLine).
type Reader struct {
	r   *bufio.Reader
	n   int
	max int
}

// NewReader returns a Reader on r for lines of up to record.MaxLine bytes.
func NewReader(r io.Reader) *Reader { return NewReaderSize(r, record.MaxLine) }

// NewReaderSize returns a Reader on r for lines of up to max bytes.
func NewReaderSize(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 1<<16), max: max}
}

// Next returns the next record. Blank lines are skipped. A malformed or
// over-long line yields a *record.LineError; the caller reports it and
// calls Next again. At the end of input Next returns io.EOF.
func (r *Reader) Next() (record.Line, error) {
	for {
		b, size, got, err := r.readLine()
		if !got && err != nil {
			return record.Line{}, err
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return record.Line{}, err
		}
		r.n++
		if size > int64(r.max) {
			return record.Line{N: r.n}, &record.LineError{N: r.n,
				Msg: fmt.Sprintf("line is %d bytes long, over the limit of %d bytes; skipped", size, r.max)}
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		return record.ParseLine(r.n, b)
	}
}

// readLine reads one line and returns it without its line end ("\n" or
// "\r\n"), or nil if it is longer than r.max, with its length (line end
// excluded) and whether anything was read at all. The part of an
// over-long line past r.max is read and thrown away piece by piece, never
// held.
func (r *Reader) readLine() (line []byte, size int64, got bool, err error) {
	keep := true
	var last2 [2]byte // the line's last two bytes, to tell a line end
	for {
		var chunk []byte
		chunk, err = r.r.ReadSlice('\n')
		size += int64(len(chunk))
		got = got || len(chunk) > 0
		for _, c := range chunk[max(0, len(chunk)-2):] {
			last2[0], last2[1] = last2[1], c
		}
		if keep {
			need := len(line) + len(chunk)
			switch {
			case need > r.max+2: // cannot fit, even less "\r\n"
				keep, line = false, nil
			case line == nil: // usually the whole line: one copy of its exact size
				line = append(make([]byte, 0, len(chunk)), chunk...)
			default:
				if need > cap(line) { // grow by doubling, never past the limit
					grown := make([]byte, len(line), min(max(2*cap(line), need), r.max+2))
					copy(grown, line)
					line = grown
				}
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil { // the line ended with its newline
			end := int64(1)
			if last2[0] == '\r' && size >= 2 {
				end = 2
			}
			size -= end
			if keep {
				line = line[:int64(len(line))-end]
			}
		}
		if size > int64(r.max) {
			return nil, size, got, err
		}
		return line, size, got, err
	}
}

// EachLine feeds the records of in to fn until the input ends, ctx is
// done, reading fails or fn returns false. A bad line (malformed or too
// long) goes to bad and reading goes on. It returns the read error (nil at
// the end of input or on cancellation). Records are read in a goroutine,
// so that a command notices an interrupt even while stdin is silent.
func EachLine(ctx context.Context, in io.Reader, bad func(*record.LineError), fn func(record.Line) bool) error {
	return eachLine(ctx, NewReader(in), bad, fn)
}

func eachLine(ctx context.Context, r *Reader, bad func(*record.LineError), fn func(record.Line) bool) error {
	lines := readLines(ctx, r)
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

// lineOrErr is one result of readLines: a record, or the error reading it
// (a *record.LineError for a bad line, after which reading goes on).
type lineOrErr struct {
	Line record.Line
	Err  error
}

// readLines reads records in a goroutine. The channel is closed at the end
// of input, after a read error, or when ctx is done.
func readLines(ctx context.Context, r *Reader) <-chan lineOrErr {
	ch := make(chan lineOrErr)
	go func() {
		defer close(ch)
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

// SyncWriter serialises writes (of concurrent workers' messages to stderr).
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

// Unwrap returns the writer written to, so IsTerminal can see through.
func (s *SyncWriter) Unwrap() io.Writer { return s.W }
