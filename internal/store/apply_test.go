package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/record"
)

// row is a table row as column → rendered value; tests list only the
// non-NULL columns they expect.
type row map[string]string

// tableRows reads every row of table, rendered as Dump renders values,
// without the volatile columns.
func tableRows(t *testing.T, db *sql.DB, table string) []row {
	t.Helper()
	cols, err := columns(db, table)
	if err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quote(c)
	}
	rs, err := db.Query(fmt.Sprintf("SELECT %s FROM %s", strings.Join(quoted, ", "), quote(table)))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := row{}
		for i, v := range vals {
			if v != nil {
				r[cols[i]] = render(v)
			}
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	sortRows(out)
	return out
}

func sortRows(rs []row) {
	key := func(r row) string {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k + "=" + r[k] + ";")
		}
		return b.String()
	}
	sort.Slice(rs, func(i, j int) bool { return key(rs[i]) < key(rs[j]) })
}

func q(s string) string { return fmt.Sprintf("%q", s) }

func id(n int64) string { return fmt.Sprint(n) }

// TestEveryRecordTypeLoads loads one record of each type into a fresh
// database and checks every row it writes, column by column.
func TestEveryRecordTypeLoads(t *testing.T) {
	const site = "https://x.proboards.com"
	guest := record.GuestID("Wanderer")
	avatarID := record.ImageID("https://i.invalid/a.png")
	imageID := record.ImageID("https://i.invalid/p.jpg")
	cases := []struct {
		name string
		in   string
		want map[string][]row // table → all its rows
	}{
		{"category", `{"type":"category","id":3,"name":"General"}`,
			map[string][]row{"category": {{"id": "3", "name": q("General")}}}},
		{"board", `{"type":"board","id":7,"category_id":3,"description":"Talk","name":"Chat","parent_id":2,"password_protected":false,"url":"` + site + `/board/7/chat"}`,
			map[string][]row{"board": {{"id": "7", "category_id": "3", "description": q("Talk"), "name": q("Chat"),
				"parent_id": "2", "password_protected": "0", "url": q(site + "/board/7/chat")}}}},
		{"protected board", `{"type":"board","id":8,"name":"Secret","password_protected":true}`,
			map[string][]row{"board": {{"id": "8", "name": q("Secret"), "password_protected": "1"}}}},
		{"moderator", `{"type":"moderator","board_id":7,"user_id":12}`,
			map[string][]row{"moderator": {{"board_id": "7", "user_id": "12"}}, "user": nil}},
		{"thread by a guest", `{"type":"thread","id":40,"announcement":false,"board_id":7,"locked":true,"sticky":false,"title":"Hi","url":"` + site + `/thread/40/hi","guest_name":"Wanderer","views":1234}`,
			map[string][]row{
				"thread": {{"id": "40", "announcement": "0", "board_id": "7", "locked": "1", "sticky": "0",
					"title": q("Hi"), "url": q(site + "/thread/40/hi"), "user_id": id(guest), "views": "1234"}},
				"user": {{"id": id(guest), "name": q("Wanderer"), "group": q("Guest")}}}},
		{"post", `{"type":"post","id":500,"date":1700000000000,"edit_user_id":12,"last_edited":1700000005000,"message":"<b>hi</b> &amp; bye","thread_id":40,"url":"` + site + `/post/500","user_id":12}`,
			map[string][]row{"post": {{"id": "500", "date": "1700000000000", "edit_user_id": "12",
				"last_edited": "1700000005000", "message": q("<b>hi</b> &amp; bye"), "thread_id": "40",
				"url": q(site + "/post/500"), "user_id": "12"}}, "user": nil}},
		{"post by staff, edited by a guest", `{"type":"post","id":501,"user_id":-3,"staff_name":"Sam","edit_guest_name":"Wanderer","last_edited":5}`,
			map[string][]row{
				"post": {{"id": "501", "user_id": "-3", "edit_user_id": id(guest), "last_edited": "5"}},
				"user": {{"id": "-3", "name": q("Sam"), "group": q("Staff")}, {"id": id(guest), "name": q("Wanderer"), "group": q("Guest")}}}},
		{"post by a deleted user", `{"type":"post","id":502,"user_id":-1}`,
			map[string][]row{
				"post": {{"id": "502", "user_id": "-1"}},
				"user": {{"id": "-1", "name": q("Deleted User"), "group": q("Deleted")}}}},
		{"like", `{"type":"like","post_id":500,"user_id":12}`,
			map[string][]row{"post_like": {{"post_id": "500", "user_id": "12"}}}},
		{"poll", `{"type":"poll","id":40,"name":"Which?"}`,
			map[string][]row{"poll": {{"id": "40", "name": q("Which?")}}}},
		{"poll option", `{"type":"poll_option","id":401,"poll_id":40,"name":"Yes","votes":0}`,
			map[string][]row{"poll_option": {{"id": "401", "poll_id": "40", "name": q("Yes"), "votes": "0"}}}},
		{"poll voter", `{"type":"poll_voter","poll_id":40,"user_id":12}`,
			map[string][]row{"poll_voter": {{"poll_id": "40", "user_id": "12"}}}},
		{"user", `{"type":"user","id":12,"age":33,"birthdate":"1990-01-02","date_registered":1500000000000,"email":"a@b.invalid","instant_messengers":"AIM:x;ICQ:1","gender":"Female","group":"Admin","last_online":1700000000000,"latest_status":"busy","location":"Here","name":"Alice","post_count":42,"signature":"<i>s</i>","url":"` + site + `/user/12","username":"alice","website":"Home","website_url":"https://a.invalid/"}`,
			map[string][]row{"user": {{"id": "12", "age": "33", "birthdate": q("1990-01-02"), "date_registered": "1500000000000",
				"email": q("a@b.invalid"), "instant_messengers": q("AIM:x;ICQ:1"), "gender": q("Female"), "group": q("Admin"),
				"last_online": "1700000000000", "latest_status": q("busy"), "location": q("Here"), "name": q("Alice"),
				"post_count": "42", "signature": q("<i>s</i>"), "url": q(site + "/user/12"), "username": q("alice"),
				"website": q("Home"), "website_url": q("https://a.invalid/")}}}},
		{"shoutbox post by a guest", `{"type":"shoutbox_post","id":9,"date":1700000000000,"message":"yo","guest_name":"Wanderer"}`,
			map[string][]row{
				"shoutbox_post": {{"id": "9", "date": "1700000000000", "message": q("yo"), "user_id": id(guest)}},
				"user":          {{"id": id(guest), "name": q("Wanderer"), "group": q("Guest")}}}},
		{"image", `{"type":"image","url":"https://i.invalid/p.jpg","description":"post image","filename":"0123456789abcdef0123456789abcdef.jpg","md5_hash":"0123456789abcdef0123456789abcdef","size":2048,"status":"ok","http_status":200,"post_id":500}`,
			map[string][]row{
				"image": {{"id": id(imageID), "description": q("post image"), "filename": q("0123456789abcdef0123456789abcdef.jpg"),
					"md5_hash": q("0123456789abcdef0123456789abcdef"), "size": "2048", "url": q("https://i.invalid/p.jpg")}},
				"image_status": {{"image_id": id(imageID), "status": q("ok"), "http_status": "200", "post_id": "500"}}}},
		{"image not downloaded yet", `{"type":"image","url":"https://i.invalid/p.jpg","description":"post image"}`,
			map[string][]row{
				"image":        {{"id": id(imageID), "description": q("post image"), "url": q("https://i.invalid/p.jpg")}},
				"image_status": nil}},
		{"avatar", `{"type":"avatar","user_id":12,"url":"https://i.invalid/a.png"}`,
			map[string][]row{
				"avatar": {{"image_id": id(avatarID), "user_id": "12"}},
				"image":  {{"id": id(avatarID), "url": q("https://i.invalid/a.png")}}}},
		{"url", `{"type":"url","url":"` + site + `/","kind":"home"}`,
			map[string][]row{"crawl": {{"url": q(site + "/"), "render": "0", "kind": q("home"), "state": q("pending"), "attempts": "0"}}}},
		{"link", `{"type":"link","url":"` + site + `/thread/40/hi","kind":"thread","render":true,"from":"` + site + `/board/7/chat"}`,
			map[string][]row{"crawl": {{"url": q(site + "/thread/40/hi"), "render": "1", "kind": q("thread"), "state": q("pending"),
				"attempts": "0", "parent": q(site + "/board/7/chat")}}}},
		{"outcome done", `{"type":"outcome","url":"` + site + `/user/12","kind":"user","status":"done","http_status":200,"entities":2,"fetched_at":1700000000000}`,
			map[string][]row{"crawl": {{"url": q(site + "/user/12"), "render": "0", "kind": q("user"), "state": q("done"),
				"attempts": "0", "http_status": "200", "fetched_at": "1700000000000"}}}},
		{"outcome failed", `{"type":"outcome","url":"` + site + `/board/8/secret","kind":"board","status":"failed","reason":"password protected","http_status":200,"entities":1,"fetched_at":1700000000000}`,
			map[string][]row{"crawl": {{"url": q(site + "/board/8/secret"), "render": "0", "kind": q("board"), "state": q("failed"),
				"attempts": "1", "last_error": q("password protected"), "http_status": "200", "fetched_at": "1700000000000"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t, "a.db")
			mustLoad(t, s.Path(), lines(tc.in))
			for table, want := range tc.want {
				got := tableRows(t, s.DB, table)
				sortRows(want)
				if len(got) == 0 && len(want) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("table %s:\n got %v\nwant %v", table, got, want)
				}
			}
		})
	}
}

