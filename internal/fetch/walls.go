package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/walls"
)

// Wall is a kind of page served instead of the content asked for, which pb
// cannot get past on its own (internal/walls recognises them). pb-fetch
// reports each kind once per run, with what the user can do, and counts
// them in the summary.
type Wall = walls.Kind

// The walls pb-fetch recognises.
const (
	WallLogin         = walls.Login
	WallCloudflare    = walls.Cloudflare
	WallCaptcha       = walls.Captcha
	WallBlocked       = walls.Blocked
	WallBoardPassword = walls.BoardPassword
	WallPoW           = walls.PoW
	WallBadPassword   = walls.BadPassword
)

// advice is what to do about wall w met at detail (a board id, or "").
func advice(w Wall, detail string, short bool) string { return walls.Advise(w, detail, short) }

// wallCount is how often a run met one wall, and where.
type wallCount struct {
	pages int
	where map[string]bool // board ids, for the board walls
}

// wall counts one page behind w (detail: a board id, or "") and reports
// whether it is the first of its kind in this run.
func (s *Stats) wall(w Wall, detail string) bool {
	if s == nil {
		return false
	}
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	if s.walls == nil {
		s.walls = map[Wall]*wallCount{}
	}
	c := s.walls[w]
	if c == nil {
		c = &wallCount{where: map[string]bool{}}
		s.walls[w] = c
	}
	c.pages++
	if detail != "" {
		c.where[detail] = true
	}
	return c.pages == 1
}

// Walls returns how many pages met each wall.
func (s *Stats) Walls() map[Wall]int {
	out := map[Wall]int{}
	if s == nil {
		return out
	}
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	for w, c := range s.walls {
		out[w] = c.pages
	}
	return out
}

// wallSummary adds a line per wall met to the summary.
func (s *Stats) wallSummary(b *strings.Builder) {
	s.wallsMu.Lock()
	defer s.wallsMu.Unlock()
	walls := make([]string, 0, len(s.walls))
	for w := range s.walls {
		walls = append(walls, string(w))
	}
	sort.Strings(walls)
	for _, w := range walls {
		c := s.walls[Wall(w)]
		fmt.Fprintf(b, "\n%s behind a %s wall", cli.Count(c.pages, "page"), w)
		detail := ""
		if len(c.where) > 0 {
			ids := make([]string, 0, len(c.where))
			for id := range c.where {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			fmt.Fprintf(b, " (board %s)", strings.Join(ids, ", "))
			if len(ids) == 1 {
				detail = ids[0]
			}
		}
		fmt.Fprintf(b, ": %s", advice(Wall(w), detail, true))
	}
}

// pageWall recognises the wall a fetched page met, if any. pageErr is the
// error its page record gets; it is "" for a wall whose page pb-parse
// must see as it is (a board's password form yields the board record).
// detail names the board of a board wall.
func pageWall(req *Request, resp *Response, err error) (w Wall, pageErr, detail string) {
	if err != nil {
		var re *RedirectError
		var be *BoardPasswordError
		switch {
		case errors.Is(err, ErrPoW):
			return WallPoW, err.Error(), ""
		case errors.As(err, &be):
			return WallBadPassword, err.Error(), fmt.Sprint(be.Board)
		case errors.As(err, &re) && walls.IsLoginURL(re.To):
			return WallLogin, fmt.Sprintf("redirected to the login page %s: this page needs a logged-in session (use --login or --cookies)", re.To), ""
		}
		return "", err.Error(), ""
	}
	if resp == nil || resp.Status == 0 {
		return "", "", ""
	}
	v := walls.Response(wallPage(req, resp))
	switch v.Kind {
	case WallCloudflare:
		return v.Kind, fmt.Sprintf("HTTP %d: a Cloudflare challenge page instead of the content", resp.Status), ""
	case WallBlocked:
		return v.Kind, fmt.Sprintf("HTTP %d %s: the forum refuses the request (blocked?)", resp.Status, http.StatusText(resp.Status)), ""
	case WallCaptcha:
		return v.Kind, fmt.Sprintf("HTTP %d: a CAPTCHA page instead of the content", resp.Status), ""
	case WallPoW:
		return v.Kind, fmt.Sprintf("HTTP %d: a proof-of-work challenge page instead of the content", resp.Status), ""
	case WallLogin:
		return v.Kind, fmt.Sprintf("redirected to the login page %s: this page needs a logged-in session (use --login or --cookies)", resp.FinalURL), ""
	case WallBoardPassword:
		return v.Kind, "", v.Board
	}
	if !resp.OK() {
		return "", fmt.Sprintf("HTTP %d %s", resp.Status, http.StatusText(resp.Status)), ""
	}
	return "", "", ""
}

// wallPage is what internal/walls looks at of a response.
func wallPage(req *Request, resp *Response) walls.Page {
	p := walls.Page{Status: resp.Status, Header: resp.Header, Body: resp.Body, URL: resp.URL, FinalURL: resp.FinalURL}
	if req != nil {
		p.URL = req.URL
	}
	return p
}

// cloudflareChallenge recognises Cloudflare's interstitial (see walls.IsCloudflare).
func cloudflareChallenge(resp *Response) bool { return walls.IsCloudflare(wallPage(nil, resp)) }
