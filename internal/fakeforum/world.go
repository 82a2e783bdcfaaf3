package fakeforum

import (
	"strconv"
	"strings"
	"time"
)

// forumNow is the fixed "now" of generated content: no page depends on the
// clock. Generation 1 content is dated a few days after it.
var forumNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const (
	day  int64 = 24 * 3600 * 1000
	hour int64 = 3600 * 1000
)

// Page sizes, as on ProBoards (threads per board page, posts per thread page)
// and as chosen for the members list.
const (
	threadsPerPage = 25
	postsPerPage   = 30
	membersPerPage = 30
)

// world is the forum's structure, built once from the seed. Posts are not
// stored: a thread owns a contiguous range of post ids and each post is
// generated on demand from its id (posts.go).
type world struct {
	seed    int64
	spec    sizeSpec
	account Account
	odd     bool // Config.OddForms
	name    string
	forumID int64

	users      []*user // users[i].id == i+1
	categories []*category
	boards     []*board // by id
	threads    []*thread
	shouts     []shout

	features    map[int64]feature // forced features of particular posts
	maxBasePost int64             // the highest post id of generation 0
	gen1        gen1

	// Special entities, by role, for tests and documentation.
	special specials
}

// specials names the entities that carry each variant.
type specials struct {
	bigBoard, passwordBoard, noStatsBoard, noDescBoard *board
	deepBoard                                          *board // three levels below a top-level board
	redirectBoard                                      *board // its row links off-site
	featureThread, guestThread, goneFirstThread        *thread
	pollThread, announcement, sticky, locked           *thread
	longThread                                         *thread
	onlineUser, badgesUser, lyingAvatarUser            *user
}

type authorKind uint8

const (
	byUser    authorKind = iota
	byGuest              // span.user-guest; guest_name
	byDeleted            // div.deleted-mini-profile; user_id -1
	byStaff              // link to support.proboards.com; user_id -3
	byGone               // the guest creator of a thread whose first post is gone; "user-guest"
)

// author is who wrote or edited something.
type author struct {
	kind authorKind
	id   int64  // byUser
	name string // byGuest, byStaff
}

type user struct {
	id                              int64
	name, username, group           string
	registered, lastOnline          int64 // ms; lastOnline is 0 while online
	online                          bool
	age                             int // 0: not shown
	birthday                        string
	email, gender, location, status string
	website, websiteURL             string
	postCount                       int64
	signature                       string // normalised HTML; "" for none
	messengers                      []messenger
	badges                          []string
	avatar                          avatarKind
	relAvatar                       bool          // OddForms: the avatar src is relative to the forum
	customFields                    []customField // custom profile fields, in page order
}

// customField is one custom profile field (tr.custom-field-NAME).
type customField struct{ name, value string }

type messenger struct{ label, handle string }

type category struct {
	id     int64
	name   string
	boards []*board // top-level boards, in display order
}

type board struct {
	id                int64
	name, slug        string
	desc              string
	cat               *category
	parent            *board
	children          []*board
	depth             int // 0 for top-level boards
	password          bool
	noStats           bool
	showAnnouncements bool   // lists board 1's announcements on top of its first page
	redirect          string // a redirect board: its row links here (off-site); it has no page of its own
	moderators        []int64
	threads           [2][]*thread // display order in each generation
	nPosts            [2]int64
	latest            [2]*thread // the thread with the newest post
	assignedThreads   int
}

type thread struct {
	id                           int64
	board                        *board
	title, slug                  string
	creator                      author
	goneFirst                    bool // the first post was deleted; created_by is 0
	announcement, sticky, locked bool
	views                        int64
	odd                          bool  // OddForms: views a JSON number, no a.thread-link, query-only page links
	firstAlloc                   int64 // first post id allocated to the thread
	nAlloc                       int   // post ids allocated: firstAlloc .. firstAlloc+nAlloc-1
	start, step                  int64 // ms: date of the first post and spacing of the others
	poll                         *poll
	gen                          int // the generation it first appears in
}

type poll struct {
	question string
	options  []pollOption
	voters   []int64
}

type pollOption struct {
	id    int64
	name  string
	votes int64
}

type shout struct {
	id      int64
	date    int64
	author  author
	message string
}

// gen1 is what generation 1 changes.
type gen1 struct {
	appended   map[int64][]int64 // thread id -> new post ids, in order
	postThread map[int64]*thread // new post id -> its thread
	newThread  *thread
	edited     int64 // post id whose message and edit line change
	editedAt   int64
	deleted    int64 // post id that disappears
}

// feature is a set of forced properties of one post, so every variant exists
// whatever the size and seed.
type feature uint32

const (
	featGuest feature = 1 << iota
	featDeleted
	featStaff
	featEditUser  // edited by another member
	featEditGuest // a guest's post edited by that guest
	featLikesFew  // 2 inline likers
	featLikesMany // 8 likers behind a.view-likes
	featImagesA   // PNG (image host) + JPEG (image host)
	featImagesB   // GIF (forum host, relative src) + BMP (image host)
	featImagesC   // SVG (image host) + WebP (forum host)
	featImageDead // a 404 image
	featImageHTML // an "image" that is HTML
	featQuote     // a div.quote
	featRich      // a list and a link
)

// featureOrder is the forced feature of the feature thread's posts 1..n
// (post 0 is the thread's opening post).
var featureOrder = []feature{
	featGuest, featDeleted, featStaff, featEditUser, featGuest | featEditGuest,
	featLikesFew, featLikesMany, featImagesA, featImagesB, featImagesC,
	featImageDead, featImageHTML, featQuote | featRich,
}

// buildWorld builds the structure of the forum of cfg.
func buildWorld(cfg Config) *world {
	spec := sizes[cfg.Size]
	w := &world{
		seed:     cfg.Seed,
		spec:     spec,
		account:  cfg.Account,
		odd:      cfg.OddForms,
		features: map[int64]feature{},
	}
	r := newRand(w.seed, streamWorld, 0)
	w.name = pick(r, []string{"Lakeside Commons", "The Kettle Club", "Northwind Forum", "Café Society"})
	w.forumID = 1000 + r.Int64N(90000)
	w.buildUsers()
	w.buildBoards(r)
	w.buildThreads(r)
	w.buildGen1(r)
	w.addRedirectBoard()
	w.orderBoards()
	w.buildShouts()
	return w
}

// buildShouts makes the shoutbox: a post every twenty minutes or so up to
// forumNow, mostly by members, some by guests.
func (w *world) buildShouts() {
	n := w.spec.shouts
	for i := 0; i < n; i++ {
		id := int64(5001 + i)
		r := newRand(w.seed, streamShout, id)
		s := shout{id: id, date: forumNow - int64(n-i)*(20*60_000) - r.Int64N(15*60_000)}
		s.author = author{kind: byUser, id: w.zipfUser(r.Float64())}
		if i == 2 || chance(r, 0.15) {
			s.author = author{kind: byGuest, name: pick(r, guestNames)}
		}
		s.message = pick(r, shoutTexts)
		w.shouts = append(w.shouts, s)
	}
}

// formatCount writes n with thousands separators, as ProBoards shows counts.
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
