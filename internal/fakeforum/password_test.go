package fakeforum

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestBoardPasswordUnlocks(t *testing.T) {
	f := newForum(t, Config{Seed: 1, Size: "small", BoardPassword: "open sesame"})
	b := f.w.special.passwordBoard
	var thread *thread
	for _, th := range f.w.threads {
		if th.board == b {
			thread = th
			break
		}
	}
	if thread == nil {
		t.Fatal("the protected board has no thread")
	}
	post := func(password string) (*http.Response, []byte) {
		t.Helper()
		rec := request(t, f, http.MethodPost, testHost, b.path(), strings.NewReader(url.Values{"password": {password}}.Encode()))
		return rec.Result(), rec.Body.Bytes()
	}

	// Locked: the board and its threads answer with the password form.
	for _, p := range []string{b.path(), thread.path()} {
		doc := page(t, f, p)
		must(t, doc, "#password-wrapper form input[name=password]", p)
		if first(doc, ".errors") != nil || first(doc, "div.container.threads") != nil {
			t.Errorf("%s: locked page shows an error or threads", p)
		}
	}

	// A wrong password: the form again, with the error, and no cookie.
	wrong, body := post("letmein")
	if wrong.StatusCode != http.StatusOK || len(wrong.Cookies()) != 0 {
		t.Fatalf("wrong password: status %d, cookies %v", wrong.StatusCode, wrong.Cookies())
	}
	doc := parseHTML(t, body)
	if e := first(doc, "div.errors"); e == nil || !strings.Contains(textOf(e), "incorrect") {
		t.Error("a wrong password shows no div.errors")
	}
	must(t, doc, "#password-wrapper form", "after a wrong password")

	// The right one: 303 to the board with the cookie BoardCookie returns.
	right, _ := post("open sesame")
	if right.StatusCode != http.StatusSeeOther || right.Header.Get("Location") != b.path() {
		t.Fatalf("right password: status %d to %q", right.StatusCode, right.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range right.Cookies() {
		if c.Name == f.BoardCookie(b.id).Name {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != f.BoardCookie(b.id).Value {
		t.Fatalf("right password set %v, want %v", right.Cookies(), f.BoardCookie(b.id))
	}
	unlocked := page(t, f, b.path(), cookie)
	must(t, unlocked, "div.container.stats", "unlocked board")
	if n := len(all(unlocked, "a.thread-link")); n != len(b.threads[0]) {
		t.Errorf("unlocked board lists %d threads, want %d", n, len(b.threads[0]))
	}
	must(t, page(t, f, thread.path(), cookie), "div.message", "unlocked thread")
	// A forged cookie or another forum's does not unlock.
	forged := &http.Cookie{Name: cookie.Name, Value: strings.Repeat("0", len(cookie.Value))}
	must(t, page(t, f, b.path(), forged), "#password-wrapper", "forged cookie")
	if rec := get(t, f, "/fake-api/voters?thread="+itoa(thread.id)); rec.Code == http.StatusOK && thread.poll != nil {
		t.Error("the modal API answers for a locked board")
	}

	// Every page an unlocked crawl fetches exists.
	locked, open := f.w.pagePaths(0), f.w.pagePathsUnlocked(0, true)
	if len(open) <= len(locked) {
		t.Errorf("unlocking adds no pages (%d vs %d)", len(open), len(locked))
	}
	for _, p := range open {
		if rec := get(t, f, p, cookie, f.SessionCookie()); rec.Code != http.StatusOK {
			t.Errorf("unlocked %s: %d", p, rec.Code)
		}
	}
}

func TestTruthUnlocked(t *testing.T) {
	locked := newForum(t, Config{Seed: 1, Size: "small"})
	open := newForum(t, Config{Seed: 1, Size: "small", TruthUnlocked: true})
	b := locked.w.special.passwordBoard
	lt, ot := readTruth(t, locked, testBase), readTruth(t, open, testBase)
	inBoard := func(tr *truth) (threads int, protected any) {
		for _, th := range tr.byType["thread"] {
			if num(th, "board_id") == b.id {
				threads++
			}
		}
		for _, r := range tr.byType["board"] {
			if num(r, "id") == b.id {
				protected = r["password_protected"]
			}
		}
		return
	}
	if n, p := inBoard(lt); n != 0 || p != true {
		t.Errorf("locked truth: %d threads of the protected board, password_protected %v", n, p)
	}
	if n, p := inBoard(ot); n != len(b.threads[0]) || p != false {
		t.Errorf("unlocked truth: %d threads of the protected board (want %d), password_protected %v",
			n, len(b.threads[0]), p)
	}
	ls, os := locked.Stats(), open.Stats()
	if os.Threads != ls.Threads+len(b.threads[0]) || os.Posts <= ls.Posts || os.Pages <= ls.Pages {
		t.Errorf("stats locked %+v, unlocked %+v", ls, os)
	}
	if len(ot.byType["post"]) != os.Posts || len(lt.byType["post"]) != ls.Posts {
		t.Errorf("Stats.Posts disagrees with the truth")
	}
}
