package parse

import (
	"net/url"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
)

// abs resolves href against the page (its final URL, else its URL) and
// returns an absolute http(s) URL without fragment, or false. It is for
// images, which may live on any host and are fetched exactly as written.
func (p *Page) abs(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	u := p.Base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

// onSite resolves href and returns its canonical URL (schema/README.md:
// the forum's scheme and host, sorted query, no fragment, no page=1) when
// it is a page of this forum that a crawler may fetch; false for other
// hosts, write/session/search URLs and non-web hrefs.
func (p *Page) onSite(href string) (string, bool) {
	c, ok := forumurl.Canonical(p.Base, href)
	if !ok {
		return "", false
	}
	u, err := url.Parse(c)
	if err != nil || !strings.EqualFold(u.Host, p.Site.Host) {
		return "", false
	}
	// The same host under the other scheme is the same forum: keep one key.
	if u.Scheme != p.Site.Scheme {
		u.Scheme = p.Site.Scheme
		c = u.String()
	}
	if forumurl.Forbidden(c) {
		return "", false
	}
	return c, true
}

// firstPage returns the canonical URL of href with its query removed: the
// first page of a board or thread (`/thread/N/slug`), whatever page the
// href pointed at.
func (p *Page) firstPage(href string) (string, bool) {
	c, ok := p.onSite(href)
	if !ok {
		return "", false
	}
	u, err := url.Parse(c)
	if err != nil {
		return "", false
	}
	u.RawQuery = ""
	return u.String(), true
}

// withPage returns the canonical URL of first (a canonical first-page URL)
// at page n; page 1 is the bare URL.
func withPage(first string, n int) string {
	u, err := url.Parse(first)
	if err != nil {
		return first
	}
	q := u.Query()
	q.Del("page")
	if n > 1 {
		q.Set("page", itoa(n))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sitePath returns the canonical URL of an absolute path on the forum.
func (p *Page) sitePath(path string) string {
	c, _ := forumurl.Canonical(p.Site, path)
	return c
}

// hasSlug reports whether the path of the canonical URL c has a slug
// after the id (`/board/3/general`, not `/board/3`).
func hasSlug(c string) bool {
	u, err := url.Parse(c)
	if err != nil {
		return false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	return len(parts) >= 3 && parts[2] != ""
}
