package fakeforum

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/pb-archive/pb/internal/record"
)

// WriteTruth writes, as NDJSON, every entity record a perfect scraper of
// the current generation would emit (schema/README.md), with absolute URLs
// on base (e.g. "http://127.0.0.1:8080"; the image host is derived from it
// as the server does). Image records carry what pb-images adds: filename,
// md5_hash, size, status and http_status. Records stream out in this order:
// categories, boards, moderators, users with their avatars, then per thread
// the thread, its poll, options and voters, and its posts each followed by
// its likes and images, then shoutbox posts, smileys, favicon, background
// and banner. The password-protected board's threads are not included,
// unless Config.TruthUnlocked.
func (f *Forum) WriteTruth(out io.Writer, base string) error {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("truth base %q is not an http(s) URL with a host", base)
	}
	h := newHosts(u.Scheme, u.Host)
	gen := f.Generation()
	w := f.w
	rw := record.NewWriter(out)
	var werr error
	write := func(v any) {
		if werr == nil {
			werr = rw.Write(v)
		}
	}
	seen := map[string]bool{}
	image := func(rec record.Image) {
		if !seen[rec.URL] {
			seen[rec.URL] = true
			write(rec)
		}
	}

	for _, c := range w.categories {
		write(record.Category{Type: record.TypeCategory, ID: c.id, Name: record.Ptr(c.name)})
	}
	for _, b := range w.boards {
		rec := w.boardRecord(b, h)
		if b.password && f.truthReaches(b) {
			rec.PasswordProtected = record.Ptr(false) // its unlocked page shows content
		}
		write(rec)
	}
	for _, b := range w.boards {
		for _, uid := range b.moderators {
			write(record.Moderator{Type: record.TypeModerator, BoardID: b.id, UserID: uid})
		}
	}
	for _, usr := range w.users {
		write(w.userRecord(usr, h))
		uf := record.UserField{Type: record.TypeUserField, UserID: usr.id, Fields: []record.CustomField{}}
		for _, c := range usr.customFields {
			uf.Fields = append(uf.Fields, record.CustomField{Name: c.name, Value: c.value})
		}
		write(uf)
		write(record.Avatar{Type: record.TypeAvatar, UserID: usr.id, URL: usr.avatarURL(h)})
		if !seen[usr.avatarURL(h)] {
			kind, data := imgPNG, []byte(nil)
			if usr.avatar == avatarDefault {
				_, data, _ = w.imageFor(defaultAvatarPath, gen)
			} else {
				kind, data = usr.avatarImageKind(), w.avatarBytes(usr)
			}
			image(imageRecord(usr.avatarURL(h), record.ImageAvatar, kind, data, nil))
		}
	}
	for _, t := range w.allThreads() {
		if t.gen > gen || !f.truthReaches(t.board) {
			continue
		}
		write(w.threadRecord(t, h))
		if p := t.poll; p != nil {
			write(record.Poll{Type: record.TypePoll, ID: t.id, Name: record.Ptr(p.question)})
			for _, o := range p.options {
				write(record.PollOption{Type: record.TypePollOption, ID: o.id, PollID: t.id, Name: record.Ptr(o.name), Votes: record.Ptr(o.votes)})
			}
			for _, uid := range p.voters {
				write(record.PollVoter{Type: record.TypePollVoter, PollID: t.id, UserID: uid})
			}
		}
		for _, id := range w.postIDs(t, gen) {
			p := w.genPost(t, id, gen, h)
			write(postRecord(p, h))
			for _, uid := range p.likers {
				write(record.Like{Type: record.TypeLike, PostID: id, UserID: uid})
			}
			for _, im := range p.images {
				data, _ := w.postImageBytes(im)
				image(imageRecord(im.url(h), record.ImagePost, im.kind, data, record.Ptr(id)))
			}
		}
		if werr != nil {
			return werr
		}
	}
	for _, s := range w.shouts {
		rec := record.ShoutboxPost{Type: record.TypeShoutboxPost, ID: s.id, Date: record.Ptr(s.date), Message: record.Ptr(s.message)}
		setAuthor(s.author, &rec.UserID, &rec.GuestName, nil)
		write(rec)
	}
	for _, s := range smileys {
		kind, data, _ := w.imageFor(s.path(), gen)
		image(imageRecord(s.url(h, w.odd), "smiley "+s.code, kind, data, nil))
	}
	for _, th := range []struct{ url, path, desc string }{
		{h.imageURL(faviconPath), faviconPath, record.ImageFavicon},
		{w.backgroundURL(h), backgroundPath, record.ImageBackground},
		{h.imageURL(bannerPath), bannerPath, record.ImageBanner},
	} {
		kind, data, _ := w.imageFor(th.path, gen)
		image(imageRecord(th.url, th.desc, kind, data, nil))
	}
	if werr != nil {
		return werr
	}
	return rw.Flush()
}

