package fakeforum

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// buildUsers makes the members; the login account is always online.
func (w *world) buildUsers() {
	n := w.spec.users
	w.users = make([]*user, n)
	for i := range w.users {
		w.users[i] = w.genUser(int64(i + 1))
	}
	acct := w.user(w.account.UserID)
	acct.email = w.account.Email
	acct.online, acct.lastOnline = true, 0
	w.special.onlineUser = w.user(4)
	w.special.badgesUser = w.user(2)
	w.special.lyingAvatarUser = w.user(3)
}

// user returns the member with this id, or nil.
func (w *world) user(id int64) *user {
	if id < 1 || id > int64(len(w.users)) {
		return nil
	}
	return w.users[id-1]
}

// genUser makes member id from its own random stream.
func (w *world) genUser(id int64) *user {
	r := newRand(w.seed, streamUser, id)
	u := &user{id: id}
	switch r.IntN(3) {
	case 0:
		u.name = pick(r, firstNames) + " " + pick(r, lastNames)
	case 1:
		u.name = pick(r, handles)
	default:
		u.name = pick(r, firstNames)
	}
	u.group = pick(r, groups)
	if id == 1 {
		u.name, u.group = "Archivist", "Administrator"
	}
	base := strings.ReplaceAll(slugify(u.name), "-", "_")
	if base == "untitled" {
		base = "member"
	}
	u.username = base + strconv.FormatInt(id, 10)
	if id == 1 {
		u.username = "archivist"
	}
	u.registered = time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + r.Int64N(17*365*day)
	u.online = id%17 == 4 || chance(r, 0.08)
	if !u.online {
		u.lastOnline = u.registered + r.Int64N(forumNow-u.registered)
	}
	u.postCount = logUniform(r, 1, 25000) - 1
	u.avatar = avatarKind(id % 6)
	if id == 3 {
		u.avatar = avatarLying
	}
	u.relAvatar = w.odd && u.avatar == avatarWebP
	// Most users fill in most fields; every seventh user fills in none.
	full := id == 1 || id == 2
	minimal := id%7 == 3
	has := func(p float64) bool { return full || (!minimal && chance(r, p)) }
	if has(0.75) {
		by := between(r, 1950, 2008)
		bd := time.Date(by, time.Month(between(r, 1, 12)), between(r, 1, 28), 0, 0, 0, 0, time.UTC)
		u.birthday = bd.Format("January 2, 2006")
		now := time.UnixMilli(forumNow).UTC()
		u.age = now.Year() - bd.Year()
		if now.YearDay() < bd.YearDay() {
			u.age--
		}
	}
	if has(0.8) {
		u.email = u.username + "@" + pick(r, webDomains)
	}
	if has(0.7) {
		u.gender = pick(r, []string{"Male", "Female", "Other"})
	}
	if has(0.6) {
		u.location = pick(r, locations)
	}
	if has(0.5) {
		u.status = pick(r, statuses)
	}
	if has(0.4) {
		u.website = u.name + "'s page"
		u.websiteURL = "https://" + pick(r, webDomains) + "/~" + u.username
	}
	if has(0.5) {
		u.signature = normalise(genSignature(r, u))
	}
	if has(0.4) {
		for _, m := range []string{"AIM", "YIM", "MSN", "ICQ", "Skype"} {
			if full || chance(r, 0.5) {
				handle := u.username
				if m == "ICQ" {
					handle = strconv.Itoa(100000 + r.IntN(900000))
				}
				u.messengers = append(u.messengers, messenger{m, handle})
			}
		}
	}
	// Custom fields come from their own stream, so adding them changed no other field.
	cr := newRand(w.seed, streamCustomField, id)
	for _, d := range customFieldDefs {
		if full || (!minimal && chance(cr, 0.3)) {
			u.customFields = append(u.customFields, customField{d.name, pick(cr, d.values)})
		}
	}
	if id%5 == 2 || (!minimal && chance(r, 0.05)) {
		u.badges = []string{pick(r, badgeNames), pick(r, badgeNames)}
		if u.badges[0] == u.badges[1] {
			u.badges = u.badges[:1]
		}
	}
	return u
}

// customFieldDefs are the forum's custom profile fields (§8), in the order
// profiles show them, with the values members give. Titles and values hold
// characters that must be escaped, and one title has characters the row's
// class (customFieldClass) drops.
var customFieldDefs = []struct {
	name   string
	values []string
}{
	{"Favourite Band", []string{"Blur", "Pulp", "The Kinks", "Björk", "Sigur Rós"}},
	{"Roleplay Characters", []string{"Ann, Bo", "Lady Mira & Sir Tom", "none yet"}},
	{"Pets", []string{"2 cats", "a dog called <Rex>", "none"}},
	{"Q&A Corner", []string{"ask me anything", "closed \"for now\""}},
	{"Shoe size (EU)", []string{"38", "42", "45"}},
}

// customFieldClass is the class of a custom field's row: "custom-field-"
// and the title lower-cased with all but letters and digits removed.
func customFieldClass(name string) string {
	var b strings.Builder
	b.WriteString("custom-field-")
	for _, c := range strings.ToLower(name) {
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// genSignature makes a signature in one of three styles (no images).
func genSignature(r *rand.Rand, u *user) string {
	line := pick(r, sigLines)
	switch r.IntN(3) {
	case 0:
		return "<i>" + htmlText(line) + "</i>"
	case 1:
		return htmlText(line) + "<br>— " + htmlText(u.name)
	default:
		return `<b>` + htmlText(u.name) + `</b> · <a href="https://example.org/gallery/` + u.username + `" target="_blank" rel="nofollow">` + htmlText(line) + `</a>`
	}
}

// zipfUser picks a member, favouring low ids (a few people post most).
func (w *world) zipfUser(x float64) int64 {
	return 1 + int64(x*x*float64(len(w.users)))
}
