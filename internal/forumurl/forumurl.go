// Package forumurl knows the shape of ProBoards URLs: how to make one
// canonical (the crawl key), which page kind a path is, and which URLs a
// crawler must never request (write, session and search pages).
package forumurl

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/record"
)

// sessionParams are query keys that identify a visit, not a page.
var sessionParams = map[string]bool{
	"sid": true, "session": true, "session_id": true, "phpsessid": true,
	"csrf_token": true, "_": true, "utm_source": true, "utm_medium": true,
	"utm_campaign": true,
}

// Canonical resolves href against base and returns the canonical absolute
// URL: http(s) only, lower-case host, no fragment, no session parameters,
// query keys sorted, and page=1 dropped because page 1 is the bare URL.
// ok is false for hrefs that are not web pages (javascript:, mailto:, empty).
func Canonical(base *url.URL, href string) (canon string, ok bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	u := ref
	if base != nil {
		u = base.ResolveReference(ref)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if sessionParams[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	if q.Get("page") == "1" {
		q.Del("page")
	}
	u.RawQuery = q.Encode() // Encode sorts by key
	u.ForceQuery = false
	return u.String(), true
}

// MustCanonical is Canonical for URLs known to be valid absolute URLs.
func MustCanonical(raw string) string {
	c, ok := Canonical(nil, raw)
	if !ok {
		return raw
	}
	return c
}

var (
	boardPath  = regexp.MustCompile(`^/board/(\d+)(/|$)`)
	threadPath = regexp.MustCompile(`^/thread/(\d+)(/|$)`)
	userPath   = regexp.MustCompile(`^/user/(\d+)/?$`)
)

// Kind returns the page kind of a forum URL (record.Kind* constants), or ""
// when the path is not a page pb knows how to parse.
func Kind(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := u.Path
	switch {
	case p == "" || p == "/":
		return record.KindHome
	case boardPath.MatchString(p):
		return record.KindBoard
	case threadPath.MatchString(p):
		return record.KindThread
	case p == "/members" || p == "/members/":
		return record.KindMembers
	case userPath.MatchString(p):
		return record.KindUser
	case strings.EqualFold(path.Ext(p), ".css"):
		return record.KindCSS
	}
	return ""
}

// ID returns the numeric id in a board, thread or user URL, or 0.
func ID(raw string) int64 {
	u, err := url.Parse(raw)
	if err != nil {
		return 0
	}
	for _, re := range []*regexp.Regexp{boardPath, threadPath, userPath} {
		if m := re.FindStringSubmatch(u.Path); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			return n
		}
	}
	return 0
}

// Page returns the ?page=N of a URL, 1 when absent or invalid.
func Page(raw string) int {
	u, err := url.Parse(raw)
	if err != nil {
		return 1
	}
	n, err := strconv.Atoi(u.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// forbidden are path prefixes that write, log in or out, search, or list
// volatile "recent" pages: a crawler never requests them.
var forbidden = []string{
	"/thread/new", "/post/new", "/posts/new", "/threads/new", "/post/quote", "/quote",
	"/login", "/logout", "/register", "/search", "/threads/recent", "/posts/recent",
	"/mark", "/bookmark", "/conversation", "/message", "/admin", "/calendar",
	"/forum_submit", "/fake-api",
}

// Forbidden reports whether a URL must never be queued: write and session
// URLs, searches, recent lists, and anything with an action-like query.
func Forbidden(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	p := strings.ToLower(u.Path)
	for _, f := range forbidden {
		if p == f || strings.HasPrefix(p, f+"/") || strings.HasPrefix(p, f+"?") {
			return true
		}
	}
	if strings.Contains(p, "/edit") || strings.HasSuffix(p, "/reply") || strings.HasSuffix(p, "/delete") {
		return true
	}
	q := u.Query()
	return q.Has("mark_read") || q.Has("csrf_token") || q.Has("action")
}

// SameSite reports whether two absolute URLs are on the same host (port included).
func SameSite(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}