// TestRecordsCompleteEachOther loads a partial and a full record of the
// same entity in both orders: the row is the same, nothing is erased.
func TestRecordsCompleteEachOther(t *testing.T) {
	cases := []struct {
		name          string
		partial, full string
		table         string // the tables the entity's fields are in
	}{
		{"user from the members list, then the profile",
			`{"type":"user","id":12,"name":"Alice","group":"Admin","post_count":42,"date_registered":1500000000000,"last_online":1700000000000,"url":"https://x/user/12"}`,
			`{"type":"user","id":12,"age":33,"email":"a@b.invalid","gender":"Female","group":"Admin","location":"Here","name":"Alice","post_count":42,"date_registered":1500000000000,"signature":"<i>s</i>","url":"https://x/user/12","username":"alice"}`,
			"user"},
		{"board row on the home page, then the board page",
			`{"type":"board","id":7,"category_id":3,"name":"Chat","url":"https://x/board/7/chat"}`,
			`{"type":"board","id":7,"description":"Talk","name":"Chat","password_protected":false}`,
			"board"},
		{"post without, then with its message",
			`{"type":"post","id":5,"user_id":12,"thread_id":4}`,
			`{"type":"post","id":5,"message":"hello","date":99,"url":"https://x/post/5"}`,
			"post"},
		{"image found, then downloaded",
			`{"type":"image","url":"https://i/p.jpg","description":"post image","post_id":9}`,
			`{"type":"image","url":"https://i/p.jpg","filename":"0123456789abcdef0123456789abcdef.jpg","md5_hash":"0123456789abcdef0123456789abcdef","size":3,"status":"ok","http_status":200}`,
			"image image_status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
			mustLoad(t, a, lines(tc.partial, tc.full))
			mustLoad(t, b, lines(tc.full, tc.partial))
			da, db := dumpFile(t, a), dumpFile(t, b)
			sameDump(t, "partial+full vs full+partial", da, db)
			var r string // the entity's rows, joined
			for _, table := range strings.Fields(tc.table) {
				if len(da[table]) != 1 {
					t.Fatalf("%s has %d rows, want 1: %v", table, len(da[table]), da[table])
				}
				r += da[table][0] + " | "
			}
			// Every field either record gave is in the row.
			for _, rec := range []string{tc.partial, tc.full} {
				for _, v := range fieldValues(t, rec) {
					if !strings.Contains(r, v) {
						t.Errorf("row %s lacks %s from %s", r, v, rec)
					}
				}
			}
		})
	}
}

