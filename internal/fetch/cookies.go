package fetch

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
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

// ParseCookies reads a Netscape cookies.txt file, as browser extensions and
// curl export them: tab-separated domain, include-subdomains flag, path,
// secure flag, expiry (Unix seconds, 0 for a session cookie), name, value;
// "#HttpOnly_" before the domain marks an HttpOnly cookie, other "#" lines
// are comments. Cookies that expired before now are skipped. A malformed
// line is an error naming its line number.
func ParseCookies(r io.Reader, now time.Time) ([]Cookie, error) {
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

// LoadCookies reads a cookies.txt file (see ParseCookies).
func LoadCookies(path string) ([]Cookie, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cs, err := ParseCookies(f, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cs, nil
}

// NewJar returns a cookie jar holding cookies.
func NewJar(cookies []Cookie) (http.CookieJar, error) {
	jar, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil {
		return nil, err
	}
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
