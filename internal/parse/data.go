package parse

import (
	"encoding/json"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Data is what pb reads from a page's `proboards.data({...})` script
// (proboards-markup.md §2.1). Each object is flat: scalar values only,
// as json.Number, string, bool or nil.
type Data struct {
	// Route is route.name ("thread", "list_threads", "user", …); "" if absent.
	Route string
	// Thread is page.thread, Board page.board, Member page.member; nil if absent.
	Thread, Board, Member map[string]any
}

const dataCall = "proboards.data("

// extractData finds the proboards.data script and reads it: as JSON when
// the call passes one JSON object, else with regexes that need no more
// than flat `"thread":{...}` objects (what nrsyed's scraper relied on).
func extractData(doc *html.Node) *Data {
	d := &Data{}
	if doc == nil {
		return d
	}
	var src string
	for _, s := range findAll(doc, selScript) {
		t := rawScript(s)
		if strings.Contains(t, dataCall) {
			src = t
			break
		}
	}
	if src == "" {
		return d
	}
	arg := src[strings.Index(src, dataCall)+len(dataCall):]
	if obj := balancedObject(arg); obj != "" {
		var m map[string]any
		if decodeObject(obj, &m) == nil || decodeObject(jsToJSON(obj), &m) == nil {
			page, _ := m["page"].(map[string]any)
			d.Thread = flat(pick(page, m, "thread"))
			d.Board = flat(pick(page, m, "board"))
			d.Member = flat(pick(page, m, "member"))
			if route, ok := m["route"].(map[string]any); ok {
				d.Route, _ = route["name"].(string)
			}
			return d
		}
	}
	// Cut short or not even a JS literal: fall back to regexes.
	d.Thread = flatObject(src, "thread")
	d.Board = flatObject(src, "board")
	d.Member = flatObject(src, "member")
	if m := reRoute.FindStringSubmatch(src); m != nil {
		d.Route = m[1]
	}
	return d
}

var (
	selScript = sel("script")
	reRoute   = regexp.MustCompile(`["']?route["']?\s*:\s*\{[^{}]*?["']?name["']?\s*:\s*["']([^"']*)["']`)
	// rePair matches one key: scalar pair of a flat JS or JSON object.
	rePair = regexp.MustCompile(`["']?([A-Za-z_$][\w$]*)["']?\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)`)
)

// rawScript returns the text of a script element.
func rawScript(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// decodeObject decodes a JSON object keeping numbers as json.Number.
func decodeObject(s string, m *map[string]any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(m)
}

// jsToJSON rewrites a JavaScript object literal as JSON: single-quoted
// strings and bare keys are quoted, trailing commas dropped. Double-quoted
// strings are copied as they are.
func jsToJSON(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			end := skipString(s, i)
			b.WriteString(s[i:end])
			i = end - 1
		case c == '\'':
			end := skipString(s, i)
			body := s[i+1 : max(i+1, end-1)]
			var u strings.Builder
			for j := 0; j < len(body); j++ {
				if body[j] == '\\' && j+1 < len(body) {
					j++
					switch body[j] {
					case 'n':
						u.WriteByte('\n')
					case 't':
						u.WriteByte('\t')
					default:
						u.WriteByte(body[j])
					}
					continue
				}
				u.WriteByte(body[j])
			}
			q, _ := json.Marshal(u.String())
			b.Write(q)
			i = end - 1
		case (c == 'e' || c == 'E') && i > 0 && s[i-1] >= '0' && s[i-1] <= '9':
			b.WriteByte(c) // an exponent, not a key
		case c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			switch w := s[i:j]; w {
			case "true", "false", "null":
				b.WriteString(w)
			case "undefined":
				b.WriteString("null")
			default:
				b.WriteString(`"` + w + `"`)
			}
			i = j - 1
		case c == ',':
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// skipString returns the index after the quoted string starting at s[i].
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}

// pick returns page[key], else top[key], as an object.
func pick(page, top map[string]any, key string) map[string]any {
	if v, ok := page[key].(map[string]any); ok {
		return v
	}
	v, _ := top[key].(map[string]any)
	return v
}

// flat keeps the scalar members of an object.
func flat(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch v.(type) {
		case map[string]any, []any:
		default:
			out[k] = v
		}
	}
	return out
}

// flatObject finds `"key":{...}` (no nested braces) in src and reads its pairs.
func flatObject(src, key string) map[string]any {
	re := regexp.MustCompile(`["']?` + regexp.QuoteMeta(key) + `["']?\s*:\s*\{([^{}]*)\}`)
	m := re.FindStringSubmatch(src)
	if m == nil {
		return nil
	}
	out := map[string]any{}
	for _, p := range rePair.FindAllStringSubmatch(m[1], -1) {
		out[p[1]] = scalar(p[2])
	}
	return out
}

// scalar decodes one JS/JSON scalar literal.
func scalar(lit string) any {
	switch {
	case lit == "true":
		return true
	case lit == "false":
		return false
	case lit == "null":
		return nil
	case strings.HasPrefix(lit, `"`):
		var s string
		if json.Unmarshal([]byte(lit), &s) == nil {
			return s
		}
		return strings.Trim(lit, `"`)
	case strings.HasPrefix(lit, `'`):
		s := lit[1 : len(lit)-1]
		// Turn the JS single-quoted string into a JSON one to unescape it.
		s = strings.ReplaceAll(s, `\'`, `'`)
		s = strings.ReplaceAll(s, `"`, `\"`)
		var out string
		if json.Unmarshal([]byte(`"`+s+`"`), &out) == nil {
			return out
		}
		return s
	}
	return json.Number(lit)
}

// balancedObject returns the `{...}` that s starts with (after spaces),
// matching braces outside string literals; "" when there is none.
func balancedObject(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(s, "{") {
		return ""
	}
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			switch c {
			case '\\':
				i++
			case quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[:i+1]
			}
		}
	}
	return ""
}

// dataInt reads an integer member: a JSON number, or a string such as
// "1,234" (ProBoards sends views as a formatted string).
func dataInt(m map[string]any, key string) (int64, bool) {
	switch v := m[key].(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if f, err := v.Float64(); err == nil {
			return int64(f), true
		}
	case string:
		return parseCount(v)
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// dataFlag reads a 0/1, "0"/"1" or boolean flag; nil when absent.
func dataFlag(m map[string]any, key string) *bool {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	if b, ok := v.(bool); ok {
		return &b
	}
	if s, ok := v.(string); ok && strings.EqualFold(strings.TrimSpace(s), "true") {
		t := true
		return &t
	}
	if s, ok := v.(string); ok && (strings.EqualFold(strings.TrimSpace(s), "false") || strings.TrimSpace(s) == "") {
		f := false
		return &f
	}
	n, ok := dataInt(m, key)
	if !ok {
		return nil
	}
	b := n != 0
	return &b
}

// dataString reads a string member ("" and false when absent or not a string).
func dataString(m map[string]any, key string) (string, bool) {
	switch v := m[key].(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	}
	return "", false
}
