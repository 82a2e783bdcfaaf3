package parse

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

// author is who wrote or edited something, as schema/README.md's "who is
// the author" table maps it: exactly one of the cases is set.
type author struct {
	UserID    *int64  // registered (>0), record.DeletedUserID or record.StaffUserID
	GuestName *string // a guest, by name
	StaffName *string // with StaffUserID
}

var (
	selDeleted  = sel("div.deleted-mini-profile, span.user-deleted")
	selUserLink = sel("a.user-link, a.o-user-link, a.js-user-link")
	selAnyUserA = sel(`a[data-id], a[href*="/user/"], a[href*="support.proboards.com"]`)
	selGuest    = sel("span.user-guest")
	reUserClass = regexp.MustCompile(`^user-(\d+)$`)
)

// staffHost is where ProBoards staff user links point instead of /user/N.
const staffHost = "support.proboards.com"

// authorIn finds the author reference inside scope (a post's left panel,
// a shoutbox post, an edited_by line). ok is false when there is none.
func (p *Page) authorIn(scope *html.Node) (author, bool) {
	if scope == nil {
		return author{}, false
	}
	if find(scope, selDeleted) != nil {
		return author{UserID: record.Ptr(record.DeletedUserID)}, true
	}
	a := find(scope, selUserLink)
	if a == nil {
		a = find(scope, selAnyUserA)
	}
	if a != nil {
		if p.isStaffLink(a) {
			return author{UserID: record.Ptr(record.StaffUserID), StaffName: record.Ptr(text(a))}, true
		}
		if id, ok := p.userID(a); ok {
			return author{UserID: &id}, true
		}
	}
	if g := find(scope, selGuest); g != nil {
		return author{GuestName: record.Ptr(text(g))}, true
	}
	return author{}, false
}

// isStaffLink reports whether a user link points at ProBoards staff
// (support.proboards.com instead of /user/N).
func (p *Page) isStaffLink(a *html.Node) bool {
	href := strings.TrimSpace(attr(a, "href"))
	if href == "" {
		return false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return false
	}
	host := strings.ToLower(p.Base.ResolveReference(ref).Hostname())
	return host == staffHost || strings.HasSuffix(host, "."+staffHost)
}

// userID reads a registered user's id from a user link: data-id, else a
// user-N class, else an on-site /user/N href.
func (p *Page) userID(a *html.Node) (int64, bool) {
	if id, err := strconv.ParseInt(strings.TrimSpace(attr(a, "data-id")), 10, 64); err == nil && id > 0 {
		return id, true
	}
	for _, c := range classes(a) {
		if m := reUserClass.FindStringSubmatch(c); m != nil {
			if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
				return id, true
			}
		}
	}
	if c, ok := p.onSite(attr(a, "href")); ok && forumurl.Kind(c) == record.KindUser {
		if id := forumurl.ID(c); id > 0 {
			return id, true
		}
	}
	return 0, false
}

// userIDs returns the distinct registered user ids of the links (likers,
// voters, moderators), in page order; staff and guests are skipped.
func (p *Page) userIDs(links []*html.Node) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, a := range links {
		if p.isStaffLink(a) {
			continue
		}
		if id, ok := p.userID(a); ok && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}
