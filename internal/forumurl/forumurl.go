// Package forumurl knows the shape of ProBoards URLs: how to make one
// canonical (the crawl key), which page kind a path is, and which URLs a
// crawler must never request (write, session and search pages).
package forumurl

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/publicsuffix"

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
// An href is read as a browser reads it (WHATWG URL): tabs and newlines
// anywhere in it are dropped, a backslash before the query is a slash, and
// the scheme's default port (:443 on https, :80 on http) is no part of the key.
func Canonical(base *url.URL, href string) (canon string, ok bool) {
	href = strings.TrimFunc(href, func(r rune) bool { return r <= ' ' || unicode.IsSpace(r) })
	href = tabNewline.Replace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	if m := schemePrefix.FindString(href); m != "" {
		if s := strings.ToLower(m[:len(m)-1]); s != "http" && s != "https" {
			return "", false
		}
	}
	// Only the special schemes http and https are left, where a browser reads
	// a backslash before the query or fragment as a slash: \\host\a is //host/a.
	if end := strings.IndexAny(href, "?#"); end >= 0 {
		href = strings.ReplaceAll(href[:end], `\`, "/") + href[end:]
	} else {
		href = strings.ReplaceAll(href, `\`, "/")
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
	u.Host = dropDefaultPort(u.Scheme, strings.ToLower(u.Host))
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

var (
	// tabNewline are the characters a browser removes from anywhere in a URL.
	tabNewline = strings.NewReplacer("\t", "", "\n", "", "\r", "")
	// schemePrefix is an href's scheme, colon included (RFC 3986 §3.1).
	schemePrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// dropDefaultPort removes the port of host when it is the scheme's default
// (or empty), and writes any other port without leading zeros, so that
// every spelling of one address makes one crawl key.
func dropDefaultPort(scheme, host string) string {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.HasSuffix(host, "]") { // no port (an IPv6 address ends in "]")
		return host
	}
	name, port := host[:i], host[i+1:]
	if port == "" {
		return name
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return host
	}
	if scheme == "https" && n == 443 || scheme == "http" && n == 80 {
		return name
	}
	return name + ":" + strconv.Itoa(n)
}

// CanonicalOrRaw is Canonical of an absolute URL, or raw itself, unchanged,
// when raw is not an http(s) URL (it never fails, so it suits URLs already
// known to be good, such as a test's own server's).
func CanonicalOrRaw(raw string) string {
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

// Site checks a forum's base URL, as given to --site or taken from any of
// its pages, and returns its root: scheme, host and "/". A bare host name
// (name.proboards.com) means https. The host is canonical as in Canonical
// (lower case, no default port), so the root is a prefix of the canonical
// URL of every page of the forum; path, query, fragment and user are dropped.
func Site(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("no forum given: pass --site URL or set PB_SITE")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("%q is not a forum URL like https://name.proboards.com", raw)
	}
	host := dropDefaultPort(u.Scheme, strings.ToLower(u.Host))
	return &url.URL{Scheme: u.Scheme, Host: host, Path: "/"}, nil
}

// SameHost reports whether two URLs are on the same forum: the same host
// and port once both are canonical (case and a default port do not count).
// This is the test for "a page of the forum given by --site". A URL that
// does not parse, or has no host, is on no forum.
func SameHost(a, b string) bool {
	ha, hb := canonicalHost(a), canonicalHost(b)
	return ha != "" && ha == hb
}

func canonicalHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return dropDefaultPort(strings.ToLower(u.Scheme), strings.ToLower(u.Host))
}

// SameSite reports whether two hosts are the same site in the web's sense:
// the same registrable domain (name.proboards.com and storage.proboards.com
// are both proboards.com), whatever the ports. Each argument may be a URL
// or a bare host[:port]. This is the test for what belongs to a forum
// beyond its own host: its images and stylesheets, a browser's subrequests.
func SameSite(a, b string) bool {
	sa, sb := SiteOf(a), SiteOf(b)
	return sa != "" && sa == sb
}

// SiteOf returns the registrable domain of a URL's or a bare host[:port]'s
// host, in lower case; an IP address, localhost, or a name without a public
// suffix is its own site. It is "" when there is no host.
func SiteOf(hostOrURL string) string {
	s := hostOrURL
	if !strings.Contains(s, "://") {
		s = "http://" + strings.TrimSuffix(s, "/")
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	name := strings.ToLower(u.Hostname())
	if d, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil {
		return d
	}
	return name
}
