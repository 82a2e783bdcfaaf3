package cookies

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

// Coverage is what a cookies file holds for one site: how many of its
// cookies a request to the site would carry, how many would but have
// expired, and the hosts the file does have cookies for. It never holds a
// cookie's value.
type Coverage struct {
	Site     string    // host checked
	Live     int       // cookies a request to Site carries
	Expired  int       // cookies that would apply to Site but have expired
	LastDied time.Time // the latest expiry among Expired
	Hosts    []string  // every cookie domain in the file, sorted
}

// Check reads the cookies.txt file at path and says what it holds for the
// page at rawURL, as of now. A file that cannot be read or parsed is an
// error naming the file and line.
func Check(path, rawURL string, now time.Time) (Coverage, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Coverage{}, fmt.Errorf("cannot check cookies against %q: not a URL", rawURL)
	}
	f, err := os.Open(path)
	if err != nil {
		return Coverage{}, err
	}
	defer f.Close()
	all, err := Parse(f, time.Time{}) // keep expired cookies: they explain a stale export
	if err != nil {
		return Coverage{}, fmt.Errorf("%s: %w", path, err)
	}
	cov := Coverage{Site: u.Hostname()}
	var live, dead []Cookie
	hosts := map[string]bool{}
	for _, c := range all {
		hosts[c.Domain] = true
		expired := !c.Expires.IsZero() && !c.Expires.After(now)
		if expired && c.Expires.After(cov.LastDied) {
			cov.LastDied = c.Expires
		}
		// The jar below only answers whether a cookie applies to the site; it
		// judges expiry by the wall clock, so expiry is decided here, as of now.
		c.Expires = time.Time{}
		if expired {
			dead = append(dead, c)
		} else {
			live = append(live, c)
		}
	}
	for h := range hosts {
		cov.Hosts = append(cov.Hosts, h)
	}
	sort.Strings(cov.Hosts)
	count := func(cs []Cookie) (int, error) {
		jar, err := NewJar(cs)
		if err != nil {
			return 0, err
		}
		return len(jar.Cookies(u)), nil
	}
	if cov.Live, err = count(live); err != nil {
		return cov, err
	}
	if cov.Expired, err = count(dead); err != nil {
		return cov, err
	}
	if cov.Expired == 0 {
		cov.LastDied = time.Time{}
	}
	return cov, nil
}

// Problem says what is wrong with the coverage for a crawl of Site, with
// what to do about it, or "" when the file has live cookies for it.
func (c Coverage) Problem() string {
	switch {
	case c.Live > 0:
		return ""
	case c.Expired > 0:
		return fmt.Sprintf("every cookie it has for %s expired (the last on %s): log in again in your browser and export the cookies again",
			c.Site, c.LastDied.UTC().Format("2006-01-02 15:04 MST"))
	case len(c.Hosts) == 0:
		return "it holds no cookies"
	default:
		hosts := c.Hosts
		more := ""
		if len(hosts) > 5 { // a whole browser's export
			hosts, more = hosts[:5], fmt.Sprintf(" and %d more", len(hosts)-5)
		}
		return fmt.Sprintf("it has no cookie for %s, only for %s%s: export the cookies while on the forum's own site",
			c.Site, strings.Join(hosts, ", "), more)
	}
}
