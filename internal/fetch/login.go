package fetch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"unicode"

	"github.com/andybalholm/cascadia"

	"github.com/pb-archive/pb/internal/htmlx"
)

// PasswordEnv is the environment variable --login reads the password from.
const PasswordEnv = "PB_PASSWORD"

// LoginError is a login the forum refused; Msg is its message (from the
// page's .errors) or what went wrong. It never contains the password:
// Login redacts it from the forum's words (see Redact).
type LoginError struct {
	Email string
	Msg   string
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("logging in as %s failed: %s", e.Email, e.Msg)
}

var (
	// selLoginLink finds the login link on a forum page: ProBoards' own
	// #login_area (proboards-markup.md §12), then any link to a login page.
	selLoginLinks = []cascadia.Matcher{
		cascadia.MustCompile(`#login_area a[href*="login"]`),
		cascadia.MustCompile(`a[href^="https://login.proboards.com/login"]`),
		cascadia.MustCompile(`a[href*="/login"]`),
	}
	selLogoutLink    = cascadia.MustCompile(`a[href*="logout"]`)
	selPasswordInput = cascadia.MustCompile(`input[type=password]`)
	selRedirectForm  = cascadia.MustCompile(`form#redirect_form, form[name=redirect_form]`)
	selLoginErrors   = cascadia.MustCompile(`.errors`)
)

// Login logs in to the forum at site as email, the way a browser does
// without running scripts (proboards-markup.md §12): it follows the login
// link of the forum's home page, posts the login form it finds there (on
// login.proboards.com for a real forum, on the forum's own host for the
// fake one), then posts the redirect_form of the answer back to the forum,
// which sets the session cookies in the stack's jar. A refused login is a
// *LoginError with the page's message. Every request goes through the
// politeness schedule.
func (s *Stack) Login(ctx context.Context, site, email, password string) error {
	// Every message may quote the forum (a login page can echo what was
	// typed, in a message or a URL), so each one is redacted.
	fail := func(format string, args ...any) error {
		return &LoginError{Email: email, Msg: Redact(fmt.Sprintf(format, args...), password)}
	}
	home, err := s.get(ctx, site)
	if err != nil {
		return fail("the forum's home page %s: %v", site, err)
	}
	doc := parseHTML(home.Body)
	link := ""
	for _, sel := range selLoginLinks {
		for _, a := range cascadia.QueryAll(doc, sel) {
			if h := htmlx.Attr(a, "href"); !strings.Contains(strings.ToLower(h), "logout") {
				link = h
				break
			}
		}
		if link != "" {
			break
		}
	}
	if link == "" {
		if cascadia.Query(doc, selLogoutLink) != nil {
			return nil // the session from --cookies is already logged in
		}
		return fail("no login link on the forum's home page %s", home.FinalURL)
	}
	loginURL, err := resolve(home.FinalURL, link)
	if err != nil {
		return fail("login link %q: %v", link, err)
	}
	page, err := s.get(ctx, loginURL)
	if err != nil {
		return fail("the login page %s: %v", loginURL, err)
	}
	f := findForm(parseHTML(page.Body), selPasswordInput, page.FinalURL)
	if f == nil || f.Password == "" || f.Email == "" {
		return fail("the login page %s has no form with an email and a password field", page.FinalURL)
	}
	f.Values.Set(f.Email, email)
	f.Values.Set(f.Password, password)
	f.Method = http.MethodPost // never put a password in a URL, which logs and errors show
	before := s.sessionCookies(site)
	answer, err := s.submit(ctx, f, page.FinalURL)
	if err != nil {
		return fail("posting the login form to %s: %v", f.Action, err)
	}
	adoc := parseHTML(answer.Body)
	if rf := cascadia.Query(adoc, selRedirectForm); rf != nil {
		// Accepted: the answer hands the session over to the forum's host.
		back := readForm(rf, answer.FinalURL)
		back.Method = http.MethodPost
		if answer, err = s.submit(ctx, back, answer.FinalURL); err != nil {
			return fail("completing the login at %s: %v", back.Action, err)
		}
		adoc = parseHTML(answer.Body)
	} else if msg := loginErrorText(answer.Body, password); msg != "" {
		return fail("%s", msg) // refused, with the page's reason
	}
	loggedOut := cascadia.Query(adoc, selLogoutLink) == nil
	if loggedOut && findForm(adoc, selPasswordInput, answer.FinalURL) != nil {
		return fail("the login form came back without a message (%s)", answer.FinalURL)
	}
	if loggedOut && s.sessionCookies(site) <= before {
		return fail("the forum set no session cookie (%s)", answer.FinalURL)
	}
	return nil
}

