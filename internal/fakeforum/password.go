package fakeforum

import (
	"crypto/hmac"
	"net/http"
)

// boardCookiePrefix starts the name of the cookie that unlocks a
// password-protected board: pb_board_N.
const boardCookiePrefix = "pb_board_"

// BoardCookie returns the cookie that entering the right password for
// board id sets (tests can add it instead of posting the form).
func (f *Forum) BoardCookie(id int64) *http.Cookie {
	return &http.Cookie{Name: boardCookiePrefix + itoa(id), Value: f.sign("board", itoa(id), f.cfg.BoardPassword),
		Path: "/", HttpOnly: true}
}

// unlockedBoards returns the ids of the protected boards whose cookie r carries.
func (f *Forum) unlockedBoards(r *http.Request) map[int64]bool {
	var out map[int64]bool
	for _, b := range f.w.boards {
		if !b.password {
			continue
		}
		c, err := r.Cookie(boardCookiePrefix + itoa(b.id))
		if err == nil && hmac.Equal([]byte(c.Value), []byte(f.BoardCookie(b.id).Value)) {
			if out == nil {
				out = map[int64]bool{}
			}
			out[b.id] = true
		}
	}
	return out
}

// reaches reports whether the request behind v may read board b's threads:
// b has no password, or the request carries b's unlock cookie.
func (v *view) reaches(b *board) bool { return b.reachable() || v.unlocked[b.id] }

// truthReaches reports whether the truth and Stats include b's threads.
func (f *Forum) truthReaches(b *board) bool { return b.reachable() || f.cfg.TruthUnlocked }

// serveBoardPassword answers a POST of a protected board's #password-wrapper
// form (action /board/N/slug, field "password"): the right password sets
// the board's cookie and redirects to the board (303, so the browser GETs
// it); a wrong one shows the form again with div.errors.
func (f *Forum) serveBoardPassword(w http.ResponseWriter, r *http.Request, v *view, b *board) {
	r.ParseForm()
	if r.PostForm.Get("password") == f.cfg.BoardPassword {
		http.SetCookie(w, f.BoardCookie(b.id))
		w.Header().Set("Location", b.path())
		serveBytes(w, r, http.StatusSeeOther, "text/html; charset=utf-8", []byte("<!DOCTYPE html><html><body>Unlocked</body></html>\n"))
		return
	}
	bv := &boardView{ID: b.id, Name: b.name, Slug: b.slug, Error: "The password you entered is incorrect."}
	params := map[string]any{"board_id": b.id, "page": 1}
	servePage(w, r, http.StatusOK, v.layout(b.name, "", "board", params, v.boardData(b, true), v.boardNav(b), mainTemplate{"password", bv}))
}
