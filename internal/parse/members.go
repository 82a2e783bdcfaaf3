package parse

import (
	"net/url"
	"regexp"
	"strconv"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

var (
	selMembersBox   = sel("div.container.members")
	selMemberRow    = sel("tr")
	selMemberName   = sel("td.name")
	selMemberGroup  = sel("td.group")
	selMemberPosts  = sel("td.posts")
	selMemberReg    = sel("td.date-registered")
	selMemberOnline = sel("td.last-online")

	reMemberRowID = regexp.MustCompile(`^member-(\d+)$`)
)

// parseMembers reads a page of the members list: a partial user record
// per row (only what the row shows), links to every profile and to every
// page of the list.
func parseMembers(p *Page) (*Result, error) {
	r := &Result{}
	box := find(p.Doc, selMembersBox)
	if box == nil {
		return nil, missing("no members list (div.container.members)")
	}
	rows := 0
	for _, tr := range findAll(box, selMemberRow) {
		if u := p.memberRow(r, tr); u != nil {
			rows++
			r.add(u)
			r.addLink(p, *u.URL, record.KindUser, false)
		}
	}
	if rows == 0 {
		r.warn("members list has no rows (div.container.members tr a[href=/user/N])")
	}
	if last := p.lastPage(p.Doc); last > 1 {
		r.pageLinks(p, p.membersFirstPage(), record.KindMembers, last)
	}
	return r, nil
}

// memberRow reads one row; nil for rows without a profile link (headers).
func (p *Page) memberRow(r *Result, tr *html.Node) *record.User {
	var id int64
	var profile string
	for _, a := range findAll(tr, selAnyHref) {
		if c, ok := p.onSite(attr(a, "href")); ok && forumurl.Kind(c) == record.KindUser {
			id, profile = forumurl.ID(c), c
			break
		}
	}
	if m := reMemberRowID.FindStringSubmatch(attr(tr, "id")); m != nil {
		if n, err := strconv.ParseInt(m[1], 10, 64); err == nil && n > 0 && (id == 0 || id == n) {
			id = n
		}
	}
	if id <= 0 {
		return nil
	}
	if profile == "" {
		profile = p.sitePath("/user/" + strconv.FormatInt(id, 10))
	}
	u := &record.User{Type: record.TypeUser, ID: id, URL: &profile}
	if n := find(tr, selMemberName); n != nil {
		u.Name = record.Ptr(text(n))
	} else {
		r.warn("member %d row has no td.name", id)
	}
	if n := find(tr, selMemberGroup); n != nil {
		if g := text(n); g != "" {
			u.Group = &g
		}
	}
	if n := find(tr, selMemberPosts); n != nil {
		if c, ok := parseCount(text(n)); ok {
			u.PostCount = &c
		}
	}
	if ms, ok := timestamp(find(tr, selMemberReg)); ok {
		u.DateRegistered = &ms
	}
	// A member online now shows no timestamp: last_online stays unknown.
	if ms, ok := timestamp(find(tr, selMemberOnline)); ok {
		u.LastOnline = &ms
	}
	return u
}

// membersFirstPage is the canonical first page of the list being read,
// keeping its other parameters (a sort order) so every page agrees.
func (p *Page) membersFirstPage() string {
	c, ok := p.onSite(p.Base.String())
	if !ok || forumurl.Kind(c) != record.KindMembers {
		return p.sitePath("/members")
	}
	u, err := url.Parse(c)
	if err != nil {
		return p.sitePath("/members")
	}
	q := u.Query()
	q.Del("page")
	u.RawQuery = q.Encode()
	return u.String()
}
