package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Line is one record as read: its 1-based line number, its type and its raw
// JSON (without the newline). Tools decode only the types they consume and
// pass the raw bytes of every other line through, so no field is ever lost.
type Line struct {
	N    int
	Type string
	Raw  []byte
}

// Decode unmarshals the line into v.
func (l Line) Decode(v any) error {
	if err := json.Unmarshal(l.Raw, v); err != nil {
		return &LineError{N: l.N, Msg: fmt.Sprintf("bad %s record: %v", l.Type, err)}
	}
	return nil
}

// LineError reports a malformed input line. Reading continues after it.
type LineError struct {
	N   int
	Msg string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.N, e.Msg) }

// Reader reads NDJSON records of any length.
type Reader struct {
	r *bufio.Reader
	n int
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 1<<16)}
}

// Next returns the next record. Blank lines are skipped. A malformed line
// yields a *LineError; the caller reports it and calls Next again. At the
// end of input Next returns io.EOF.
func (r *Reader) Next() (Line, error) {
	for {
		// ReadBytes grows as needed: a 50 MB page body is one normal line.
		b, err := r.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return Line{}, err
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Line{}, err
		}
		r.n++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		return parseLine(r.n, b)
	}
}

func parseLine(n int, b []byte) (Line, error) {
	if b[0] != '{' {
		return Line{N: n}, &LineError{N: n, Msg: "not a JSON object: " + snippet(b)}
	}
	var head struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Line{N: n}, &LineError{N: n, Msg: fmt.Sprintf("invalid JSON (%v): %s", err, snippet(b))}
	}
	if head.Type == nil || *head.Type == "" {
		return Line{N: n}, &LineError{N: n, Msg: `record has no "type" field: ` + snippet(b)}
	}
	return Line{N: n, Type: *head.Type, Raw: b}, nil
}

// snippet shortens a bad line for an error message.
func snippet(b []byte) string {
	const max = 80
	if len(b) > max {
		return fmt.Sprintf("%q… (%d bytes)", b[:max], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// Writer writes NDJSON records through a buffer. It is safe for concurrent
// use; call Flush before exiting (the cli package does, also on signals).
type Writer struct {
	mu sync.Mutex
	w  *bufio.Writer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 1<<16)}
}

// Write encodes v as one line. HTML is not escaped, so messages stay readable in jq.
func (w *Writer) Write(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode appends the newline
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.w.Write(buf.Bytes())
	return err
}

// WriteRaw writes an already encoded record (a Line's Raw) as one line.
func (w *Writer) WriteRaw(raw []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(raw); err != nil {
		return err
	}
	return w.w.WriteByte('\n')
}

// Flush writes any buffered records to the underlying writer.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Flush()
}

// Merge overlays the fields of patch (a struct or map that encodes to a JSON
// object) onto the raw record, keeping every field of raw that patch does
// not set. Stages that enrich a record use it so unknown fields survive.
func Merge(raw []byte, patch any) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(patch); err != nil {
		return nil, err
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		return nil, fmt.Errorf("merge: patch is not an object: %w", err)
	}
	for k, v := range p {
		m[k] = v
	}
	buf.Reset()
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