// loginErrorText is the text of the login page's .errors, redacted before
// it is shortened, so that no piece of a cut password is left.
func loginErrorText(body []byte, password string) string {
	n := cascadia.Query(parseHTML(body), selLoginErrors)
	if n == nil {
		return ""
	}
	t := []rune(Redact(htmlx.Words(n), password))
	if len(t) > 200 {
		return string(t[:200]) + "…"
	}
	return string(t)
}

// Redacted stands for a secret in what pb-fetch prints.
const Redacted = "***"

// Redact replaces every occurrence of secret in s with Redacted: as is, and
// as a page or a URL may write it (HTML character references, percent
// encoding, + for a space, JSON and Go escapes, each character spelled
// any of these ways), with any white space between its characters (page
// text is read node by node, and runs of white space are folded).
func Redact(s, secret string) string {
	if secret == "" || s == "" {
		return s
	}
	return secretPattern(secret).ReplaceAllLiteralString(s, Redacted)
}

// secretPattern is the regular expression Redact looks for.
func secretPattern(secret string) *regexp.Regexp {
	var b strings.Builder
	space := false
	for _, r := range secret {
		if unicode.IsSpace(r) {
			space = true // a run of white space is written \s+ or its escapes, once
			continue
		}
		if b.Len() > 0 || space {
			if space {
				b.WriteString(`(?:\s|&nbsp;?|&#0*(?:32|160);?|&#[xX]0*(?:20|[aA]0);?|%20|%[cC]2%[aA]0|\+|\\[nrt])+`)
			} else {
				b.WriteString(`\s*`)
			}
			space = false
		}
		b.WriteString(runePattern(r))
	}
	if space && b.Len() == 0 { // a secret of white space only
		return regexp.MustCompile(regexp.QuoteMeta(secret))
	}
	return regexp.MustCompile(b.String())
}

// htmlNames are the HTML named character references of ASCII punctuation.
var htmlNames = map[rune]string{
	'&': "amp", '<': "lt", '>': "gt", '"': "quot", '\'': "apos", '!': "excl", '#': "num",
	'$': "dollar", '%': "percnt", '(': "lpar", ')': "rpar", '*': "ast", '+': "plus", ',': "comma",
	'.': "period", '/': "sol", ':': "colon", ';': "semi", '=': "equals", '?': "quest", '@': "commat",
	'[': "lsqb", '\\': "bsol", ']': "rsqb", '^': "hat", '_': "lowbar", '`': "grave", '{': "lcub",
	'|': "verbar", '}': "rcub",
}

