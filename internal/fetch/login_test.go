package fetch

// Logging in, and keeping the session, against the fake forum.

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/cookies"
	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/parse"
	"github.com/pb-archive/pb/internal/store"
)

// memberPages counts the urls of the members list and profiles.
func memberPages(urls []string) int {
	n := 0
	for _, u := range urls {
		if strings.Contains(u, "/members") || strings.Contains(u, "/user/") {
			n++
		}
	}
	return n
}

func TestLoginFetchesGatedPages(t *testing.T) {
	faults := map[string]float64{"login": 1, "pow": 0.5}
	tf := newTestForum(t, forumSpec{size: "small", faults: faults, max: 60, logged: true})
	if memberPages(tf.urls) == 0 {
		t.Fatal("no member pages among the urls: the test would prove nothing")
	}
	saved := filepath.Join(t.TempDir(), "session.txt")
	t.Setenv(PasswordEnv, fakeforum.DefaultAccount.Password)
	o := parseOptions(t, append(fastArgs, "-c", "4", "--login", fakeforum.DefaultAccount.Email, "--save-cookies", saved)...)
	res := runFetch(t, t.Context(), tf.input(tf.urls), o)
	checkPages(t, tf, tf.urls, res)
	if !strings.Contains(res.stderr, "logged in to "+tf.srv.URL+"/ as "+fakeforum.DefaultAccount.Email) {
		t.Errorf("no login message:\n%s", res.stderr)
	}
	if _, ok := os.LookupEnv(PasswordEnv); ok {
		t.Errorf("$%s is still set after it was read", PasswordEnv)
	}
	// The flow a browser takes: login page, form, redirect_form, home.
	var flow []string
	for _, e := range tf.log.Entries() {
		if e.Method == http.MethodPost || strings.HasPrefix(e.Path, "/login") {
			flow = append(flow, e.Method+" "+strings.Split(e.Path, "?")[0])
		}
	}
	if got := strings.Join(flow, ", "); got != "GET /login, POST /forum_submit/login, POST /login/complete" {
		t.Errorf("login requests: %s", got)
	}

	// The saved session: private, and enough for the next run on its own.
	fi, err := os.Stat(saved)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--save-cookies: %v, mode %v", err, fi.Mode())
	}
	cs, err := cookies.Load(saved)
	if err != nil {
		t.Fatal(err)
	}
	session := false
	for _, c := range cs {
		session = session || c.Name == fakeforum.SessionCookieName && c.Value == tf.forum.SessionCookie().Value
	}
	if !session {
		t.Fatalf("the saved cookies %v lack the session", cs)
	}
	tf2 := newTestForum(t, forumSpec{size: "small", faults: faults, max: 60, logged: true})
	res = runFetch(t, t.Context(), tf2.input(tf2.urls), parseOptions(t, append(fastArgs, "--cookies", saved)...))
	checkPages(t, tf2, tf2.urls, res)

	// Logging in once, with nothing to fetch, only to save the session
	// for the passes of a crawl.
	once := filepath.Join(t.TempDir(), "once.txt")
	t.Setenv(PasswordEnv, fakeforum.DefaultAccount.Password)
	res = runFetch(t, t.Context(), "", parseOptions(t, append(fastArgs, "--login", fakeforum.DefaultAccount.Email,
		"--site", tf2.srv.URL+"/members", "--save-cookies", once)...))
	if res.code != 0 || res.err != nil {
		t.Fatalf("login only: exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	if b, err := os.ReadFile(once); err != nil || !strings.Contains(string(b), "\t"+fakeforum.SessionCookieName+"\t") {
		t.Errorf("login only saved %q, %v", b, err)
	}
}

