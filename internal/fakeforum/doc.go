// Package fakeforum is pb's test world: a generated ProBoards forum served
// over HTTP, with its ground truth and the faults real forums show.
//
// # Use
//
//	f, err := fakeforum.New(fakeforum.Config{Seed: 1, Size: "small"})
//	srv := httptest.NewServer(f)             // Forum is an http.Handler
//	f.WriteTruth(w, srv.URL)                 // what a perfect scraper would emit
//	f.Stats()                                // counts, for banners and tests
//	f.SetGeneration(1)                       // the same forum a few days later
//	req.AddCookie(f.SessionCookie())         // a logged-in request
//
// examples/fakeforum serves it from the command line (see Run and Options).
//
// # Determinism
//
// Everything is derived from Config.Seed: the structure (members, boards,
// threads, polls) is built by New in a few milliseconds (large: under a
// second), and each post, image and page is generated on demand from PCG
// streams seeded by (seed, kind of entity, id), so any page can be served
// alone, in any order. No content depends on the clock: dates are before a
// fixed "now", 2026-03-01 00:00 UTC. Two forums with the same seed serve the
// same bytes for the same request. Absolute URLs in pages (post images,
// avatars on the image host) use the request's Host, so the truth is written
// for one base URL; serve and record with the same one.
//
// # Sizes
//
//	small   40 members, 3 categories, 12 boards (+ the redirect board), 60 threads (~380 posts), ~120 HTML pages
//	medium  2,000 members, 50 boards, 5,000 threads, ~100,000 posts, ~8,700 pages
//	large   20,000 members, 500 boards, 50,000 threads, ~1,000,000 posts, ~87,000 pages
//
// Every size contains every variant. By role (ids depend on the seed, except
// the boards, which are numbered in this order):
//
//	board 1 "Announcements"       moderators; announcement threads
//	board 2 "General Discussion"  moderators; 30+ threads (paginated); the long
//	                              threads (small: 95 and 64 posts), the feature
//	                              thread, a poll with voters, a guest's thread,
//	                              a sticky and a locked thread
//	boards 3 > 4 > 5              sub-boards three levels below board 2 (4 has moderators)
//	board 6 "Staff Lounge"        password protected; its 2 threads are not in the truth
//	                              (unless Config.TruthUnlocked, see Board password)
//	board 7 "The Attic"           no div.container.stats; holds the thread whose
//	                              guest creator's first post is gone
//	board 8 "Miscellany"          no description; board 1's announcements listed on top
//	the last board                "Partner Forum", a redirect board (last in the
//	                              last category): its home row's td.main.redirect
//	                              spans the count columns and links off-site
//	                              (https://partner.example.org/forum); it has no
//	                              page (/board/N/slug answers 302 there), no
//	                              threads, and its truth has no url
//
// The feature thread's posts 2 to 14 (in order) are by a guest, by a deleted
// member, by ProBoards staff, edited by another member, a guest's post edited
// by that guest, with 2 inline likes, with 8 likes behind a.view-likes, with
// a PNG and a JPEG on the image host, a GIF (relative to the forum with
// OddForms) and a BMP, an SVG and a WebP, a dead image (404), an HTML page
// served as image/png, and a nested quote with a list, a link and
// CJK/emoji text. Elsewhere
// posts get these properties at random. Member 1 "Archivist" is the login
// account and always online; member 2 fills in every profile field and has
// badges and every custom profile field; member 3 fills in none and its
// avatar is a PNG named .jpg; member 4 is online. Avatars cycle through the
// shared default avatar, PNG, GIF, JPEG, WebP and PNG on the image host
// (member id mod 6). Posts whose id is 3 mod 7 show the customised
// mini-profile; the first page of "Miscellany" lists the
// announcements of board 1 on top.
//
// The markup is described in markup.go.
//
// # Odd forms
//
// By default every page uses the forms real ProBoards sends (markup.go,
// proboards-markup.md §1, §5, §15): page links are root-relative paths with
// the query, image URLs absolute or protocol-relative, each thread page has
// one a.thread-link.thread-N, and views is a string. Config.OddForms (the
// --odd-forms flag of examples/fakeforum) adds, rarely and only here, forms
// parsers must still read:
//
//   - query-only page links "?page=N": on the members list, on the pages of
//     "General Discussion" and on the odd threads;
//   - the odd threads (the first long thread and every thread whose id is a
//     multiple of 9, the feature thread excepted) give views as a JSON
//     number and have no a.thread-link.thread-N;
//   - image URLs relative to the forum: the WebP avatars (/avatars/N.webp),
//     the ":D" smiley (/images/smileys/grin.png), the feature thread's GIF
//     (/images/posts/ID-1.gif) and the theme background in the stylesheet
//     (url(/images/theme/background.png)).
//
// The truth follows: a relative image's URL is on the forum host.
//
// # Routes
//
//	/  /board/N[/slug][?page=K]  /thread/N[/slug][?page=K]  /members[?page=K]  /user/N
//	/post/N                302 to the thread page holding the post
//	/robots.txt  /css/theme.css  /favicon.ico  /avatars/N.EXT  /v5/defaultavatar.png
//	/v5/smiley/NAME.EXT  /images/smileys/NAME.EXT  /images/theme/*  /v5/banners/banner.jpg
//	/images/posts/POST-K.EXT  (post images; the dead one answers 404)
//	/fake-api/moderators?board=N  /fake-api/voters?thread=N  /fake-api/likes?post=N  (modal fragments)
//	/login  POST /forum_submit/login  POST /login/complete  /logout
//	POST /board/N/slug     the password form of a protected board
//
// Every path is served on both hosts (127.0.0.1:P and localhost:P): the
// "image host" is simply the other name of the same server. Anything else
// is a 404 page.
//
// # Faults
//
// Config.Faults gives each fault a rate; a seeded stream decides request by
// request (so the rates hold whatever the URLs are).
//
//	429, 503  status with Retry-After: 1 and a small HTML body
//	slow      the normal answer after Config.SlowDelay
//	reset     the connection is closed without a response (TCP RST)
//	truncate  the normal answer's headers with its full Content-Length, half the body, then close
//	pow       HTML pages without a valid pow_bypass cookie get the 202 proof-of-work
//	          interstitial (Retry-After: 0); solve it like SolvePoW; a solution older
//	          than an hour is refused with a fresh challenge
//	login     /members and /user/N without the session cookie answer 302 to /login
//
// The first five exclude each other (their rates add up to at most 1); pow
// and login are drawn separately, so with "pow=1" every HTML request
// without a solved challenge is challenged. No fault ever hits /robots.txt
// or the /fake-api/ endpoints (page scripts do not retry). Go's
// http.Transport silently retries an idempotent request whose reused
// connection was reset; tests that count resets should disable keep-alives.
// Config.AccessLog gets one AccessEntry per request, written when the
// response is finished, including the fault that hit it.
//
// # Login
//
// GET /login shows the form; POST /forum_submit/login with the fields
// ga_client_id, forum, email, remember, password and continue answers a
// wrong password with the form and a div.errors, and the right one
// (Config.Account) with a page whose form#redirect_form posts a token to
// http://FORUM/login/complete, which sets the session cookie
// (SessionCookieName) and redirects to /. Tests can skip the flow with
// SessionCookie. Logged in, pages greet the member and the member's own
// profile starts with the status box (td.status-input).
//
// # Board password
//
// The protected board answers its pages, and its threads' pages, with its
// #password-wrapper form (method post, action /board/N/slug, field
// "password"). Posting Config.BoardPassword (default "letmein") sets the
// cookie pb_board_N (BoardCookie) and answers 303 to the board; with it the
// board and its threads are served like any other. A wrong password gets
// the form again, with div.errors above it. The home page's row of the
// board is the same either way. Config.TruthUnlocked makes WriteTruth and
// Stats describe the forum as an archiver with the password sees it: the
// board's threads, posts, likes and images are included, and its board
// record says password_protected false (its unlocked page shows content).
// Without it, nothing differs from a forum whose board cannot be unlocked.
//
// # Generation 1
//
// SetGeneration(1) (or Config.Generation) serves the forum "a few days
// later". Exactly these things change:
//
//   - three threads get new posts at the end (dated after 2026-03-01): the
//     first long thread (enough to start a new page) and two ordinary threads;
//   - a new thread with 4 posts appears in "General Discussion";
//   - the first post of one ordinary thread is edited (message and edit line);
//   - the last post of another ordinary thread is deleted.
//
// The pages that differ are: the home page; every page of those six threads;
// every page of the boards that gained a thread or whose threads gained or
// lost posts, and of their ancestor boards. Every other page, the members
// list, the profiles and every image are byte-identical. The generation-1
// truth differs from generation 0's only by the new thread, the new posts
// and their likes, the edited post, and the deleted post and its likes.
package fakeforum
