package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// powMaxTries bounds the work spent on one challenge (16⁶ is far beyond
// the difficulty ProBoards asks for; the bound keeps a hostile page from
// pinning a core).
const powMaxTries = 1 << 24

var (
	powData  = regexp.MustCompile(`POW_CHALLENGE_DATA\s*=\s*\{([^}]*)\}`)
	powField = regexp.MustCompile(`(\w+)\s*:\s*['"]([^'"]*)['"]`)
)

// PoW passes ProBoards' proof-of-work interstitial (an HTTP 202 page whose
// script sets window.POW_CHALLENGE_DATA, see proboards-markup.md §13): it
// finds k such that hex(sha256(nonce+issued_at+k)) starts with
// difficulty_char repeated difficulty times, stores the cookie
// pow_bypass=nonce|issued_at|k|digest|hmac for the host in jar, and asks
// again (at most twice more). An expired solution is answered with a fresh
// challenge, which is solved the same way.
//
// Workers challenged at the same time solve one challenge per host: the
// others find the new cookie in the jar and only ask again. Every
// challenge solved is counted in stats.
func PoW(next Fetcher, jar http.CookieJar, stats *Stats) Fetcher {
	if jar == nil {
		return next
	}
	var mu sync.Mutex
	solving := map[string]*sync.Mutex{} // host -> held while one worker solves
	hostLock := func(host string) *sync.Mutex {
		mu.Lock()
		defer mu.Unlock()
		if solving[host] == nil {
			solving[host] = &sync.Mutex{}
		}
		return solving[host]
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		u, err := url.Parse(req.URL)
		if err != nil {
			return next.Fetch(ctx, req)
		}
		site := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}
		attempts := 0
		for try := 0; ; try++ {
			sent := powCookie(jar, site)
			resp, err := next.Fetch(ctx, req)
			if resp != nil {
				attempts += max(resp.Attempts, 1)
				resp.Attempts = attempts
			}
			if err != nil || resp.Status != http.StatusAccepted || !bytes.Contains(resp.Body, []byte("POW_CHALLENGE_DATA")) {
				return resp, err
			}
			if try == 2 {
				return resp, permanent{fmt.Errorf("%w: not accepted after 3 tries", ErrPoW)}
			}
			lock := hostLock(u.Host)
			lock.Lock()
			if powCookie(jar, site) != sent {
				lock.Unlock() // another worker solved one meanwhile
				continue
			}
			cookie, err := solvePoW(ctx, resp.Body)
			if err != nil {
				lock.Unlock()
				return resp, permanent{fmt.Errorf("%w: %w", ErrPoW, err)}
			}
			jar.SetCookies(site, []*http.Cookie{{Name: "pow_bypass", Value: cookie, Path: "/"}})
			lock.Unlock()
			stats.powSolved()
		}
	})
}

// ErrPoW is returned when the proof-of-work interstitial cannot be passed.
var ErrPoW = errors.New("proof-of-work challenge")

// powCookie is the pow_bypass cookie the jar sends to site ("" when none).
func powCookie(jar http.CookieJar, site *url.URL) string {
	for _, c := range jar.Cookies(site) {
		if c.Name == "pow_bypass" {
			return c.Value
		}
	}
	return ""
}

// solvePoW reads a challenge page and returns the pow_bypass cookie value.
func solvePoW(ctx context.Context, page []byte) (string, error) {
	m := powData.FindSubmatch(page)
	if m == nil {
		return "", errors.New("proof-of-work page without a readable POW_CHALLENGE_DATA")
	}
	f := map[string]string{}
	for _, kv := range powField.FindAllSubmatch(m[1], -1) {
		f[string(kv[1])] = string(kv[2])
	}
	nonce, issued, hmac := f["challenge_nonce"], f["issued_at"], f["challenge_hmac"]
	diff, err := strconv.Atoi(f["difficulty"])
	if nonce == "" || issued == "" || err != nil || diff < 0 || diff > 16 || len(f["difficulty_char"]) != 1 {
		return "", fmt.Errorf("proof-of-work challenge with missing or odd fields: %q", m[1])
	}
	prefix := strings.Repeat(f["difficulty_char"], diff)
	for k := 1; k <= powMaxTries; k++ {
		if k%(1<<16) == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		ks := strconv.Itoa(k)
		sum := sha256.Sum256([]byte(nonce + issued + ks))
		digest := hex.EncodeToString(sum[:])
		if strings.HasPrefix(digest, prefix) {
			return strings.Join([]string{nonce, issued, ks, digest, hmac}, "|"), nil
		}
	}
	return "", fmt.Errorf("proof-of-work not solved in %d tries (difficulty %d)", powMaxTries, diff)
}