func TestLoginWrongPasswordFailsFast(t *testing.T) {
	tf := newTestForum(t, forumSpec{size: "small", faults: map[string]float64{"login": 1}, max: 20})
	t.Setenv(PasswordEnv, "wrong horse")
	start := time.Now()
	res := runFetch(t, t.Context(), tf.input(tf.urls), parseOptions(t, append(fastArgs, "--login", fakeforum.DefaultAccount.Email)...))
	if res.code != 2 || res.err == nil {
		t.Fatalf("exit %d, %v; want 2 and an error", res.code, res.err)
	}
	msg := res.err.Error()
	if !strings.Contains(msg, "logging in as "+fakeforum.DefaultAccount.Email+" failed") ||
		!strings.Contains(msg, "The email address or password you entered is incorrect") || strings.Contains(msg, "wrong horse") {
		t.Errorf("error %q", msg)
	}
	if res.stdout != "" {
		t.Errorf("records written after a failed login:\n%.300s", res.stdout)
	}
	for _, e := range tf.log.Entries() {
		if e.Path != "/" && !strings.HasPrefix(e.Path, "/login") && e.Path != "/forum_submit/login" {
			t.Errorf("%s fetched after the login failed", e.Path)
		}
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("took %v", el)
	}

	// No password at all, and no terminal to ask on: a usage error (only
	// checked where the test has no terminal, which would prompt).
	if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		f.Close()
	} else {
		os.Unsetenv(PasswordEnv)
		res := runFetch(t, t.Context(), "", parseOptions(t, "--login", "a@b.c"))
		if res.code != 2 || res.err == nil || !strings.Contains(res.err.Error(), PasswordEnv) {
			t.Errorf("without a password: exit %d, %v", res.code, res.err)
		}
	}
	// --login with nothing to log in to.
	t.Setenv(PasswordEnv, "x")
	if res := runFetch(t, t.Context(), "", parseOptions(t, "--login", "a@b.c")); res.code != 2 || res.err == nil || !strings.Contains(res.err.Error(), "--site") {
		t.Errorf("--login without a forum: exit %d, %v", res.code, res.err)
	}
}

// TestSecretsStayOut runs a logged-in pass through pb-fetch, pb-parse and
// pb-load, and greps every record, every message and the database for the
// password and the session's cookie values: none may appear anywhere but
// in the --save-cookies file.
func TestSecretsStayOut(t *testing.T) {
	account := fakeforum.Account{Email: "keeper@example.com", Password: "Tr0ub4dor&3 zebra-staple", UserID: 2}
	tf := newTestForum(t, forumSpec{size: "small", faults: map[string]float64{"login": 1, "pow": 1},
		logged: true, unlocked: true, account: account, boardPW: "sw0rdfish-lounge"})
	if memberPages(tf.urls) == 0 {
		t.Fatal("no member pages among the urls")
	}
	dir := t.TempDir()
	saved := filepath.Join(dir, "cookies.txt")
	t.Setenv(PasswordEnv, account.Password)
	o := parseOptions(t, append(fastArgs, "--login", account.Email, "--save-cookies", saved,
		"--board-password", "6=sw0rdfish-lounge")...)
	fetched := runFetch(t, t.Context(), tf.input(tf.urls), o)
	if fetched.code != 0 {
		t.Fatalf("pb-fetch: exit %d, %v\n%s", fetched.code, fetched.err, fetched.stderr)
	}

	var parsed, parseErr, loadOut, loadErr bytes.Buffer
	if code, err := parse.Run(context.Background(), strings.NewReader(fetched.stdout), &parsed, &parseErr, parse.Options{}); err != nil || code != 0 {
		t.Fatalf("pb-parse: exit %d, %v\n%s", code, err, parseErr.String())
	}
	db := filepath.Join(dir, "forum.db")
	if code, err := store.Run(context.Background(), bytes.NewReader(parsed.Bytes()), &loadOut, &loadErr, store.Options{DB: db, Batch: 1000, BatchTime: time.Second}); err != nil || code != 0 {
		t.Fatalf("pb-load: exit %d, %v\n%s", code, err, loadErr.String())
	}

	cs, err := cookies.Load(saved)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"the password": account.Password, "the board password": "sw0rdfish-lounge"}
	for _, c := range cs {
		secrets["cookie "+c.Name] = c.Value
	}
	for _, name := range []string{fakeforum.SessionCookieName, fakeforum.PoWCookieName, "pb_board_6"} {
		if _, ok := secrets["cookie "+name]; !ok {
			t.Errorf("the session lacks the %s cookie: the test would prove less", name)
		}
	}
	outputs := map[string][]byte{
		"pb-fetch records": []byte(fetched.stdout), "pb-fetch messages": []byte(fetched.stderr),
		"pb-parse records": parsed.Bytes(), "pb-parse messages": parseErr.Bytes(),
		"pb-load output": loadOut.Bytes(), "pb-load messages": loadErr.Bytes(),
	}
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(f)] = b
	}
	for where, b := range outputs {
		for what, v := range secrets {
			if len(v) >= 6 && bytes.Contains(b, []byte(v)) {
				t.Errorf("%s contain %s", where, what)
			}
		}
	}
	if !bytes.Contains(parsed.Bytes(), []byte(`"type":"user","id":2,`)) || !bytes.Contains(parsed.Bytes(), []byte(`"board_id":6,`)) {
		t.Error("the logged-in, unlocked pass archived no profile or no thread of the protected board")
	}
}