// fieldValues renders the scalar values of a JSON record as Dump would.
func fieldValues(t *testing.T, rec string) []string {
	t.Helper()
	var out []string
	l := record.Line{N: 1, Type: "x", Raw: []byte(rec)}
	var m map[string]any
	if err := decodeInto(l, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if k != "type" {
				out = append(out, q(v))
			}
		case float64:
			out = append(out, fmt.Sprintf("%s=%d", k, int64(v)))
		}
	}
	return out
}

// TestLaterValuesWin: a field both records set takes the later value (a
// refresh sees new counts), while absent fields keep what is stored.
func TestLaterValuesWin(t *testing.T) {
	s := openTemp(t, "a.db")
	mustLoad(t, s.Path(), lines(
		`{"type":"thread","id":4,"title":"Old","views":10,"locked":false}`,
		`{"type":"thread","id":4,"views":25,"locked":true}`,
	))
	got := tableRows(t, s.DB, "thread")
	want := []row{{"id": "4", "title": q("Old"), "views": "25", "locked": "1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("thread = %v, want %v", got, want)
	}
}

// TestImageMergesDoNotDependOnOrder covers the fields two records of one
// crawl legitimately set differently.
func TestImageMergesDoNotDependOnOrder(t *testing.T) {
	const u = "https://i/x.png"
	recs := []string{
		`{"type":"image","url":"` + u + `","description":"post image","post_id":30,"status":"ok","http_status":200,"filename":"0123456789abcdef0123456789abcdef.png"}`,
		`{"type":"image","url":"` + u + `","description":"avatar"}`,
		`{"type":"image","url":"` + u + `","description":"post image","post_id":12,"status":"http 503","http_status":503}`,
		`{"type":"image","url":"` + u + `","description":"smiley :)"}`,
	}
	want := dumpOf(t, recs...)
	id := id(record.ImageID(u))
	wantImage := `id=` + id + ` | description="avatar" | filename="0123456789abcdef0123456789abcdef.png" | md5_hash=NULL | size=NULL | url="` + u + `"`
	wantStatus := `image_id=` + id + ` | status="ok" | http_status=200 | post_id=12`
	if got := want["image"]; len(got) != 1 || got[0] != wantImage {
		t.Errorf("image = %q\nwant %q", got, wantImage)
	}
	if got := want["image_status"]; len(got) != 1 || got[0] != wantStatus {
		t.Errorf("image_status = %q\nwant %q", got, wantStatus)
	}
	perm := [][]int{{3, 2, 1, 0}, {2, 0, 3, 1}, {1, 3, 0, 2}}
	for _, p := range perm {
		var in []string
		for _, i := range p {
			in = append(in, recs[i])
		}
		sameDump(t, fmt.Sprint("order ", p), want, dumpOf(t, in...))
	}
}

func dumpOf(t *testing.T, recs ...string) map[string][]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.db")
	mustLoad(t, path, lines(recs...))
	return dumpFile(t, path)
}

