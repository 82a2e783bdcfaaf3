package fetch

// Logging in, and keeping the session, against the fake forum.

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