func (w *world) boardRecord(b *board, h hosts) record.Board {
	rec := record.Board{Type: record.TypeBoard, ID: b.id, CategoryID: record.Ptr(b.cat.id), Name: record.Ptr(b.name),
		PasswordProtected: record.Ptr(b.password), URL: record.Ptr(h.forumURL(b.path()))}
	if b.redirect != "" {
		// Known only from its row, which links off-site and says nothing of a password.
		rec.PasswordProtected, rec.URL = nil, nil
	}
	if b.desc != "" {
		rec.Description = record.Ptr(b.desc)
	}
	if b.parent != nil {
		rec.ParentID = record.Ptr(b.parent.id)
	}
	return rec
}

func (w *world) userRecord(u *user, h hosts) record.User {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return record.Ptr(s)
	}
	rec := record.User{Type: record.TypeUser, ID: u.id, Birthdate: opt(u.birthday), DateRegistered: record.Ptr(u.registered),
		Email: opt(u.email), Gender: opt(u.gender), Group: record.Ptr(u.group), LatestStatus: opt(u.status),
		Location: opt(u.location), Name: record.Ptr(u.name), PostCount: record.Ptr(u.postCount),
		Signature: opt(u.signature), URL: record.Ptr(h.forumURL("/user/" + itoa(u.id))), Username: record.Ptr(u.username),
		Website: opt(u.website), WebsiteURL: opt(u.websiteURL)}
	if u.age > 0 {
		rec.Age = record.Ptr(int64(u.age))
	}
	if !u.online {
		rec.LastOnline = record.Ptr(u.lastOnline)
	}
	var ims []string
	for _, m := range u.messengers {
		ims = append(ims, m.label+":"+m.handle)
	}
	rec.InstantMessengers = opt(strings.Join(ims, ";"))
	return rec
}

func (w *world) threadRecord(t *thread, h hosts) record.Thread {
	rec := record.Thread{Type: record.TypeThread, ID: t.id, Announcement: record.Ptr(t.announcement),
		BoardID: record.Ptr(t.board.id), Locked: record.Ptr(t.locked), Sticky: record.Ptr(t.sticky),
		Title: record.Ptr(t.title), URL: record.Ptr(h.forumURL(t.path())), Views: record.Ptr(t.views)}
	setAuthor(t.creator, &rec.UserID, &rec.GuestName, nil)
	return rec
}

func postRecord(p *post, h hosts) record.Post {
	rec := record.Post{Type: record.TypePost, ID: p.id, Date: record.Ptr(p.date), Message: record.Ptr(p.message),
		ThreadID: record.Ptr(p.t.id), URL: record.Ptr(h.forumURL("/post/" + itoa(p.id)))}
	setAuthor(p.author, &rec.UserID, &rec.GuestName, &rec.StaffName)
	if p.editor != nil {
		setAuthor(*p.editor, &rec.EditUserID, &rec.EditGuestName, nil)
		rec.LastEdited = record.Ptr(p.edited)
	}
	return rec
}

