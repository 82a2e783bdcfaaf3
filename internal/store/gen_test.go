package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pb-archive/pb/internal/record"
)

// forum is a generated crawl: the records a perfect pb-parse (and
// pb-images) would emit, page by page in pipeline order (a page's entities,
// then its links, then its outcome), and which posts each thread page holds.
type forum struct {
	lines     [][]byte
	pagePosts map[string][]int64 // thread page URL → its post ids
}

// genForum builds a consistent forum of about `threads` threads of
// `perThread` posts with ~1 KB messages: records about the same entity
// agree on every field both set, so any order of loading gives one database.
func genForum(seed uint64, threads, perThread int) *forum {
	rng := rand.New(rand.NewPCG(seed, 42))
	const site = "https://gen.proboards.com"
	f := &forum{pagePosts: map[string][]int64{}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	emit := func(v any) {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			panic(err)
		}
		f.lines = append(f.lines, bytes.Clone(bytes.TrimRight(buf.Bytes(), "\n")))
	}
	p := record.Ptr[string]
	pi := record.Ptr[int64]
	fetched := int64(1_700_000_000_000)
	outcome := func(url, kind string, render bool, n int) {
		fetched += 1000
		emit(record.Outcome{Type: record.TypeOutcome, URL: url, Kind: kind, Render: render,
			Status: record.OutcomeDone, HTTPStatus: 200, Entities: n, FetchedAt: fetched})
	}
	link := func(url, kind, from string, render bool) {
		emit(record.Link{Type: record.TypeLink, URL: url, Kind: kind, From: from, Render: render})
	}

	nUsers := max(10, threads*perThread/8)
	userName := func(id int64) string { return fmt.Sprintf("member%d", id) }
	groups := []string{"Member", "Member", "Member", "Moderator", "Admin"}
	boards := max(2, threads/20)
	staffNames := []string{"Sam (ProBoards)", "Kim (ProBoards)"}
	guests := []string{"Wanderer", "Zoë", "anon", "user-guest"}

	// Home: categories, boards, the shoutbox, smileys.
	home := site + "/"
	emit(record.URL{Type: record.TypeURL, URL: home, Kind: record.KindHome})
	for c := int64(1); c <= 2; c++ {
		emit(record.Category{Type: record.TypeCategory, ID: c, Name: p(fmt.Sprintf("Category %d", c))})
	}
	boardURL := func(b int) string { return fmt.Sprintf("%s/board/%d/board-%d", site, b, b) }
	for b := 1; b <= boards; b++ {
		br := record.Board{Type: record.TypeBoard, ID: int64(b), CategoryID: pi(int64(1 + b%2)),
			Name: p(fmt.Sprintf("Board %d", b)), URL: p(boardURL(b))}
		if b > 2 && b%3 == 0 {
			br.ParentID = pi(int64(b - 1))
		}
		emit(br)
		link(boardURL(b), record.KindBoard, home, false)
	}
	for i := int64(1); i <= 20; i++ {
		sp := record.ShoutboxPost{Type: record.TypeShoutboxPost, ID: i, Date: pi(fetched - i*60000),
			Message: p(fmt.Sprintf("shout %d & <stuff>", i))}
		if i%4 == 0 {
			sp.GuestName = p(guests[int(i)%len(guests)])
		} else {
			sp.UserID = pi(1 + i%int64(nUsers))
		}
		emit(sp)
	}
	emit(record.Image{Type: record.TypeImage, URL: site + "/smileys/smile.png", Description: "smiley :)",
		Filename: p("0123456789abcdef0123456789abcdef.png"), MD5Hash: p("0123456789abcdef0123456789abcdef"),
		Size: pi(512), Status: p("ok"), HTTPStatus: record.Ptr(200)})
	emit(record.Image{Type: record.TypeImage, URL: site + "/favicon.ico", Description: "favicon",
		Status: p("http 404"), HTTPStatus: record.Ptr(404)})
	link(site+"/members", record.KindMembers, home, false)
	outcome(home, record.KindHome, false, 30)

	// Members list (partial users), then profiles (full users, avatars).
	members := site + "/members"
	for id := int64(1); id <= int64(nUsers); id++ {
		emit(record.User{Type: record.TypeUser, ID: id, Name: p(userName(id)), Group: p(groups[id%5]),
			PostCount: pi(id * 3), DateRegistered: pi(1_500_000_000_000 + id*86_400_000),
			URL: p(fmt.Sprintf("%s/user/%d", site, id))})
		link(fmt.Sprintf("%s/user/%d", site, id), record.KindUser, members, false)
	}
	outcome(members, record.KindMembers, false, nUsers)
	for id := int64(1); id <= int64(nUsers); id++ {
		u := fmt.Sprintf("%s/user/%d", site, id)
		emit(record.User{Type: record.TypeUser, ID: id, Name: p(userName(id)), Group: p(groups[id%5]),
			PostCount: pi(id * 3), DateRegistered: pi(1_500_000_000_000 + id*86_400_000), URL: p(u),
			Username: p(fmt.Sprintf("m%d", id)), Age: pi(20 + id%40), Gender: p("Female"),
			Location: p("Somewhere"), Signature: p(fmt.Sprintf("<i>sig %d</i>", id)),
			InstantMessengers: p("AIM:x;ICQ:123"), Website: p("home"), WebsiteURL: p("https://example.invalid/")})
		if id%3 != 0 {
			av := fmt.Sprintf("https://images.proboards.com/avatars/%d.png", id%7) // shared avatars
			emit(record.Image{Type: record.TypeImage, URL: av, Description: "avatar"})
			emit(record.Avatar{Type: record.TypeAvatar, UserID: id, URL: av})
		}
		outcome(u, record.KindUser, false, 2)
	}

	// Boards and threads.
	word := []string{"lorem", "ipsum", "dolor", "sit", "amet", "<b>bold</b>", "&amp;", "“quoted”", "ünïcode", "<br>"}
	postID := int64(0)
	const perPage = 20
	for t := 1; t <= threads; t++ {
		b := 1 + t%boards
		tu := fmt.Sprintf("%s/thread/%d/thread-%d", site, t, t)
		creator := int64(1 + t%nUsers)
		th := record.Thread{Type: record.TypeThread, ID: int64(t), BoardID: pi(int64(b)),
			Title: p(fmt.Sprintf("Thread %d", t)), URL: p(tu), Views: pi(int64(t * 7)),
			Sticky: record.Ptr(t%10 == 0), Locked: record.Ptr(t%13 == 0), Announcement: record.Ptr(false)}
		if t%11 == 0 {
			th.UserID = nil
			th.GuestName = p(guests[t%len(guests)])
		} else {
			th.UserID = pi(creator)
		}
		// The board page lists the thread; the thread page repeats it.
		emit(th)
		link(tu, record.KindThread, boardURL(b), false)
		pages := (perThread + perPage - 1) / perPage
		for pg := 1; pg <= pages; pg++ {
			pu := tu
			if pg > 1 {
				pu = fmt.Sprintf("%s?page=%d", tu, pg)
			}
			emit(th)
			if pg == 1 && t%5 == 0 {
				emit(record.Poll{Type: record.TypePoll, ID: int64(t), Name: p("Which?")})
				for o := int64(1); o <= 3; o++ {
					emit(record.PollOption{Type: record.TypePollOption, ID: int64(t)*10 + o, PollID: int64(t),
						Name: p(fmt.Sprintf("option %d", o)), Votes: pi(o)})
				}
				link(tu, record.KindThread, tu, true)
			}
			n := 0
			for i := 0; i < perPage && (pg-1)*perPage+i < perThread; i++ {
				postID++
				n++
				var msg strings.Builder
				for msg.Len() < 1000 {
					msg.WriteString(word[rng.IntN(len(word))])
					msg.WriteByte(' ')
				}
				po := record.Post{Type: record.TypePost, ID: postID, Date: pi(1_600_000_000_000 + postID*1000),
					Message: p(msg.String()), ThreadID: pi(int64(t)), URL: p(fmt.Sprintf("%s/post/%d", site, postID))}
				switch {
				case postID%50 == 0:
					po.GuestName = p(guests[int(postID/50)%len(guests)])
				case postID%97 == 0:
					po.UserID = pi(record.DeletedUserID)
				case postID%89 == 0:
					po.UserID = pi(record.StaffUserID)
					po.StaffName = p(staffNames[int(postID/89)%2])
				default:
					po.UserID = pi(1 + rng.Int64N(int64(nUsers)))
				}
				if postID%7 == 0 {
					po.EditUserID = pi(1 + postID%int64(nUsers))
					po.LastEdited = pi(1_600_000_000_000 + postID*1000 + 5000)
				} else if postID%71 == 0 {
					po.EditGuestName = p("Wanderer")
					po.LastEdited = pi(1_600_000_000_000 + postID*1000 + 5000)
				}
				emit(po)
				f.pagePosts[pu] = append(f.pagePosts[pu], postID)
				if postID%6 == 0 {
					emit(record.Like{Type: record.TypeLike, PostID: postID, UserID: 1 + postID%int64(nUsers)})
				}
				if postID%10 == 0 {
					// The same few images are embedded in many posts.
					img := fmt.Sprintf("https://i.imgur.invalid/%d.jpg", postID%13)
					if postID%130 == 0 {
						img = "https://images.proboards.com/avatars/1.png" // an avatar reused in a post
					}
					emit(record.Image{Type: record.TypeImage, URL: img, Description: "post image", PostID: pi(postID),
						Filename: p(fmt.Sprintf("%032x.jpg", postID%13)), MD5Hash: p(fmt.Sprintf("%032x", postID%13)),
						Size: pi(1000 + postID%13), Status: p("ok"), HTTPStatus: record.Ptr(200)})
				}
			}
			for q := 1; q <= pages; q++ { // every page links every page of the pagination
				qu := tu
				if q > 1 {
					qu = fmt.Sprintf("%s?page=%d", tu, q)
				}
				link(qu, record.KindThread, pu, false)
			}
			outcome(pu, record.KindThread, false, n)
		}
		if t%5 == 0 { // the rendered twin: poll voters
			for v := int64(1); v <= 3; v++ {
				emit(record.PollVoter{Type: record.TypePollVoter, PollID: int64(t), UserID: v})
			}
			outcome(tu, record.KindThread, true, 3)
		}
	}
	for b := 1; b <= boards; b++ {
		emit(record.Board{Type: record.TypeBoard, ID: int64(b), Name: p(fmt.Sprintf("Board %d", b)),
			Description: p(fmt.Sprintf("About board %d", b)), PasswordProtected: record.Ptr(false)})
		emit(record.Moderator{Type: record.TypeModerator, BoardID: int64(b), UserID: int64(1 + b%nUsers)})
		outcome(boardURL(b), record.KindBoard, false, 2)
	}
	// A password-protected board page: a failed outcome.
	emit(record.Board{Type: record.TypeBoard, ID: 999, Name: p("Secret"), PasswordProtected: record.Ptr(true)})
	fetched += 1000
	emit(record.Outcome{Type: record.TypeOutcome, URL: site + "/board/999/secret", Kind: record.KindBoard,
		Status: record.OutcomeFailed, Reason: "password protected", HTTPStatus: 200, Entities: 1, FetchedAt: fetched})
	// Pages that only exist for pb-fetch: ignored by pb-load.
	emit(record.Page{Type: record.TypePage, URL: home, Status: 200, Body: "<html></html>", FetchedAt: fetched})
	return f
}

// input joins lines into NDJSON.
func input(lines [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// shuffled returns a shuffled copy of lines.
func shuffled(lines [][]byte, seed uint64) [][]byte {
	out := append([][]byte(nil), lines...)
	rng := rand.New(rand.NewPCG(seed, 7))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