// echoPassword is a password with characters that pages and URLs escape.
const echoPassword = `Tr0ub4dor&3 "zebra" <staple>/é`

// echoingLoginServer is a forum whose login page, when the password is not
// right, answers with what was typed, in the way mode says. Any other
// password than right is refused.
func echoingLoginServer(t *testing.T, mode, right string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	loginForm := `<form method="post" action="/forum_submit/login"><input type="email" name="email"><input type="password" name="password"></form>`
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err == nil && c.Value == "ok" {
			io.WriteString(w, `<a href="/logout">Log out</a>`)
			return
		}
		io.WriteString(w, `<div id="login_area"><a href="/login">Log in</a></div>`)
	})
	mux.HandleFunc("/login/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, loginForm) // back to the form, no message
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, loginForm)
	})
	mux.HandleFunc("/forum_submit/login", func(w http.ResponseWriter, r *http.Request) {
		pw := r.PostFormValue("password")
		if pw == right {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "ok", Path: "/"})
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		switch mode {
		case "plain": // written as HTML should be: the page's text is the password itself
			io.WriteString(w, `<div class="errors">The password "`+html.EscapeString(pw)+`" is incorrect.</div>`)
		case "escaped twice": // the page's text holds the HTML-escaped password
			io.WriteString(w, `<div class="errors">The password `+html.EscapeString(html.EscapeString(pw))+` is incorrect.</div>`)
		case "numeric references":
			var b strings.Builder
			for _, r := range pw {
				fmt.Fprintf(&b, "&amp;#x%X;", r)
			}
			io.WriteString(w, `<div class="errors">The password `+b.String()+` is incorrect.</div>`)
		case "url-encoded text":
			io.WriteString(w, `<div class="errors">Rejected: email=`+url.QueryEscape(r.PostFormValue("email"))+`&amp;password=`+url.QueryEscape(pw)+`</div>`)
		case "in a highlighted word":
			half := len(pw) / 2
			io.WriteString(w, `<div class="errors">The password <b>`+html.EscapeString(pw[:half])+`</b>`+html.EscapeString(pw[half:])+` is incorrect.</div>`)
		case "long message": // the password where the message is cut
			io.WriteString(w, `<div class="errors">`+strings.Repeat("x", 190)+html.EscapeString(pw)+`</div>`)
		case "in the query": // back to the form at a URL that quotes it
			http.Redirect(w, r, "/login/?error=1&password="+url.QueryEscape(pw), http.StatusFound)
		case "in the path":
			http.Redirect(w, r, "/login/"+url.PathEscape(pw)+"/again", http.StatusFound)
		case "lower-case escapes":
			http.Redirect(w, r, "/login/?password="+lowerHex(url.QueryEscape(pw)), http.StatusFound)
		default:
			t.Errorf("unknown mode %q", mode)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// lowerHex writes the percent escapes of s in lower case.
func lowerHex(s string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(s, strings.ToLower)
}

// TestLoginNeverPrintsThePassword logs in with a wrong password at forums
// whose login page quotes it back: the error keeps the forum's words, but
// neither it nor any message holds the password, in any spelling.
func TestLoginNeverPrintsThePassword(t *testing.T) {
	for _, mode := range []string{"plain", "escaped twice", "numeric references", "url-encoded text",
		"in a highlighted word", "long message", "in the query", "in the path", "lower-case escapes"} {
		t.Run(mode, func(t *testing.T) {
			srv := echoingLoginServer(t, mode, "the right one")
			t.Setenv(PasswordEnv, echoPassword)
			res := runFetch(t, t.Context(), "", parseOptions(t, append(fastArgs, "--login", "me@example.com", "--site", srv.URL)...))
			if res.code != 2 || res.err == nil {
				t.Fatalf("exit %d, %v; want 2 and an error\n%s", res.code, res.err, res.stderr)
			}
			// What cli.Main shows: the messages, then the error.
			shown := res.stderr + "pb-fetch: " + res.err.Error()
			if !strings.Contains(shown, "logging in as me@example.com failed") || !strings.Contains(shown, Redacted) {
				t.Errorf("the error lost the forum's words: %s", shown)
			}
			for _, piece := range []string{"zebra", "staple", "Tr0ub4dor"} {
				if strings.Contains(strings.ToLower(shown), strings.ToLower(piece)) {
					t.Errorf("the password shows: %s", shown)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	pw := echoPassword
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "bad password " + pw + "!", "bad password ***!"},
		{"html.EscapeString", "x " + html.EscapeString(pw) + " y", "x *** y"},
		{"named references", `Tr0ub4dor&amp;3 &QUOT;zebra&quot &lt;staple&gt;&sol;é`, `***`},
		{"numeric references", `Tr0ub4dor&#38;3&#32;&#x22;zebra&#34; &#60;staple&#62;&#47;&#xE9;`, `***`},
		{"query escape", "?p=" + url.QueryEscape(pw) + "&q=1", "?p=***&q=1"},
		{"path escape", "/" + url.PathEscape(pw) + "/", "/***/"},
		{"lower-case hex", "?p=" + lowerHex(url.QueryEscape(pw)), "?p=***"},
		{"JSON escapes", `"Tr0ub4dor\u00263 \"zebra\" \u003cstaple\u003e\/é"`, `"***"`},
		{"Go %q", fmt.Sprintf("%q", pw), `"***"`},
		{"split text nodes", "Tr0ub4dor&3 \"ze bra\" <staple>/é", "***"},
		{"folded white space", "Tr0ub4dor&3\n\"zebra\" <staple>/é", "***"},
		{"twice", pw + pw, "******"},
		{"not there", "Tr0ub4dor&3 \"zebra\"", "Tr0ub4dor&3 \"zebra\""},
	} {
		if got := Redact(tc.in, pw); got != tc.want {
			t.Errorf("%s: Redact(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	if got := Redact("a+b", ""); got != "a+b" {
		t.Errorf("an empty secret redacted %q", got)
	}
	var b bytes.Buffer
	w := RedactWriter(&b, "hunter2")
	if n, err := fmt.Fprintf(w, "pb-fetch: %s: hunter%%32 hunter2\n", "x"); err != nil || n != len("pb-fetch: x: hunter%32 hunter2\n") {
		t.Errorf("RedactWriter wrote %d, %v", n, err)
	}
	if b.String() != "pb-fetch: x: *** ***\n" {
		t.Errorf("RedactWriter wrote %q", b.String())
	}
}

// TestPasswordFD logs in with the password read from a pipe the caller
// keeps open (--password-fd), and from a file (--password-file).
func TestPasswordFD(t *testing.T) {
	const right = `s3cret "pass" word`
	srv := echoingLoginServer(t, "plain", right)
	t.Setenv(PasswordEnv, "not this one")
	login := func(args ...string) runResult {
		return runFetch(t, t.Context(), "", parseOptions(t, append(append(fastArgs, "--login", "me@example.com", "--site", srv.URL), args...)...))
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd, err := syscall.Dup(int(r.Fd())) // pb-fetch closes what it is given
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, right+"\r\nthe second line is not read\n"); err != nil {
		t.Fatal(err)
	}
	res := login("--password-fd", strconv.Itoa(fd)) // w stays open: the first line is enough
	if res.code != 0 || res.err != nil || !strings.Contains(res.stderr, "logged in to "+srv.URL+"/ as me@example.com") {
		t.Fatalf("--password-fd: exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	if _, ok := os.LookupEnv(PasswordEnv); ok {
		t.Errorf("$%s is still set: a child process would inherit it", PasswordEnv)
	}
	// The descriptor is closed once read (its number may be reused since).
	pipe, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", r.Fd()))
	if now, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)); pipe != "" && now == pipe {
		t.Errorf("--password-fd %d (%s) is still open after reading", fd, now)
	}

	// A wrong password through the pipe is refused, and not shown.
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	fd2, err := syscall.Dup(int(r2.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w2, "wrong horse")
	w2.Close()
	res = login("--password-fd", strconv.Itoa(fd2))
	if res.code != 2 || res.err == nil || strings.Contains(res.err.Error(), "wrong horse") || !strings.Contains(res.err.Error(), `The password "***" is incorrect`) {
		t.Errorf("a wrong password by --password-fd: exit %d, %v", res.code, res.err)
	}

	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte(right+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := login("--password-file", file); res.code != 0 || res.err != nil {
		t.Errorf("--password-file: exit %d, %v\n%s", res.code, res.err, res.stderr)
	}
	// Whatever pb-fetch prints once it knows the password is redacted,
	// here a bad record's text quoted in a message.
	res = runFetch(t, t.Context(), urlLine("/relative?pw="+url.QueryEscape(right)), parseOptions(t, append(fastArgs,
		"--login", "me@example.com", "--site", srv.URL, "--password-file", file)...))
	if res.code != 1 || !strings.Contains(res.stderr, `line 1: url record needs an absolute http(s) "url", got "/relative?pw=***"`) {
		t.Errorf("a message quoting the password: exit %d, %v\n%s", res.code, res.err, res.stderr)
	}

	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\nx\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--password-fd", "0"}, "--password-fd 0: 0, 1 and 2 are the records"},
		{[]string{"--password-fd", "2"}, "--password-fd 2: 0, 1 and 2"},
		{[]string{"--password-fd", "5", "--password-file", file}, "not both"},
		{[]string{"--password-file", empty}, "--password-file " + empty + ": the first line is empty"},
		{[]string{"--password-file", file + ".missing"}, "--password-file " + file + ".missing: open"},
	} {
		res := login(tc.args...)
		if res.code != 2 || res.err == nil || !strings.Contains(res.err.Error(), tc.want) {
			t.Errorf("%q: exit %d, %v; want 2 and %q", tc.args, res.code, res.err, tc.want)
		}
	}
	res = runFetch(t, t.Context(), "", parseOptions(t, append(fastArgs, "--password-file", file)...))
	if res.code != 2 || res.err == nil || !strings.Contains(res.err.Error(), "--login") {
		t.Errorf("--password-file without --login: exit %d, %v", res.code, res.err)
	}
}
