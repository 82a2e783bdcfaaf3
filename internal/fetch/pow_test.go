package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// powServer answers with ProBoards' proof-of-work page until the request
// carries a valid pow_bypass cookie (proboards-markup.md §13).
func powServer(t *testing.T) (*httptest.Server, *int) {
	challenges := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("pow_bypass"); err == nil {
			p := strings.Split(c.Value, "|")
			sum := sha256.Sum256([]byte(p[0] + p[1] + p[2]))
			if len(p) == 5 && p[0] == "n0nce" && p[1] == "1767225600" && hex.EncodeToString(sum[:]) == p[3] &&
				strings.HasPrefix(p[3], "bb") && p[4] == "mac" {
				w.Write([]byte("the forum"))
				return
			}
			t.Errorf("bad pow_bypass cookie %q", c.Value)
		}
		challenges++
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `<html><script>window.POW_CHALLENGE_DATA={challenge_nonce:'n0nce', challenge_hmac:'mac', difficulty:'2', difficulty_char:'b', issued_at:'1767225600', cookie_duration:'3600', referrer:'(null)' };</script></html>`)
	}))
	t.Cleanup(srv.Close)
	return srv, &challenges
}

func TestPoWIsSolved(t *testing.T) {
	srv, challenges := powServer(t)
	jar, _ := cookiejar.New(nil)
	f := PoW(NewHTTP(HTTPConfig{Jar: jar, Timeout: 5 * time.Second}), jar)
	for i := range 2 {
		resp, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/board/1"})
		if err != nil || resp.Status != 200 || string(resp.Body) != "the forum" {
			t.Fatalf("fetch %d: %d %q %v", i, resp.Status, resp.Body, err)
		}
	}
	if *challenges != 1 {
		t.Errorf("%d challenges, want 1 (the cookie is kept)", *challenges)
	}
}

func TestPoWUnreadableChallenge(t *testing.T) {
	if _, err := solvePoW(t.Context(), []byte(`POW_CHALLENGE_DATA={difficulty:'x'}`)); err == nil {
		t.Error("a challenge without fields was solved")
	}
}
