package fakeforum

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// oddForms lists, page by page, the markup forms live-tested scrapers
// (proboards-markup.md §1, §2, §5, §15) cannot read: each map goes from a
// form to the pages (or stylesheet) that show it.
type oddForms map[string][]string

const (
	formQueryOnly    = "query-only page link"
	formRelativeImg  = "relative img src"
	formRelativeCSS  = "relative CSS url()"
	formNoThreadLink = "thread page without exactly one a.thread-link.thread-N of its id"
	formViewsNumber  = "views as a JSON number"
)

var (
	threadLinkClass = regexp.MustCompile(`\bthread-(\d+)\b`)
	cssURL          = regexp.MustCompile(`url\(\s*['"]?([^'")]+)`)
	viewsRE         = regexp.MustCompile(`"thread":\{[^{}]*"views":("[0-9,]+"|[0-9]+)`)
	threadPathRE    = regexp.MustCompile(`^/thread/(\d+)/`)
)

// absoluteOrProtocolRelative is the only image URL form S1's downloader
// handles (§1).
func absoluteOrProtocolRelative(u string) bool {
	return strings.HasPrefix(u, "//") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// scanForms serves every page of f (and its stylesheet) and reports the odd
// forms found.
func scanForms(t *testing.T, f *Forum) oddForms {
	t.Helper()
	found := oddForms{}
	add := func(form, where string) { found[form] = append(found[form], where) }
	for _, p := range f.w.pagePaths(0) {
		rec := get(t, f, p)
		doc := parseHTML(t, rec.Body.Bytes())
		if strings.HasPrefix(p, "/members") || strings.HasPrefix(p, "/board/") || strings.HasPrefix(p, "/thread/") {
			for _, a := range all(doc, "ul.ui-pagination a[href], .ui-micro-pagination a[href]") {
				if !strings.HasPrefix(attrOr(a, "href"), "/") {
					add(formQueryOnly, p)
					break
				}
			}
		}
		for _, img := range all(doc, "img[src]") {
			if !absoluteOrProtocolRelative(attrOr(img, "src")) {
				add(formRelativeImg, p+" "+attrOr(img, "src"))
			}
		}
		if m := threadPathRE.FindStringSubmatch(p); m != nil {
			var ids []string
			for _, a := range all(doc, "a.thread-link") {
				if c := threadLinkClass.FindStringSubmatch(attrOr(a, "class")); c != nil {
					ids = append(ids, c[1])
				}
			}
			if len(ids) != 1 || ids[0] != m[1] {
				add(formNoThreadLink, fmt.Sprintf("%s %v", p, ids))
			}
			if v := viewsRE.FindStringSubmatch(proboardsData(t, rec.Body.String())); v == nil {
				t.Errorf("%s: no views in proboards.data", p)
			} else if !strings.HasPrefix(v[1], `"`) {
				add(formViewsNumber, p)
			}
		}
	}
	css := get(t, f, "/css/theme.css?v=3").Body.String()
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		if !absoluteOrProtocolRelative(m[1]) {
			add(formRelativeCSS, m[1])
		}
	}
	return found
}

// TestRealFormsByDefault: without OddForms every page link on members,
// board and thread pages starts with /, every <img src> and CSS url() is
// absolute or protocol-relative, every thread page has exactly one
// a.thread-link.thread-N with its own id, and views is always a string.
func TestRealFormsByDefault(t *testing.T) {
	for _, seed := range []int64{1, 2} {
		f := newForum(t, Config{Seed: seed, Size: "small"})
		for form, where := range scanForms(t, f) {
			t.Errorf("seed %d: %d × %s, e.g. %s", seed, len(where), form, where[0])
		}
	}
}

// TestOddFormsAreRareAndWhereDocumented: with OddForms each odd form shows
// up, and only on the pages the package documentation names.
func TestOddFormsAreRareAndWhereDocumented(t *testing.T) {
	f := newForum(t, Config{Seed: 1, Size: "small", OddForms: true})
	w, sp := f.w, f.w.special
	found := scanForms(t, f)
	oddThread := map[string]bool{}
	for _, th := range w.threads {
		if th.odd {
			oddThread[itoa(th.id)] = true
			if th != sp.longThread && th.id%9 != 0 {
				t.Errorf("thread %d is odd, but the docs name the long thread and every ninth", th.id)
			}
		}
	}
	allowed := map[string]func(string) bool{
		formQueryOnly: func(p string) bool {
			m := threadPathRE.FindStringSubmatch(p)
			return strings.HasPrefix(p, "/members") || strings.HasPrefix(p, sp.bigBoard.path()) || (m != nil && oddThread[m[1]])
		},
		formRelativeImg: func(s string) bool {
			src := s[strings.Index(s, " ")+1:]
			return regexp.MustCompile(`^/avatars/\d+\.webp$`).MatchString(src) || src == "/images/smileys/grin.png" ||
				regexp.MustCompile(`^/images/posts/\d+-1\.gif$`).MatchString(src)
		},
		formRelativeCSS:  func(u string) bool { return u == backgroundPath },
		formNoThreadLink: func(s string) bool { return oddThread[threadPathRE.FindStringSubmatch(s)[1]] },
		formViewsNumber:  func(p string) bool { return oddThread[threadPathRE.FindStringSubmatch(p)[1]] },
	}
	forms := make([]string, 0, len(allowed))
	for form := range allowed {
		forms = append(forms, form)
	}
	sort.Strings(forms)
	for _, form := range forms {
		where := found[form]
		if len(where) == 0 {
			t.Errorf("OddForms: no %s anywhere", form)
		}
		for _, w := range where {
			if !allowed[form](w) {
				t.Errorf("OddForms: %s on %s, which the docs do not name", form, w)
			}
		}
	}
	pages := len(w.pagePaths(0))
	if n := len(found[formQueryOnly]); n*4 > pages {
		t.Errorf("OddForms: query-only page links on %d of %d pages; they should be rare", n, pages)
	}
	// The relative forms are relative to the forum, whose host serves them.
	for _, s := range found[formRelativeImg] {
		src := s[strings.Index(s, " ")+1:]
		if rec := get(t, f, src); rec.Code != 200 && !strings.Contains(src, "/images/posts/") {
			t.Errorf("%s: %d", src, rec.Code)
		}
	}
}
