package parse

import (
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
	"golang.org/x/net/html"
)

var (
	selShowUser     = sel("div.show-user")
	selBigUsername  = sel("span.big_username")
	selNameAndGroup = sel("div.name_and_group")
	selUserControls = sel("div.float-right.clear.pad-top")
	selControlsBox  = sel("div.controls")
	selCenterBoxes  = sel("#center-column div.content-box")
	selContentBoxes = sel("div.content-box")
	selStatusInput  = sel("td.status-input")
	selMessengers   = sel("div.social.messengers")
	selIMLabel      = sel("span.label")
	selAvatarImg    = sel("div.avatar-wrapper img[src]")
	selTableRow     = sel("tr")
	selCell         = sel("td")
	selSpan         = sel("span")
	selLinkA        = sel("a")
)

// parseProfile reads a user profile (/user/N): every column of the user
// table that the page shows (proboards-markup.md §8), the avatar image
// and the avatar record.
func parseProfile(p *Page) (*Result, error) {
	r := &Result{}
	member := p.Data().Member
	if mid, ok := dataInt(member, "id"); ok && mid == 0 {
		return nil, missing("no such member (proboards.data page.member.id is 0)")
	}
	show := find(p.Doc, selShowUser)
	if show == nil {
		return nil, missing("no profile (div.show-user)")
	}
	id := forumurl.ID(p.Base.String())
	if forumurl.Kind(p.Base.String()) != record.KindUser || id <= 0 {
		id, _ = dataInt(member, "id")
	}
	if id <= 0 {
		return nil, missing("no user id (neither the URL /user/N nor proboards.data page.member.id)")
	}
	u := &record.User{Type: record.TypeUser, ID: id, URL: record.Ptr(p.sitePath("/user/" + strconv.FormatInt(id, 10)))}

	if n := find(show, selBigUsername); n != nil {
		u.Name = record.Ptr(text(n))
	} else if name, ok := dataString(member, "name"); ok {
		u.Name = &name
		r.warn("no span.big_username: name from proboards.data")
	} else {
		r.warn("no user name (span.big_username)")
	}
	if n := find(show, selNameAndGroup); n != nil {
		if g := groupText(n); g != "" {
			u.Group = &g
		}
	}
	profileControls(p, r, show, u)
	boxes := findAll(show, selCenterBoxes)
	if len(boxes) == 0 {
		boxes = findAll(show, selContentBoxes)
	}
	if len(boxes) == 0 {
		r.warn("no profile boxes (#center-column div.content-box)")
	}
	var custom customFields
	for _, box := range boxes {
		profileBox(box, u, &custom)
	}
	r.add(u)
	// Only a profile whose field table was found says which custom fields
	// the user has; the record replaces the stored set, so a page that lost
	// its table must not erase them.
	if custom.table {
		r.add(&record.UserField{Type: record.TypeUserField, UserID: id, Fields: custom.fields})
	} else if len(boxes) > 0 {
		r.warn("no profile field table (a content-box table of Label: value rows)")
	}

	if img := find(show, selAvatarImg); img != nil {
		if src, ok := p.abs(attr(img, "src")); ok {
			r.add(&record.Image{Type: record.TypeImage, URL: src, Description: record.ImageAvatar},
				&record.Avatar{Type: record.TypeAvatar, UserID: id, URL: src})
		}
	} else {
		r.warn("no avatar (div.show-user div.avatar-wrapper img)")
	}
	return r, nil
}

// groupText is the bare text node of div.name_and_group that follows the
// name (it sits between two <br>s).
func groupText(n *html.Node) string {
	afterBR := false
	var firstText string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case isElement(c, "br"):
			afterBR = true
		case c.Type == html.TextNode:
			t := strings.TrimSpace(c.Data)
			if t == "" {
				continue
			}
			if afterBR {
				return t
			}
			if firstText == "" {
				firstText = t
			}
		}
	}
	return firstText
}

// profileControls reads the "Username:" and "Last Online:" labels (or
// "Member is Online", which leaves last_online unknown).
func profileControls(p *Page, r *Result, show *html.Node, u *record.User) {
	box := find(show, selUserControls)
	if box == nil {
		box = find(show, selControlsBox)
	}
	if box == nil {
		r.warn("no username box (div.float-right.controls div.float-right.clear.pad-top)")
		return
	}
	walk(box, func(n *html.Node) bool {
		if n.Type != html.TextNode {
			return true
		}
		label := strings.TrimSpace(n.Data)
		switch {
		case strings.HasSuffix(label, "Username:"):
			if v := labelValue(n); v != nil {
				u.Username = record.Ptr(text(v))
			}
		case strings.HasSuffix(label, "Last Online:"):
			if ms, ok := timestamp(labelValue(n)); ok {
				u.LastOnline = &ms
			}
		}
		return true
	})
}