// setAuthor fills the author fields as schema/README.md's "Who is the author" says.
func setAuthor(a author, userID **int64, guestName, staffName **string) {
	switch a.kind {
	case byUser:
		*userID = record.Ptr(a.id)
	case byGuest:
		*guestName = record.Ptr(a.name)
	case byGone:
		*guestName = record.Ptr("user-guest")
	case byDeleted:
		*userID = record.Ptr(record.DeletedUserID)
	case byStaff:
		*userID = record.Ptr(record.StaffUserID)
		if staffName != nil {
			*staffName = record.Ptr(a.name)
		}
	}
}

// imageRecord is an image as pb-images leaves it after downloading it.
func imageRecord(u, desc string, kind imageKind, data []byte, postID *int64) record.Image {
	rec := record.Image{Type: record.TypeImage, URL: u, Description: desc, PostID: postID}
	switch kind {
	case imgDead:
		rec.Status, rec.HTTPStatus = record.Ptr("http 404"), record.Ptr(404)
	case imgHTML:
		rec.Status, rec.HTTPStatus = record.Ptr("not an image"), record.Ptr(200)
	default:
		sum := md5.Sum(data)
		hash := hex.EncodeToString(sum[:])
		rec.MD5Hash, rec.Filename = record.Ptr(hash), record.Ptr(hash+"."+kind.fileExt())
		rec.Size, rec.Status, rec.HTTPStatus = record.Ptr(int64(len(data))), record.Ptr("ok"), record.Ptr(200)
	}
	return rec
}

// Stats counts what the forum holds in the current generation: the
// entities of the truth (Boards includes the password-protected board;
// Threads and Posts exclude its content unless Config.TruthUnlocked), the
// distinct image URLs of the truth, and Pages, the HTML pages a complete
// crawl fetches (home, every page of every board list including the
// password board's one page, or all its pages when unlocked, every thread
// page, every members page and every profile).
type Stats struct {
	Categories, Boards, Threads, Posts, Users, ShoutboxPosts, Images, Pages int
}

// Stats returns the counts of the generation being served.
func (f *Forum) Stats() Stats {
	w, gen := f.w, f.Generation()
	s := Stats{Categories: len(w.categories), Boards: len(w.boards), Users: len(w.users), ShoutboxPosts: len(w.shouts)}
	s.Pages = len(w.pagePathsUnlocked(gen, f.cfg.TruthUnlocked))
	avatars := map[string]bool{}
	h := newHosts("http", "forum.test")
	for _, u := range w.users {
		avatars[u.avatarURL(h)] = true
	}
	s.Images = len(avatars) + len(smileys) + 3
	for _, t := range w.allThreads() {
		if t.gen > gen || !f.truthReaches(t.board) {
			continue
		}
		s.Threads++
		s.Posts += w.postCount(t, gen)
		for id := t.firstShown(); id < t.firstAlloc+int64(t.nAlloc); id++ {
			if gen < 1 || id != w.gen1.deleted {
				s.Images += len(w.postImages(id))
			}
		}
	}
	return s
}

// pagePaths lists every HTML page a complete crawl fetches, as paths with
// ?page=N from page 2 on.
func (w *world) pagePaths(gen int) []string { return w.pagePathsUnlocked(gen, false) }

// pagePathsUnlocked is pagePaths, seen with the board password when unlocked.
func (w *world) pagePathsUnlocked(gen int, unlocked bool) []string {
	out := []string{"/"}
	paged := func(path string, n int) {
		out = append(out, path)
		for p := 2; p <= n; p++ {
			out = append(out, fmt.Sprintf("%s?page=%d", path, p))
		}
	}
	for _, b := range w.boards {
		if b.redirect != "" {
			continue // no page of its own
		}
		if b.password && !unlocked {
			out = append(out, b.path())
			continue
		}
		paged(b.path(), pages(len(b.threads[gen]), threadsPerPage))
	}
	for _, t := range w.allThreads() {
		if t.gen <= gen && (unlocked || t.board.reachable()) {
			paged(t.path(), pages(w.postCount(t, gen), postsPerPage))
		}
	}
	paged("/members", pages(len(w.users), membersPerPage))
	for _, u := range w.users {
		out = append(out, "/user/"+itoa(u.id))
	}
	return out
}