// runePattern matches one character of a secret, however it is written.
func runePattern(r rune) string {
	alts := []string{
		regexp.QuoteMeta(string(r)),
		fmt.Sprintf(`&#0*%d;?`, r),
		fmt.Sprintf(`(?i:&#x0*%x;?)`, r),
	}
	if name, ok := htmlNames[r]; ok {
		alts = append(alts, `(?i:&`+name+`;?)`)
	}
	var pct strings.Builder
	for _, c := range []byte(string(r)) {
		fmt.Fprintf(&pct, "%%%02x", c)
	}
	alts = append(alts, "(?i:"+pct.String()+")")
	if r < 0x10000 {
		alts = append(alts, fmt.Sprintf(`(?i:\\u%04x)`, r))
	}
	if r < 0x80 {
		alts = append(alts, fmt.Sprintf(`(?i:\\x%02x)`, r))
		if strings.ContainsRune(`"'\\/`, r) {
			alts = append(alts, `\\`+regexp.QuoteMeta(string(r)))
		}
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// RedactWriter writes to w what is written to it with secret redacted.
// pb-fetch's messages are written a line at a time, so a secret is never
// split between two writes.
func RedactWriter(w io.Writer, secret string) io.Writer {
	if secret == "" {
		return w
	}
	return &redactWriter{w: w, re: secretPattern(secret)}
}

type redactWriter struct {
	w  io.Writer
	re *regexp.Regexp
}

func (r *redactWriter) Write(p []byte) (int, error) {
	if _, err := r.w.Write(r.re.ReplaceAllLiteral(p, []byte(Redacted))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// get fetches a page for the login, which must answer 2xx.
func (s *Stack) get(ctx context.Context, u string) (*Response, error) {
	resp, err := s.forms.Fetch(ctx, &Request{URL: u})
	if err == nil && !resp.OK() {
		err = fmt.Errorf("HTTP %d", resp.Status)
	}
	return resp, err
}

// submit sends a form from the page at referer; the answer must be 2xx
// (after redirects).
func (s *Stack) submit(ctx context.Context, f *form, referer string) (*Response, error) {
	resp, err := s.forms.Fetch(ctx, f.request(referer))
	if err == nil && !resp.OK() {
		err = fmt.Errorf("HTTP %d", resp.Status)
	}
	return resp, err
}

// sessionCookies counts the cookies the jar sends to site, the
// proof-of-work answer aside.
func (s *Stack) sessionCookies(site string) int {
	u, err := url.Parse(site)
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range s.Jar.Cookies(u) {
		if c.Name != "pow_bypass" {
			n++
		}
	}
	return n
}

// resolve makes ref absolute against base.
func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u, err := b.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("not an http(s) link")
	}
	u.Fragment = ""
	return u.String(), nil
}

// ReadPassword returns the password for --login: $PB_PASSWORD (then
// removed from the environment, so that no child process inherits it), or
// else what the user types on the terminal (/dev/tty, not stdin, which
// carries the records), without echo. It never comes from a flag, which
// would show in ps.
func ReadPassword(email string) (string, error) {
	if p, ok := os.LookupEnv(PasswordEnv); ok {
		os.Unsetenv(PasswordEnv)
		if p == "" {
			return "", fmt.Errorf("$%s is empty", PasswordEnv)
		}
		return p, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("--login needs the password: set $%s, or run pb-fetch on a terminal to type it", PasswordEnv)
	}
	defer tty.Close()
	b, err := promptNoEcho(tty, tty, fmt.Sprintf("pb-fetch: password for %s: ", email))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading the password from the terminal: %w", err)
	}
	p := strings.TrimRight(string(b), "\r\n")
	if p == "" {
		return "", errors.New("no password typed")
	}
	return p, nil
}

// LoginPassword returns the password for --login: the first line read from
// file descriptor fd (--password-fd; fd < 0 when not given) or of file
// (--password-file), or else ReadPassword's. An inherited descriptor or a
// private file, unlike $PB_PASSWORD, leaves nothing in /proc/PID/environ.
func LoginPassword(email string, fd int, file string) (string, error) {
	if fd < 0 && file == "" {
		return ReadPassword(email)
	}
	// Never handed on to a child (Chromium), even when unused.
	os.Unsetenv(PasswordEnv)
	switch {
	case email == "":
		return "", errors.New("--password-fd and --password-file give the password for --login, which is missing")
	case fd >= 0 && file != "":
		return "", errors.New("give the password by --password-fd or by --password-file, not both")
	case fd >= 0 && fd <= 2:
		return "", fmt.Errorf("--password-fd %d: 0, 1 and 2 are the records and the messages; open the password on 3 or above (3< file, or 3<<< \"$PW\")", fd)
	}
	var (
		p    string
		err  error
		from string
	)
	if fd >= 0 {
		from = fmt.Sprintf("--password-fd %d", fd)
		f := os.NewFile(uintptr(fd), from)
		if f == nil {
			return "", fmt.Errorf("%s: not an open file descriptor", from)
		}
		p, err = firstLine(f)
		f.Close() // no child process inherits it
	} else {
		from = "--password-file " + file
		var f *os.File
		if f, err = os.Open(file); err == nil {
			p, err = firstLine(f)
			f.Close()
		}
	}
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: %w", from, err)
	case p == "":
		return "", fmt.Errorf("%s: the first line is empty: no password", from)
	}
	return p, nil
}

// firstLine reads r up to its first newline or its end (at most 64 KiB),
// so that a writer may keep a pipe open, and drops the line ending.
func firstLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, 64<<10), 4096)
	line, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