// TestAuthors: guests get the same id in every database; deleted users and
// staff get their rows; a post never loses its author.
func TestAuthors(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	mustLoad(t, a, lines(`{"type":"post","id":1,"guest_name":"Zoë"}`, `{"type":"shoutbox_post","id":1,"guest_name":"Bob"}`))
	mustLoad(t, b, lines(`{"type":"shoutbox_post","id":7,"guest_name":"Zoë"}`))
	var idA, idB int64
	sa, _ := Open(a)
	defer sa.Close()
	sb, _ := Open(b)
	defer sb.Close()
	if err := sa.DB.QueryRow(`SELECT user_id FROM post WHERE id = 1`).Scan(&idA); err != nil {
		t.Fatal(err)
	}
	if err := sb.DB.QueryRow(`SELECT user_id FROM shoutbox_post WHERE id = 7`).Scan(&idB); err != nil {
		t.Fatal(err)
	}
	if idA != idB || idA != record.GuestID("Zoë") || idA > -16 {
		t.Errorf("guest Zoë: id %d in one database, %d in the other, want %d", idA, idB, record.GuestID("Zoë"))
	}
	var n int
	sa.DB.QueryRow(`SELECT count(*) FROM user WHERE "group" = 'Guest'`).Scan(&n)
	if n != 2 {
		t.Errorf("%d guest rows, want 2 (Zoë, Bob)", n)
	}

	t.Run("a post keeps its author", func(t *testing.T) {
		s := openTemp(t, "k.db")
		mustLoad(t, s.Path(), lines(
			`{"type":"post","id":1,"guest_name":"Zoë","message":"a"}`,
			`{"type":"post","id":1,"message":"a","thread_id":3}`,
			`{"type":"post","id":2,"user_id":-1}`,
			`{"type":"post","id":2,"thread_id":3}`,
		))
		got := tableRows(t, s.DB, "post")
		want := []row{
			{"id": "1", "user_id": id(record.GuestID("Zoë")), "message": q("a"), "thread_id": "3"},
			{"id": "2", "user_id": "-1", "thread_id": "3"},
		}
		sortRows(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("posts = %v\nwant %v", got, want)
		}
	})

	t.Run("staff name does not depend on order", func(t *testing.T) {
		recs := []string{
			`{"type":"post","id":1,"user_id":-3,"staff_name":"Sam"}`,
			`{"type":"post","id":2,"user_id":-3}`,
			`{"type":"moderator","board_id":1,"user_id":-3}`,
			`{"type":"post","id":3,"user_id":-3,"staff_name":"Kim"}`,
		}
		want := dumpOf(t, recs...)
		if got := tableRows(t, openLoaded(t, recs...), "user"); !reflect.DeepEqual(got, []row{{"id": "-3", "name": q("Kim"), "group": q("Staff")}}) {
			t.Errorf("staff row = %v", got)
		}
		for _, p := range [][]int{{3, 2, 1, 0}, {1, 0, 3, 2}, {2, 3, 0, 1}} {
			var in []string
			for _, i := range p {
				in = append(in, recs[i])
			}
			sameDump(t, fmt.Sprint("order ", p), want, dumpOf(t, in...))
		}
		only := tableRows(t, openLoaded(t, `{"type":"post","id":2,"user_id":-3}`), "user")
		if !reflect.DeepEqual(only, []row{{"id": "-3", "name": q("ProBoards Staff"), "group": q("Staff")}}) {
			t.Errorf("unnamed staff row = %v", only)
		}
	})
}

// openLoaded loads records into a new database and returns it open.
func openLoaded(t *testing.T, recs ...string) *sql.DB {
	t.Helper()
	s := openTemp(t, "o.db")
	mustLoad(t, s.Path(), lines(recs...))
	return s.DB
}
