package fetch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/cascadia"

	"github.com/pb-archive/pb/internal/htmlx"
)

// BoardPasswords maps board ids to their passwords.
type BoardPasswords map[int64]string

// ParseBoardPasswords reads --board-password flags (ID=PASSWORD) and the
// lines of a --board-passwords file (ID=PASSWORD, blank lines and lines
// starting with # skipped). Everything after the first "=" is the password,
// as is; a board named twice keeps the last (flags first, then the file).
// Error messages never repeat a password.
func ParseBoardPasswords(flags []string, file string) (BoardPasswords, error) {
	out := BoardPasswords{}
	add := func(where, line string) error {
		id, pass, ok := strings.Cut(line, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
		if !ok || err != nil || n <= 0 {
			return fmt.Errorf("%s: want ID=PASSWORD with a board id, like 6=secret", where)
		}
		if pass == "" {
			return fmt.Errorf("%s: board %d has an empty password", where, n)
		}
		out[n] = pass
		return nil
	}
	for i, f := range flags {
		if err := add(fmt.Sprintf("--board-password #%d", i+1), f); err != nil {
			return nil, err
		}
	}
	if file == "" {
		return out, nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := add(fmt.Sprintf("%s: line %d", file, n), line); err != nil {
			return nil, err
		}
	}
	return out, sc.Err()
}

// BoardPasswordError is a board that refused the password given for it, or
// still asked for it after accepting it.
type BoardPasswordError struct {
	Board int64
	// Msg is what happened, with the forum's message when it gave one.
	Msg string
}

func (e *BoardPasswordError) Error() string { return fmt.Sprintf("board %d %s", e.Board, e.Msg) }

var (
	selBoardPasswordForm = cascadia.MustCompile(`#password-wrapper form, #password-wrapper input[type=password], #password-wrapper input[name=password]`)
	selErrors            = cascadia.MustCompile(`.errors, .error`)
	boardPathID          = regexp.MustCompile(`/board/(\d+)`)
	passwordWrapper      = []byte(`id="password-wrapper"`)
)

// passwordBoard recognises the page of a password-protected board, by its
// #password-wrapper form (proboards-markup.md §9), and returns the board's
// id, from the form's action or the URL ("?" when neither says).
func passwordBoard(resp *Response) (string, bool) {
	if !resp.OK() || !bytes.Contains(resp.Body, passwordWrapper) {
		return "", false
	}
	f := findForm(parseHTML(resp.Body), selBoardPasswordForm, resp.FinalURL)
	if f == nil {
		return "", false
	}
	if id := boardIDOf(resp, f); id > 0 {
		return strconv.FormatInt(id, 10), true
	}
	return "?", true
}

// boardIDOf returns the board id of a password page: its form's action
// /board/N, else the page's URL; 0 when neither says.
func boardIDOf(resp *Response, f *form) int64 {
	if f == nil {
		f = findForm(parseHTML(resp.Body), selBoardPasswordForm, resp.FinalURL)
	}
	for _, s := range []string{formAction(f), resp.FinalURL, resp.URL} {
		if m := boardPathID.FindStringSubmatch(s); m != nil {
			if id, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				return id
			}
		}
	}
	return 0
}

func formAction(f *form) string {
	if f == nil {
		return ""
	}
	return f.Action
}

// boardLock is one board's unlocking state, shared by the workers.
type boardLock struct {
	mu       sync.Mutex
	unlocked time.Time // when the password was last accepted
	err      error     // a refusal: the board is not tried again this run
}

// UnlockBoards submits the password of a password-protected board when a
// page answers with the board's password form (the board's own pages, and
// its threads'), keeps the cookie it sets in the jar below, and asks for the
// page again. Boards without a password in passwords pass through as they
// are. A refused password ends that board's pages with a
// *BoardPasswordError, once per board and run: it is not tried again.
func UnlockBoards(next Fetcher, passwords BoardPasswords) Fetcher {
	if len(passwords) == 0 {
		return next
	}
	var mu sync.Mutex
	boards := map[int64]*boardLock{}
	lockOf := func(id int64) *boardLock {
		mu.Lock()
		defer mu.Unlock()
		if boards[id] == nil {
			boards[id] = &boardLock{}
		}
		return boards[id]
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		asked := time.Now()
		resp, err := next.Fetch(ctx, req)
		if err != nil || !resp.OK() {
			return resp, err
		}
		if !bytes.Contains(resp.Body, passwordWrapper) {
			return resp, nil
		}
		f := findForm(parseHTML(resp.Body), selBoardPasswordForm, resp.FinalURL)
		if f == nil {
			return resp, nil
		}
		id := boardIDOf(resp, f)
		pass, known := passwords[id]
		if !known || f.Password == "" {
			return resp, nil // pb-parse records the board as password protected
		}
		b := lockOf(id)
		b.mu.Lock()
		unlockErr := b.err
		if unlockErr == nil && !b.unlocked.After(asked) { // nobody unlocked it since we asked
			unlockErr = unlock(ctx, next, f, resp.FinalURL, id, pass)
			var refused *BoardPasswordError
			if errors.As(unlockErr, &refused) {
				b.err = unlockErr // only a refusal is final; a failed POST may pass
			} else if unlockErr == nil {
				b.unlocked = time.Now()
			}
		}
		b.mu.Unlock()
		if unlockErr != nil {
			if ctx.Err() != nil {
				return resp, ctx.Err()
			}
			return resp, permanent{unlockErr}
		}
		again, err := next.Fetch(ctx, req)
		if again != nil {
			again.Attempts += resp.Attempts + 1 // this page, and the password's POST
		}
		if err == nil && again.OK() {
			if _, locked := passwordBoard(again); locked {
				return again, permanent{&BoardPasswordError{Board: id, Msg: "accepted the password given for it but still asks for it"}}
			}
		}
		return again, err
	})
}

// unlock posts the board's password form with pass; it fails when the
// answer is the password form again.
func unlock(ctx context.Context, next Fetcher, f *form, page string, id int64, pass string) error {
	f.Values.Set(f.Password, pass)
	f.Method = http.MethodPost // never put a password in a URL, which logs and errors show
	resp, err := next.Fetch(ctx, f.request(page))
	switch {
	case err != nil:
		return fmt.Errorf("posting board %d's password: %w", id, err)
	case !resp.OK():
		return fmt.Errorf("posting board %d's password: HTTP %d", id, resp.Status)
	}
	if _, locked := passwordBoard(resp); locked {
		msg := "refused the password given for it (--board-password)"
		if e := firstText(resp.Body, selErrors); e != "" {
			msg += ": " + e
		}
		return &BoardPasswordError{Board: id, Msg: msg}
	}
	return nil
}

// firstText is the text of the first match of sel in an HTML body, cut to
// a line's length.
func firstText(body []byte, sel cascadia.Matcher) string {
	n := cascadia.Query(parseHTML(body), sel)
	if n == nil {
		return ""
	}
	t := htmlx.Words(n)
	if len(t) > 200 {
		t = t[:200] + "…"
	}
	return t
}
