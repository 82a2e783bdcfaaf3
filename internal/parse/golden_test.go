package parse

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pb-archive/pb/internal/record"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files (and refetch testdata/fakeforum from a fresh fake forum)")

// fixture is testdata/<dir>/<name>.json: the page record without its body,
// which is <name>.html (or .css). Status defaults to 200.
type fixture struct {
	URL         string `json:"url"`
	FinalURL    string `json:"final_url,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Render      bool   `json:"render,omitempty"`
	Rendered    bool   `json:"rendered,omitempty"`
	Status      *int   `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Error       string `json:"error,omitempty"`
}

// loadFixture reads the page record of testdata/<dir>/<name>.json.
func loadFixture(t testing.TB, meta string) record.Page {
	t.Helper()
	b, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", meta, err)
	}
	base := strings.TrimSuffix(meta, ".json")
	var body []byte
	for _, ext := range []string{".html", ".css"} {
		if body, err = os.ReadFile(base + ext); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("%s: no .html or .css body beside it", meta)
	}
	status := 200
	if f.Status != nil {
		status = *f.Status
	}
	return record.Page{
		Type: record.TypePage, URL: f.URL, FinalURL: f.FinalURL, Kind: f.Kind, Render: f.Render,
		Rendered: f.Rendered, Status: status, ContentType: f.ContentType, FetchedAt: 1700000000000,
		Attempts: 1, Body: string(body), Error: f.Error,
	}
}

// ndjson renders an Output exactly as pb-parse writes it.
func ndjson(t testing.TB, out Output) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := record.NewWriter(&buf)
	if err := write(w, out); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden parses every fixture under testdata and compares the records
// with <name>.golden.ndjson; `go test ./internal/parse -run Golden -update`
// rewrites them. Every record must also validate against schema/<type>.json.
func TestGolden(t *testing.T) {
	if *update {
		refreshFakeforumFixtures(t)
	}
	metas, err := filepath.Glob("testdata/*/*.json")
	if err != nil || len(metas) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	goldens, _ := filepath.Glob("testdata/*/*.golden.ndjson")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden.ndjson") + ".json"); err != nil {
			t.Errorf("%s has no fixture beside it; delete it", g)
		}
	}
	for _, meta := range metas {
		name := strings.TrimSuffix(meta, ".json")
		t.Run(strings.TrimPrefix(name, "testdata/"), func(t *testing.T) {
			got := ndjson(t, Parse(loadFixture(t, meta), DefaultLimits))
			checkSchemas(t, got)
			golden := name + ".golden.ndjson"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := 0; i < max(len(gl), len(wl)); i++ {
					var g, w string
					if i < len(gl) {
						g = gl[i]
					}
					if i < len(wl) {
						w = wl[i]
					}
					if g != w {
						t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s", golden, i+1, g, w)
					}
				}
			}
		})
	}
}

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// checkSchemas validates every NDJSON line against schema/<type>.json.
func checkSchemas(t testing.TB, out []byte) {
	t.Helper()
	schemaOnce.Do(func() {
		schemas = map[string]*jsonschema.Schema{}
		c := jsonschema.NewCompiler()
		for _, typ := range record.Types {
			path, _ := filepath.Abs(filepath.Join("..", "..", "schema", typ+".json"))
			b, err := os.ReadFile(path)
			if err != nil {
				schemaErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemaErr = err
				return
			}
			if err := c.AddResource(path, doc); err != nil {
				schemaErr = err
				return
			}
			if schemas[typ], err = c.Compile(path); err != nil {
				schemaErr = err
				return
			}
		}
	})
	if schemaErr != nil {
		t.Fatalf("schemas: %v", schemaErr)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var head struct{ Type string }
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatalf("line %d is not JSON: %s", i+1, line)
		}
		s := schemas[head.Type]
		if s == nil {
			t.Fatalf("line %d: unknown type %q", i+1, head.Type)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("line %d does not validate against schema/%s.json: %v\n%s", i+1, head.Type, err, line)
		}
	}
}
