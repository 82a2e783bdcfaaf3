package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/andybalholm/cascadia"
)

// PasswordEnv is the environment variable --login reads the password from.
const PasswordEnv = "PB_PASSWORD"

// LoginError is a login the forum refused; Msg is its message (from the
// page's .errors) or what went wrong. It never contains the password.
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
	fail := func(format string, args ...any) error {
		return &LoginError{Email: email, Msg: fmt.Sprintf(format, args...)}
	}
	home, err := s.get(ctx, site)
	if err != nil {
		return fail("the forum's home page %s: %v", site, err)
	}
	doc := parseHTML(home.Body)
	link := ""
	for _, sel := range selLoginLinks {
		for _, a := range cascadia.QueryAll(doc, sel) {
			if h := attrOf(a, "href"); !strings.Contains(strings.ToLower(h), "logout") {
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
	} else if msg := firstText(answer.Body, selLoginErrors); msg != "" {
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