// labelValue is the element after a label text node: its next element
// sibling, or that of the label's own element (<b>Username:</b> <span>…).
func labelValue(t *html.Node) *html.Node {
	if v := nextElement(t); v != nil && !isElement(v, "br") {
		return v
	}
	if par := t.Parent; par != nil && par.Type == html.ElementNode && strings.TrimSpace(rawText(par)) == strings.TrimSpace(t.Data) {
		if v := nextElement(par); v != nil && !isElement(v, "br") {
			return v
		}
	}
	return nil
}

// customFields collects a profile's custom fields (§8): rows
// tr.custom-field-NAME and rows whose label pb does not know.
type customFields struct {
	table  bool // a table of "Label:" rows was found
	fields []record.CustomField
	seen   map[string]bool
}

func (c *customFields) add(name, value string) {
	if name == "" || c.seen[name] {
		return
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[name] = true
	c.fields = append(c.fields, record.CustomField{Name: name, Value: value})
}

// customFieldRow is the NAME of a tr.custom-field-NAME row, or "".
func customFieldRow(tr *html.Node) string {
	for _, c := range strings.Fields(attr(tr, "class")) {
		if name, ok := strings.CutPrefix(c, "custom-field-"); ok && name != "" {
			return name
		}
	}
	return ""
}

// profileBox reads one content box: the signature, the messengers, or a
// table of "Label:" rows. The viewer's own status form is skipped; badges
// and other boxes simply have no known labels.
func profileBox(box *html.Node, u *record.User, custom *customFields) {
	if find(box, selStatusInput) != nil {
		return
	}
	first := firstSignificant(box)
	if first != nil && first.Type == html.TextNode && strings.TrimSuffix(strings.TrimSpace(first.Data), ":") == "Signature" {
		start := first.NextSibling
		for c := first.NextSibling; c != nil; c = c.NextSibling {
			if isElement(c, "hr") {
				start = c.NextSibling
				break
			}
		}
		sig := strings.TrimSpace(renderNodes(start, nil))
		u.Signature = &sig
		return
	}
	if m := find(box, selMessengers); m != nil {
		var ims []string
		for _, l := range findAll(m, selIMLabel) {
			name := strings.TrimSuffix(strings.TrimSpace(text(l)), ":")
			v := ""
			for s := l.NextSibling; s != nil; s = s.NextSibling {
				if t := strings.TrimSpace(rawText(s)); t != "" {
					v = t
					break
				}
			}
			if name != "" && v != "" {
				ims = append(ims, name+":"+v)
			}
		}
		if len(ims) > 0 {
			u.InstantMessengers = record.Ptr(strings.Join(ims, ";"))
		}
		return
	}
	for _, tr := range findAll(box, selTableRow) {
		cells := findAll(tr, selCell)
		if len(cells) < 2 {
			continue
		}
		custom.table = true
		label := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text(cells[0])), ":"))
		if class := customFieldRow(tr); class != "" {
			if label == "" {
				label = class
			}
			custom.add(label, text(cells[1]))
			continue
		}
		if !profileField(u, label, cells[1]) {
			custom.add(label, text(cells[1]))
		}
	}
}

// profileField stores one "Label: value" row of the profile and says
// whether it knew the label.
func profileField(u *record.User, label string, v *html.Node) bool {
	str := func(dst **string, s string) {
		if s != "" {
			*dst = &s
		}
	}
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "age":
		if n, ok := parseCount(text(v)); ok {
			u.Age = &n
		}
	case "birthday", "birthdate", "date of birth":
		str(&u.Birthdate, text(v))
	case "date registered", "registered":
		if ms, ok := timestamp(v); ok {
			u.DateRegistered = &ms
		}
	case "last online":
		if ms, ok := timestamp(v); ok {
			u.LastOnline = &ms
		}
	case "email", "email address":
		str(&u.Email, text(v))
	case "gender":
		str(&u.Gender, text(v))
	case "latest status", "status":
		if s := find(v, selSpan); s != nil {
			str(&u.LatestStatus, text(s))
		} else {
			str(&u.LatestStatus, text(v))
		}
	case "location":
		str(&u.Location, text(v))
	case "posts":
		if n, ok := parseCount(text(v)); ok {
			u.PostCount = &n
		}
	case "username":
		str(&u.Username, text(v))
	case "web site", "website", "homepage":
		if a := find(v, selLinkA); a != nil {
			str(&u.Website, text(a))
			str(&u.WebsiteURL, strings.TrimSpace(attr(a, "href")))
		} else {
			str(&u.Website, text(v))
		}
	default:
		return false
	}
	return true
}
