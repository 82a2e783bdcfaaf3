// Package cookies reads and writes Netscape cookies.txt files (what browser
// export extensions, curl and pb-fetch --save-cookies produce) and holds a
// run's cookie jar.
package cookies

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// Cookie is one line of a Netscape cookies.txt file.
type Cookie struct {
	// Domain is the host the cookie belongs to, without a leading dot.
	Domain string
	// Subdomains is true when the cookie also applies to subdomains
	// (the file's second field, or a leading dot on the domain).
	Subdomains bool
	Path       string
	Secure     bool
	HTTPOnly   bool
	// Expires is zero for a session cookie.
	Expires time.Time
	Name    string
	Value   string
}

// Parse reads a Netscape cookies.txt file, as browser extensions and
// curl export them: tab-separated domain, include-subdomains flag, path,
// secure flag, expiry (Unix seconds, 0 for a session cookie), name, value;
// "#HttpOnly_" before the domain marks an HttpOnly cookie, other "#" lines
// are comments. Cookies that expired before now are skipped. A malformed
// line is an error naming its line number.
func Parse(r io.Reader, now time.Time) ([]Cookie, error) {
	var out []Cookie
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r\n")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		httpOnly := false
		if rest, ok := strings.CutPrefix(line, "#HttpOnly_"); ok {
			line, httpOnly = rest, true
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 6 {
			// Some tools write spaces instead of tabs; values then have no spaces.
			f = strings.Fields(line)
		}
		if len(f) == 6 { // an empty value may lose its trailing tab
			f = append(f, "")
		}
		if len(f) != 7 {
			return nil, fmt.Errorf("line %d: want 7 tab-separated fields (domain, subdomains, path, secure, expiry, name, value), got %d", n, len(f))
		}
		c := Cookie{Name: f[5], Value: f[6], Path: f[2], HTTPOnly: httpOnly}
		c.Domain = strings.ToLower(strings.TrimSpace(f[0]))
		c.Subdomains = strings.EqualFold(f[1], "TRUE") || strings.HasPrefix(c.Domain, ".")
		c.Domain = strings.TrimPrefix(c.Domain, ".")
		c.Secure = strings.EqualFold(f[3], "TRUE")
		if c.Domain == "" || c.Name == "" {
			return nil, fmt.Errorf("line %d: cookie without a domain or a name", n)
		}
		if c.Path == "" {
			c.Path = "/"
		}
		exp, err := strconv.ParseFloat(strings.TrimSpace(f[4]), 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: expiry %q is not a Unix time", n, f[4])
		}
		if exp > 0 {
			c.Expires = time.Unix(int64(exp), 0)
			if c.Expires.Before(now) {
				continue
			}
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Load reads a cookies.txt file (see Parse).
func Load(path string) ([]Cookie, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cs, err := Parse(f, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cs, nil
}

// Jar is a run's cookie jar: net/http/cookiejar, which applies the cookie
// rules (domains, paths, expiry, public suffixes), plus a record of every
// cookie set, because cookiejar cannot list what it holds and the session
// must be written back to a cookies.txt file (--save-cookies). It is safe
// for concurrent use.
type Jar struct {
	jar *cookiejar.Jar

	mu   sync.Mutex
	set  map[cookieKey]Cookie // the last value set under each key
	keys []cookieKey          // in the order first set, so files are stable
}

type cookieKey struct{ domain, path, name string }

// NewJar returns a cookie jar holding cookies.
func NewJar(cookies []Cookie) (*Jar, error) {
	cj, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil {
		return nil, err
	}
	jar := &Jar{jar: cj, set: map[cookieKey]Cookie{}}
	for _, c := range cookies {
		scheme := "http"
		if c.Secure {
			scheme = "https"
		}
		u := &url.URL{Scheme: scheme, Host: c.Domain, Path: c.Path}
		hc := &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HttpOnly: c.HTTPOnly}
		if c.Subdomains {
			hc.Domain = c.Domain
		}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires
		}
		jar.SetCookies(u, []*http.Cookie{hc})
	}
	return jar, nil
}

// SetCookies stores cookies received from u (http.CookieJar).
func (j *Jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.jar.SetCookies(u, cookies)
	now := time.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, hc := range cookies {
		c := Cookie{Name: hc.Name, Value: hc.Value, Secure: hc.Secure, HTTPOnly: hc.HttpOnly, Path: hc.Path}
		c.Domain = strings.ToLower(u.Hostname())
		if d := strings.ToLower(strings.TrimPrefix(hc.Domain, ".")); d != "" {
			c.Domain, c.Subdomains = d, true
		}
		if !strings.HasPrefix(c.Path, "/") {
			c.Path = defaultCookiePath(u.Path)
		}
		switch {
		case hc.MaxAge > 0:
			c.Expires = now.Add(time.Duration(hc.MaxAge) * time.Second)
		case !hc.Expires.IsZero():
			c.Expires = hc.Expires
		}
		k := cookieKey{c.Domain, c.Path, c.Name}
		if _, seen := j.set[k]; !seen {
			j.keys = append(j.keys, k)
		}
		j.set[k] = c // a deletion too: Cookies then finds it gone
	}
}

// Cookies returns the cookies to send to u (http.CookieJar).
func (j *Jar) Cookies(u *url.URL) []*http.Cookie { return j.jar.Cookies(u) }

// All returns the cookies the jar still holds (not expired, not deleted),
// in the order they were first set.
func (j *Jar) All() []Cookie {
	j.mu.Lock()
	keys := append([]cookieKey(nil), j.keys...)
	set := make(map[cookieKey]Cookie, len(j.set))
	for k, c := range j.set {
		set[k] = c
	}
	j.mu.Unlock()
	var out []Cookie
	for _, k := range keys {
		c := set[k]
		scheme := "http"
		if c.Secure {
			scheme = "https"
		}
		for _, live := range j.jar.Cookies(&url.URL{Scheme: scheme, Host: c.Domain, Path: c.Path}) {
			if live.Name == c.Name && live.Value == c.Value {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// defaultCookiePath is RFC 6265 §5.1.4's default-path of a request path.
func defaultCookiePath(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/"
	}
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// Write writes cookies in the Netscape cookies.txt format that
// Parse (and curl, wget, yt-dlp...) read.
func Write(w io.Writer, cookies []Cookie) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# Netscape HTTP Cookie File\n# Written by pb-fetch. It holds a logged-in session: keep it private.\n\n")
	flag := func(b bool) string {
		if b {
			return "TRUE"
		}
		return "FALSE"
	}
	for _, c := range cookies {
		domain := c.Domain
		if c.Subdomains {
			domain = "." + domain
		}
		if c.HTTPOnly {
			domain = "#HttpOnly_" + domain
		}
		var exp int64
		if !c.Expires.IsZero() {
			exp = max(c.Expires.Unix(), 1)
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", domain, flag(c.Subdomains), c.Path, flag(c.Secure), exp, c.Name, c.Value)
	}
	return bw.Flush()
}

// Save writes the jar's cookies to path in the Netscape format,
// readable by its owner only (mode 0600). The file is replaced atomically,
// so a crash never leaves half a session behind.
func Save(path string, j *Jar) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pb-cookies-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	err = tmp.Chmod(0o600)
	if err == nil {
		err = Write(tmp, j.All())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("saving cookies to %s: %w", path, err)
	}
	return nil
}
