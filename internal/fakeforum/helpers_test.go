package fakeforum

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/pb-archive/pb/internal/htmlx"
)

// testHost is the Host header of in-process requests; its image host is localhost:8080.
const (
	testHost  = "127.0.0.1:8080"
	testImage = "localhost:8080"
	testBase  = "http://" + testHost
)

func newForum(t testing.TB, cfg Config) *Forum {
	t.Helper()
	f, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return f
}

func small(t testing.TB) *Forum { return newForum(t, Config{Seed: 1, Size: "small"}) }

// get serves one request in process (no network) with Host testHost.
func get(t testing.TB, h http.Handler, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	return request(t, h, http.MethodGet, testHost, path, nil, cookies...)
}

func request(t testing.TB, h http.Handler, method, host, path string, body *strings.Reader, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, path, body)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r.Host = host
	for _, c := range cookies {
		r.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// page fetches an HTML page that must answer 200 and parses it.
func page(t testing.TB, h http.Handler, path string, cookies ...*http.Cookie) *html.Node {
	t.Helper()
	rec := get(t, h, path, cookies...)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, rec.Code)
	}
	return parseHTML(t, rec.Body.Bytes())
}

func parseHTML(t testing.TB, b []byte) *html.Node {
	t.Helper()
	n, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func all(n *html.Node, selector string) []*html.Node {
	return cascadia.QueryAll(n, cascadia.MustCompile(selector))
}

func first(n *html.Node, selector string) *html.Node {
	return cascadia.Query(n, cascadia.MustCompile(selector))
}

// must returns the first match of selector or fails the test.
func must(t testing.TB, n *html.Node, selector, where string) *html.Node {
	t.Helper()
	m := first(n, selector)
	if m == nil {
		t.Fatalf("%s: nothing matches %q", where, selector)
	}
	return m
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// attrOr is n's attribute key, or "" (the helper pb-fetch and pb-parse use).
var attrOr = htmlx.Attr

// attr is n's attribute key and whether n has it.
var attr = htmlx.Lookup

// innerHTML renders n's children the way parsers record messages.
func innerHTML(t testing.TB, n *html.Node) string {
	t.Helper()
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// truth holds a forum's ground truth, decoded.
type truth struct {
	lines  []map[string]any
	byType map[string][]map[string]any
}

func readTruth(t testing.TB, f *Forum, base string) *truth {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WriteTruth(&buf, base); err != nil {
		t.Fatalf("WriteTruth: %v", err)
	}
	tr := &truth{byType: map[string][]map[string]any{}}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("truth line %q: %v", sc.Text(), err)
		}
		tr.lines = append(tr.lines, m)
		typ, _ := m["type"].(string)
		tr.byType[typ] = append(tr.byType[typ], m)
	}
	return tr
}

// num reads a JSON number field as int64 (0 when absent).
func num(m map[string]any, key string) int64 {
	v, _ := m[key].(float64)
	return int64(v)
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}
