package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// What pb-load lets in at the door. A record breaking these rules is
// reported with its line number and skipped (exit 1), because once in the
// database it would do harm: a URL that is not a forum page stays in the
// frontier for ever (pb-fetch can never complete it, so the crawl loop
// never ends), a file name with a path escapes the images folder of
// whoever reads the archive, and an outcome from the future blocks its
// page (an outcome not newer than the last one applied is a replay).
const (
	// MaxURLBytes bounds the URLs of url, link and outcome records. Real
	// forum URLs are under 300 bytes; browsers and servers commonly stop
	// near 2,000.
	MaxURLBytes = 2048

	// MaxClockSkew is how far ahead of pb-load's clock an outcome's
	// fetched_at may be (the fetching machine's clock may differ a little).
	// A later one is refused, not clamped: a page fetched "tomorrow" says
	// the fetcher's clock or the input is wrong, and refusing it leaves the
	// page to be fetched again, where clamping would still mark it with a
	// time that makes the next real fetch look like a replay.
	MaxClockSkew = 24 * time.Hour
)

// proboardsSite is the registrable domain of ProBoards' own hosts; a
// forum's theme stylesheet may live there (storage.proboards.com) even
// when the forum has a domain of its own.
const proboardsSite = "proboards.com"

// checkPageURL reports what makes raw unfit for the crawl frontier: it must
// be an absolute http(s) URL with a host, without user:password@, of at
// most MaxURLBytes, and not a page a crawler must never request (a write,
// session or search URL: forumurl.Forbidden).
func checkPageURL(raw string) (*url.URL, string) {
	if len(raw) > MaxURLBytes {
		return nil, fmt.Sprintf("is %d bytes long, over the %d-byte limit", len(raw), MaxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Sprintf("%q is not a URL (%v)", raw, unwrapURLError(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		if u.Scheme == "" {
			return nil, fmt.Sprintf("%q is not an absolute URL (no http: or https:)", raw)
		}
		return nil, fmt.Sprintf("%q is a %s: URL, not http(s)", raw, u.Scheme)
	case u.Opaque != "" || u.Hostname() == "":
		return nil, fmt.Sprintf("%q has no host", raw)
	case u.User != nil:
		return nil, fmt.Sprintf("%q carries a user name or password (user:password@)", raw)
	case forumurl.Forbidden(raw):
		return nil, fmt.Sprintf("%q is a write, session or search page, which pb never fetches", raw)
	}
	return u, ""
}

// unwrapURLError drops url.Error's repetition of the URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// imageFilename is the name pb-images gives a file: the MD5 of its bytes
// in lower-case hex and the extension of the type it sniffed.
var (
	imageFilename = regexp.MustCompile(`^([0-9a-f]{32})\.[a-z0-9]{1,8}$`)
	md5Hex        = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// validate checks a decoded record's values before it may reach the
// database; now is pb-load's clock. The error is a *record.LineError.
func validate(l record.Line, rec any, now time.Time) error {
	switch r := rec.(type) {
	case *record.URL:
		if _, why := checkPageURL(r.URL); why != "" {
			return lineErr(l, "url record refused: url %s", why)
		}
	case *record.Link:
		u, why := checkPageURL(r.URL)
		if why != "" {
			return lineErr(l, "link record refused: url %s", why)
		}
		if r.From == "" {
			return nil
		}
		from, why := checkPageURL(r.From)
		if why != "" {
			return lineErr(l, "link record refused: from %s", why)
		}
		// A forum page links to pages of the same forum; the one exception
		// pb-parse makes is the theme stylesheet, which ProBoards may host.
		if site := forumurl.SiteOf(u.Host); !forumurl.SameSite(u.Host, from.Host) && !(r.Kind == record.KindCSS && site == proboardsSite) {
			return lineErr(l, "link record refused: url %q is not on the site of the page it was found on (%s)", r.URL, from.Host)
		}
	case *record.Outcome:
		if _, why := checkPageURL(r.URL); why != "" {
			return lineErr(l, "outcome record refused: url %s", why)
		}
		if limit := now.Add(MaxClockSkew); r.FetchedAt > limit.UnixMilli() {
			return lineErr(l, "outcome record refused: fetched_at %d (%s) is more than %s ahead of this machine's clock (%s); "+
				"an outcome from the future would block every later one of %s",
				r.FetchedAt, time.UnixMilli(r.FetchedAt).UTC().Format(time.RFC3339), MaxClockSkew, now.UTC().Format(time.RFC3339), r.URL)
		}
	case *record.Image:
		if r.Filename != nil && !imageFilename.MatchString(*r.Filename) {
			return lineErr(l, "image record refused: filename %q is not <md5>.<ext> as pb-images names files (no folders, no \"..\")", *r.Filename)
		}
		if r.MD5Hash != nil && !md5Hex.MatchString(*r.MD5Hash) {
			return lineErr(l, "image record refused: md5_hash %q is not 32 lower-case hex digits", *r.MD5Hash)
		}
		if r.Filename != nil && r.MD5Hash != nil && !strings.HasPrefix(*r.Filename, *r.MD5Hash+".") {
			return lineErr(l, "image record refused: filename %q does not match its md5_hash %s", *r.Filename, *r.MD5Hash)
		}
	}
	return nil
}
