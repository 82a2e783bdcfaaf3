package parse

import (
	"regexp"
	"strings"

	"github.com/pb-archive/pb/internal/record"
)

// parseCSS reads a theme stylesheet: an `image` for every url(...) in the
// top-level rules whose selector is exactly `body` (background) or
// `#banner` (banner), resolved against the stylesheet's URL.
func parseCSS(p *Page) (*Result, error) {
	r := &Result{}
	body := strings.TrimPrefix(p.Record.Body, "\ufeff")
	trimmed := strings.ToLower(strings.TrimSpace(head(body)))
	if strings.HasPrefix(trimmed, "<!doctype") || strings.HasPrefix(trimmed, "<html") ||
		strings.Contains(strings.ToLower(p.Record.ContentType), "text/html") {
		return nil, missing("no stylesheet: the body is an HTML page")
	}
	if strings.ContainsRune(body, 0) {
		return nil, missing("no stylesheet: the body is binary")
	}
	for _, rule := range cssRules(body) {
		// nrsyed's scraper matched selectorText exactly `body` and
		// `#banner` (proboards-markup.md §2); ids are case-sensitive.
		var desc string
		switch {
		case strings.EqualFold(rule.selector, "body"):
			desc = record.ImageBackground
		case rule.selector == "#banner":
			desc = record.ImageBanner
		default:
			continue
		}
		for _, raw := range cssURLs(rule.block) {
			if u, ok := p.abs(unescapeCSS(raw)); ok {
				r.add(&record.Image{Type: record.TypeImage, URL: u, Description: desc})
			}
		}
	}
	if len(r.Entities) == 0 {
		r.warn("no url() in a body or #banner rule")
	}
	return r, nil
}

// cssRule is one top-level style rule: its selector (whitespace
// collapsed) and its declaration block.
type cssRule struct{ selector, block string }

// cssRules splits a stylesheet into its top-level rules. At-rules (@media,
// @font-face, @import …) are skipped whole: a `body` rule inside
// `@media print` is not the forum's background. Comments are dropped and
// strings are honoured, so a `}` inside url("…") does not end a block.
func cssRules(css string) []cssRule {
	var rules []cssRule
	i, n := 0, len(css)
	for i < n {
		// The prelude: a selector or an at-rule, up to { or ;.
		start := i
		for i < n && css[i] != '{' && css[i] != ';' && css[i] != '}' {
			i = skipCSSToken(css, i)
		}
		prelude := strings.Join(strings.Fields(stripCSSComments(css[start:min(i, n)])), " ")
		if i >= n {
			break
		}
		if css[i] != '{' { // a statement at-rule, or a stray ; or }
			i++
			continue
		}
		// The block, braces balanced.
		i++
		blockStart, depth := i, 1
		for i < n && depth > 0 {
			switch css[i] {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth > 0 {
				i = skipCSSToken(css, i)
			}
		}
		block := css[blockStart:min(i, n)]
		i++
		if prelude != "" && !strings.HasPrefix(prelude, "@") {
			rules = append(rules, cssRule{selector: prelude, block: stripCSSComments(block)})
		}
	}
	return rules
}

// skipCSSToken returns the index after the token at i: a whole comment or
// quoted string, else one byte.
func skipCSSToken(css string, i int) int {
	switch {
	case strings.HasPrefix(css[i:], "/*"):
		if end := strings.Index(css[i+2:], "*/"); end >= 0 {
			return i + 2 + end + 2
		}
		return len(css)
	case css[i] == '"' || css[i] == '\'':
		q := css[i]
		for j := i + 1; j < len(css); j++ {
			switch css[j] {
			case '\\':
				j++
			case q:
				return j + 1
			case '\n':
				return j // an unclosed string ends at the line
			}
		}
		return len(css)
	}
	return i + 1
}

// cssURLs returns the arguments of the url(...) tokens of a declaration
// block, skipping quoted strings that are not url() arguments.
func cssURLs(block string) []string {
	var urls []string
	for i := 0; i < len(block); {
		switch {
		case len(block)-i >= 4 && strings.EqualFold(block[i:i+4], "url("):
			j := i + 4
			for j < len(block) && (block[j] == ' ' || block[j] == '\t' || block[j] == '\n') {
				j++
			}
			if j < len(block) && (block[j] == '"' || block[j] == '\'') {
				end := skipCSSToken(block, j)
				urls = append(urls, strings.TrimSuffix(block[j+1:end], block[j:j+1]))
				i = end
				continue
			}
			end := strings.IndexByte(block[j:], ')')
			if end < 0 {
				return urls
			}
			urls = append(urls, block[j:j+end])
			i = j + end + 1
		default:
			i = skipCSSToken(block, i)
		}
	}
	return urls
}

var reCSSComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

func stripCSSComments(s string) string { return reCSSComment.ReplaceAllString(s, "") }

// unescapeCSS undoes the simple backslash escapes of a url() argument.
func unescapeCSS(s string) string {
	if !strings.Contains(s, `\`) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}
