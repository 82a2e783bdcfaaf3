package parse

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

var allKinds = []string{record.KindHome, record.KindBoard, record.KindThread, record.KindMembers, record.KindUser, record.KindCSS, ""}

// pageOf builds a 200 page record of the given kind (a URL of that kind).
func pageOf(kind, body string) record.Page {
	path := map[string]string{
		record.KindHome: "/", record.KindBoard: "/board/3/general", record.KindThread: "/thread/7/hello",
		record.KindMembers: "/members", record.KindUser: "/user/2", record.KindCSS: "/css/theme.css",
	}[kind]
	if path == "" {
		path = "/whatever"
	}
	return record.Page{Type: record.TypePage, URL: "http://127.0.0.1:9" + path, Kind: kind, Status: 200, Body: body}
}

// checkInvariants asserts what holds for every output: no recovered panic,
// a valid outcome, counted entities, and links that are canonical, on the
// forum's host and never write or session URLs.
func checkInvariants(t testing.TB, rec record.Page, out Output) {
	t.Helper()
	o := out.Outcome
	if strings.HasPrefix(o.Reason, "parser error") {
		t.Fatalf("parser panicked: %s", o.Reason)
	}
	if o.Type != record.TypeOutcome || o.URL != rec.URL || (o.Status != record.OutcomeDone && o.Status != record.OutcomeFailed) {
		t.Fatalf("bad outcome %+v", o)
	}
	if o.Status == record.OutcomeFailed && o.Reason == "" {
		t.Fatalf("failed outcome without a reason")
	}
	if o.Entities != len(out.Entities) {
		t.Fatalf("outcome counts %d entities, wrote %d", o.Entities, len(out.Entities))
	}
	site, _ := url.Parse(rec.URL)
	for _, l := range out.Links {
		c, ok := forumurl.Canonical(nil, l.URL)
		if !ok || c != l.URL {
			t.Fatalf("link %q is not canonical (%q)", l.URL, c)
		}
		u, _ := url.Parse(l.URL)
		if l.Kind != record.KindCSS && u.Host != site.Host {
			t.Fatalf("link %q leaves the forum %s", l.URL, site.Host)
		}
		if forumurl.Forbidden(l.URL) {
			t.Fatalf("link to a forbidden URL %q", l.URL)
		}
	}
	for _, e := range out.Entities {
		if _, err := json.Marshal(e); err != nil {
			t.Fatalf("entity %T does not encode: %v", e, err)
		}
	}
}

// TestHostileBodies feeds every parser bodies no forum serves. None may
// panic; pages without content fail with a reason instead of being done.
func TestHostileBodies(t *testing.T) {
	bin := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range bin {
		bin[i] = byte(rng.UintN(256))
	}
	bodies := map[string]string{
		"empty":         "",
		"binary":        string(bin),
		"nonsense":      "<<<>>> </div></div><tr><td>&amp;&#xffffff;<script>proboards.data({\"page\":{\"thread\":{\"id\":\"x\"", // cut short
		"text":          "just some words, no markup at all",
		"json":          `{"type":"page"}`,
		"deep nesting":  strings.Repeat("<div>", 100_000),
		"many tags":     strings.Repeat("<br>", DefaultLimits.MaxTags+1),
		"unclosed tags": strings.Repeat("<b><i><a href=/thread/1>", 3000),
		"50 MB":         "<html><body><div class=\"container posts\">" + strings.Repeat("<p>lorem ipsum</p>", 50<<20/18) + "</div></body></html>",
	}
	for name, body := range bodies {
		for _, kind := range allKinds {
			t.Run(name+"/"+kind, func(t *testing.T) {
				rec := pageOf(kind, body)
				out := Parse(rec, DefaultLimits)
				checkInvariants(t, rec, out)
				if out.Outcome.Status == record.OutcomeDone && kind == record.KindCSS && len(out.Outcome.Warnings) > 0 {
					return // a stylesheet without images: done, with a warning
				}
				if out.Outcome.Status != record.OutcomeFailed {
					t.Errorf("%s body as %q page: status %s with %d entities, want failed", name, kind, out.Outcome.Status, len(out.Entities))
				}
				if name == "50 MB" && !strings.Contains(out.Outcome.Reason, "limit") {
					t.Errorf("50 MB body: reason %q, want the size limit", out.Outcome.Reason)
				}
			})
		}
	}
}

// TestLimitsAreConfigurable checks that a body under the limit is parsed
// and the same body over a lower limit fails with the limit as reason.
func TestLimitsAreConfigurable(t *testing.T) {
	rec := loadFixture(t, filepath.Join("testdata", "thread", "page1.json"))
	if out := Parse(rec, DefaultLimits); out.Outcome.Status != record.OutcomeDone {
		t.Fatalf("fixture does not parse: %+v", out.Outcome)
	}
	lim := DefaultLimits
	lim.MaxBody = len(rec.Body) - 1
	out := Parse(rec, lim)
	if out.Outcome.Status != record.OutcomeFailed || !strings.Contains(out.Outcome.Reason, "limit") || len(out.Entities) != 0 {
		t.Fatalf("over the body limit: %+v", out.Outcome)
	}
	lim = DefaultLimits
	lim.MaxDepth = 5
	if out := Parse(rec, lim); !strings.Contains(out.Outcome.Reason, "deep") {
		t.Fatalf("over the depth limit: %+v", out.Outcome)
	}
}

// TestTruncatedPagesKeepWhatTheyHave cuts a thread page at every 7th
// byte: each prefix parses without panic, and a prefix that still holds
// whole posts yields them.
func TestTruncatedPagesKeepWhatTheyHave(t *testing.T) {
	rec := loadFixture(t, filepath.Join("testdata", "thread", "page1.json"))
	full := rec.Body
	cut := strings.Index(full, `<tr class="item post" id="post-1003">`)
	if cut < 0 {
		t.Fatal("fixture changed: no post-1003")
	}
	for n := 0; n <= len(full); n += 7 {
		rec.Body = full[:n]
		out := Parse(rec, DefaultLimits)
		checkInvariants(t, rec, out)
		if n > cut {
			posts := 0
			for _, e := range out.Entities {
				if _, ok := e.(*record.Post); ok {
					posts++
				}
			}
			if posts < 2 {
				t.Fatalf("prefix of %d bytes (past 2 whole posts) gave %d posts; outcome %+v", n, posts, out.Outcome)
			}
		}
	}
}

// FuzzParse checks that no body crashes a parser and every output keeps
// the invariants. `go test` runs the seed corpus (every fixture as every
// kind); `go test -fuzz=FuzzParse -fuzztime=20s ./internal/parse` explores.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.html"))
	css, _ := filepath.Glob(filepath.Join("testdata", "*", "*.css"))
	for _, file := range append(files, css...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for k := range allKinds {
			f.Add(b, uint8(k), k%2 == 0)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, kind uint8, rendered bool) {
		rec := pageOf(allKinds[int(kind)%len(allKinds)], string(body))
		rec.Rendered = rendered
		checkInvariants(t, rec, Parse(rec, DefaultLimits))
	})
}
