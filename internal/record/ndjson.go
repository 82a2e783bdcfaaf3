package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
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

// MaxBody is the largest page body pb handles: pb-fetch fails bigger
// pages (its --max-body may only lower it) and pb-parse refuses them. Real
// ProBoards pages are well under 2 MB.
const MaxBody = 16 << 20

// MaxLine is the longest NDJSON line any pb tool reads; longer lines are
// skipped with an error, in bounded memory. It fits a page record with a
// MaxBody body in the worst case of JSON escaping (a control character
// becomes \u00XX: 6 bytes for 1) plus its other fields.
const MaxLine = 6*MaxBody + 1<<20

// ParseLine checks that b (one line, without its newline) is a JSON
// object with a "type", and returns it as line n.
func ParseLine(n int, b []byte) (Line, error) {
	if len(b) == 0 || b[0] != '{' {
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

// Merge overlays the fields of patch (a struct, a pointer to one, or a map
// that encodes to a JSON object) onto the raw record, keeping every field
// of raw that patch does not set. Stages that enrich a record use it so
// unknown fields survive. The patch's fields come first, in its own order,
// then raw's other fields sorted by name.
//
// The patch is encoded once and never decoded again: it may carry a 16 MB
// page body, while raw (the record being enriched) is small.
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
	p := bytes.TrimRight(buf.Bytes(), "\n")
	if len(p) < 2 || p[0] != '{' {
		return nil, fmt.Errorf("merge: patch is not an object")
	}
	set, ok := encodedKeys(patch)
	if !ok {
		// A patch whose keys cannot be told from its type: decode it.
		var pm map[string]json.RawMessage
		if err := json.Unmarshal(p, &pm); err != nil {
			return nil, fmt.Errorf("merge: patch is not an object: %w", err)
		}
		set = map[string]bool{}
		for k := range pm {
			set[k] = true
		}
	}
	var extra []string
	for k := range m {
		if !set[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) == 0 {
		return p, nil
	}
	sort.Strings(extra)
	out := make([]byte, 0, len(p)+len(raw))
	out = append(out, p[:len(p)-1]...) // without the closing brace
	empty := bytes.Equal(bytes.TrimSpace(p[1:len(p)-1]), nil)
	for i, k := range extra {
		if i > 0 || !empty {
			out = append(out, ',')
		}
		kb, _ := json.Marshal(k)
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, m[k]...)
	}
	return append(out, '}'), nil
}

// encodedKeys returns the object keys encoding/json writes for v, without
// encoding it: struct fields by their tags, minus omitted empty ones, or a
// string-keyed map's keys. ok is false for anything else (embedded structs,
// other kinds), which the caller handles the slow way.
func encodedKeys(v any) (map[string]bool, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, false
		}
		rv = rv.Elem()
	}
	keys := map[string]bool{}
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, false
		}
		for _, k := range rv.MapKeys() {
			keys[k.String()] = true
		}
		return keys, true
	case reflect.Struct:
	default:
		return nil, false
	}
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fv := rv.Field(i)
		omit := false
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				omit = omit || isEmptyJSON(fv)
			case "omitzero":
				omit = omit || fv.IsZero()
			}
		}
		if !omit {
			keys[name] = true
		}
	}
	return keys, true
}

// isEmptyJSON is encoding/json's notion of empty for omitempty.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
