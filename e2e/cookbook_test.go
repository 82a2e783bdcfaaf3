package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
)

// recipe is one paragraph of the README's cookbook: its comment lines and
// its command lines.
type recipe struct {
	title    string // the first comment line, without "# "
	commands []string
}

// cookbook reads the recipes from the README's "## Cookbook" code block.
func cookbook(t *testing.T) []recipe {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## Cookbook\n\n```sh\n(.*?)\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ## Cookbook section with a ```sh block")
	}
	var out []recipe
	for _, para := range strings.Split(string(m[1]), "\n\n") {
		var r recipe
		for _, l := range strings.Split(strings.TrimSpace(para), "\n") {
			switch {
			case strings.HasPrefix(l, "#") && r.title == "":
				r.title = strings.TrimSpace(strings.TrimPrefix(l, "#"))
			case strings.HasPrefix(l, "#"):
			default:
				r.commands = append(r.commands, l)
			}
		}
		if r.title == "" || len(r.commands) == 0 {
			t.Fatalf("cookbook paragraph without a title comment or a command:\n%s", para)
		}
		out = append(out, r)
	}
	return out
}

// kitchen is what the recipes run against: a fake forum, the ids the
// README's examples stand for, and the values they are replaced with.
type kitchen struct {
	f                                                 *forum
	truth                                             string // the truth database, the protected board unlocked
	env                                               []string
	board, longThread, shortThread, poster, protected string
}

// cook runs a recipe's commands, adapted to the fake forum (see adapt), in
// dir with bash, one after the other, and returns each command's exit
// status (with pipefail: any failing stage shows) and their stdout.
func (k *kitchen) cook(t *testing.T, r recipe, dir string) ([]int, string) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -o pipefail\n")
	for _, c := range r.commands {
		c = k.adapt(c)
		if strings.Contains(c, "# repeat while `pb-urls pending` lists pages") {
			// As the comment says: again while pages are pending (bounded).
			fmt.Fprintf(&script, "st=0; for i in $(seq 30); do pb-urls pending forum.db | grep -q . || break\n%s\nst=$?; done\necho \"$st\" >&3\n", c)
			continue
		}
		fmt.Fprintf(&script, "%s\necho \"$?\" >&3\n", c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir), k.env...)
	statusR, statusW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{statusW} // fd 3
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	statusW.Close()
	var codes []int
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, _ := readAll(statusR)
		for _, f := range strings.Fields(string(b)) {
			n, _ := strconv.Atoi(f)
			codes = append(codes, n)
		}
	}()
	err = cmd.Wait()
	<-done
	if err != nil || len(codes) != len(r.commands) {
		t.Fatalf("recipe %q: %v; statuses %v\nscript:\n%s\nstderr:\n%s", r.title, err, codes, script.String(), errb.String())
	}
	t.Logf("recipe %q: statuses %v\nstderr:\n%s", r.title, codes, lastLines(errb.String(), 12))
	return codes, out.String()
}

func readAll(f *os.File) ([]byte, error) {
	defer f.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(f)
	return b.Bytes(), err
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// adapt turns a README command into one for the fake forum: its URL for
// https://x.proboards.com, the ids of a suitable board, thread and user for
// the README's examples, the fake forum's login and board password, the
// repository's mirror.sh, "pb-urls URL/thread/N | pb-fetch" for "...", and
// no politeness delay (the tests' server is on loopback) for pb-fetch and
// pb-images, directly or through PB_FETCH_FLAGS.
func (k *kitchen) adapt(c string) string {
	if strings.HasPrefix(c, "... |") {
		c = "pb-urls " + k.f.URL + "/thread/" + k.shortThread + " | pb-fetch" + strings.TrimPrefix(c, "...")
	}
	acct := fakeforum.DefaultAccount
	c = strings.NewReplacer(
		"https://x.proboards.com", k.f.URL,
		"examples/mirror.sh", filepath.Join(root, "examples", "mirror.sh"),
		"pb-fetch", "pb-fetch --delay 0 --other-delay 0",
		"pb-images", "pb-images --delay 0 --other-delay 0",
		`PB_FETCH_FLAGS="`, `PB_FETCH_FLAGS="--delay 0 --other-delay 0 `,
		"board 12", "board "+k.board,
		"thread 3456", "thread "+k.longThread,
		"/thread/3456/", "/thread/"+k.longThread+"/",
		".user_id == 42", ".user_id == "+k.poster,
		"'6=the board password'", "'"+k.protected+"="+fakeforum.DefaultBoardPassword+"'",
		"PB_PASSWORD=...", "PB_PASSWORD='"+acct.Password+"'",
		"<(pass show forum)", "<(printf '%s\\n' '"+acct.Password+"')",
		"me@example.com", acct.Email,
	).Replace(c)
	return c
}

// TestCookbook runs every recipe of the README's cookbook against the fake
// forum and checks what it made: exit statuses, the database, the records
// it printed. A recipe added to the README without a check here fails the
// test, as does a check whose recipe is gone.
func TestCookbook(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 21, Size: "small", TruthUnlocked: true})
	k := &kitchen{f: f, truth: f.truthDB(t), env: []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0"}}
	one := func(q string) string {
		rows := query(t, k.truth, q)
		if len(rows) != 1 || rows[0] == "" {
			t.Fatalf("the fake forum has no example for the cookbook: %s", q)
		}
		return rows[0]
	}
	open := `coalesce(password_protected, 0) = 0`
	// The same forum as a visitor without the board password sees it.
	locked := startForum(t, fakeforum.Config{Seed: 21, Size: "small"})
	locked.URL = f.URL
	lockedTruth := without(locked.truthDump(t), plainOnly)
	lockedDB := locked.truthDB(t)
	protected := query(t, lockedDB, `SELECT id FROM board WHERE password_protected = 1`)
	if len(protected) != 1 {
		t.Fatalf("the fake forum has %d protected boards, want 1", len(protected))
	}
	k.protected = protected[0]
	// Stands for "board 12": an open board with open sub-boards.
	k.board = one(`SELECT p.id FROM board p WHERE ` + open + ` AND EXISTS (SELECT 1 FROM board c WHERE c.parent_id = p.id AND ` + open + `) ORDER BY p.id LIMIT 1`)
	// "thread 3456": a thread of two pages or more, in an open board (30 posts a page).
	k.longThread = one(`SELECT t.id FROM thread t JOIN board b ON b.id = t.board_id JOIN post p ON p.thread_id = t.id
		WHERE coalesce(b.password_protected, 0) = 0 GROUP BY t.id HAVING count(*) > 30 ORDER BY count(*) LIMIT 1`)
	// The thread "..." streams: one page, several posters, several days.
	k.shortThread = one(`SELECT t.id FROM thread t JOIN board b ON b.id = t.board_id JOIN post p ON p.thread_id = t.id
		WHERE coalesce(b.password_protected, 0) = 0 GROUP BY t.id HAVING count(*) <= 30
		ORDER BY count(DISTINCT p.user_id) DESC, count(DISTINCT p.date / 86400000) DESC, t.id LIMIT 1`)
	// "user_id == 42": the member with the most posts in that thread.
	k.poster = one(`SELECT user_id FROM post WHERE thread_id = ` + k.shortThread + ` AND user_id > 0
		GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`)
	plainTruth := without(f.truthDump(t), plainOnly)

	// A finished archive of the whole forum, for the recipes that start
	// from one, made as they are run: without the board password.
	finished := t.TempDir()
	if code, logs := runMirror(t, f.URL, finished, nil, k.env...); code != 1 || !onlyLockedBoardsLeft(t, finished, k.env) {
		t.Fatalf("mirroring the forum for the recipes: exit %d, want 1 for the locked board\n%s", code, logs)
	}
	copyArchive := func(t *testing.T) string {
		dir := t.TempDir()
		if out, err := exec.Command("cp", "-a", finished+"/.", dir).CombinedOutput(); err != nil {
			t.Fatalf("copying the archive: %v\n%s", err, out)
		}
		return dir
	}
	// okOrLocked accepts mirror.sh's exit 1 only for the protected board,
	// which recipes without its password cannot open.
	okOrLocked := func(t *testing.T, code int, dir string) {
		t.Helper()
		if code != 0 && !(code == 1 && onlyLockedBoardsLeft(t, dir, k.env)) {
			t.Errorf("mirror.sh exited %d", code)
		}
	}
	threadsOf := func(db, where string) []string {
		return query(t, db, `SELECT id, board_id, title, user_id, locked, sticky FROM thread WHERE `+where+` ORDER BY id`)
	}
	postsOf := func(db, where string) []string {
		return query(t, db, `SELECT id, thread_id, user_id, date, message FROM post WHERE `+where+` ORDER BY id`)
	}
	tree := `board_id IN (WITH RECURSIVE tree(id) AS (SELECT ` + k.board + ` UNION SELECT b.id FROM board b JOIN tree ON b.parent_id = tree.id WHERE ` + open + `) SELECT id FROM tree)`
	same := func(t *testing.T, what string, got, want []string) {
		t.Helper()
		if len(want) == 0 {
			t.Fatalf("%s: the truth has none; the check proves nothing", what)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: got %d rows, want %d\n got %.300q\nwant %.300q", what, len(got), len(want), got, want)
		}
	}
	allZero := func(t *testing.T, codes []int) {
		t.Helper()
		for i, c := range codes {
			if c != 0 {
				t.Errorf("command %d exited %d", i+1, c)
			}
		}
	}

	checks := map[string]func(t *testing.T, r recipe){
		"The whole forum (the home page leads to everything else)": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			codes, _ := k.cook(t, r, dir)
			allZero(t, codes)
			same(t, "the frontier", query(t, filepath.Join(dir, "forum.db"), `SELECT url, kind, state FROM crawl`),
				[]string{f.URL + "/ | home | pending"})
		},
		"One board (with its sub-boards and all their threads), one thread, or the members only:": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			codes, _ := k.cook(t, r, dir)
			for i, sub := range []string{"board12", "thread3456", "members"} {
				okOrLocked(t, codes[i], filepath.Join(dir, sub))
			}
			same(t, "board "+k.board+"'s threads", threadsOf(filepath.Join(dir, "board12", "forum.db"), "1"), threadsOf(k.truth, tree))
			same(t, "board "+k.board+"'s posts", postsOf(filepath.Join(dir, "board12", "forum.db"), "1"),
				postsOf(k.truth, `thread_id IN (SELECT id FROM thread WHERE `+tree+`)`))
			same(t, "thread "+k.longThread+"'s posts", postsOf(filepath.Join(dir, "thread3456", "forum.db"), "1"),
				postsOf(k.truth, "thread_id = "+k.longThread))
			// Members only: guests (negative ids) appear in posts, not in the members list.
			members := `SELECT * FROM user WHERE id > 0 ORDER BY id`
			same(t, "the members", query(t, filepath.Join(dir, "members", "forum.db"), members), query(t, k.truth, members))
		},
		"The same by hand: one pass fetches the start page; each further pass follows the links it found": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			codes, _ := k.cook(t, r, dir)
			allZero(t, codes)
			db := filepath.Join(dir, "forum.db")
			if left := query(t, db, `SELECT url FROM crawl WHERE state != 'done' AND render = 0
				AND coalesce(last_error, '') NOT LIKE 'password protected%'`); len(left) != 0 {
				t.Errorf("the loop ended with pages left: %q", left)
			}
			same(t, "board "+k.board+"'s threads", threadsOf(db, "1"), threadsOf(k.truth, tree))
			same(t, "board "+k.board+"'s posts", postsOf(db, "1"), postsOf(k.truth, `thread_id IN (SELECT id FROM thread WHERE `+tree+`)`))
			if files, _ := filepath.Glob(filepath.Join(dir, "images", "*.*")); len(files) == 0 {
				t.Error("pb-images put no image in ./images")
			}
		},
		"Any forum URL, straight to the screen": func(t *testing.T, r recipe) {
			codes, out := k.cook(t, r, t.TempDir())
			allZero(t, codes)
			all := query(t, k.truth, `SELECT id FROM post WHERE thread_id = `+k.longThread)
			want := min(30, len(all)-30) // page 2
			in := map[string]bool{}
			for _, id := range all {
				in[id] = true
			}
			recs := jsonLines(t, out)
			for _, p := range recs {
				if p["type"] != "post" || !in[fmt.Sprint(p["id"])] {
					t.Errorf("printed %v, not a post of thread %s", p, k.longThread)
				}
			}
			if len(recs) != want {
				t.Errorf("printed %d posts, want the %d of page 2", len(recs), want)
			}
		},
		"What is left, what is done": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			run(t, nil, bytes.NewBufferString(run(t, nil, nil, "pb-urls", "--site", f.URL, "forum")), "pb-load", "-q", filepath.Join(dir, "forum.db"))
			codes, out := k.cook(t, r, dir)
			allZero(t, codes)
			if !regexp.MustCompile(`(?m)^\s+1 home$`).MatchString(out) || !strings.Contains(out, "crawl: pending 1;") {
				t.Errorf("a freshly seeded archive: want one pending home page; got\n%s", out)
			}
		},
		"Refresh an archive: re-queue the home page, board lists, the members list and the last page of every": func(t *testing.T, r recipe) {
			dir := copyArchive(t)
			f.SetGeneration(1)
			defer f.SetGeneration(0)
			f.log.Take()
			codes, _ := k.cook(t, r, dir)
			okOrLocked(t, codes[0], dir)
			fetched := pathsOf(f.log.Take(), mustHost(t, f.URL))
			if len(fetched) == 0 || fetched[0] != "/" {
				t.Errorf("the refresh did not fetch the home page again: %q", fetched)
			}
			// Every post of the grown forum is in the archive (vanished ones stay, marked).
			db := filepath.Join(dir, "forum.db")
			var truth bytes.Buffer
			if err := f.WriteTruth(&truth, f.URL); err != nil {
				t.Fatal(err)
			}
			newTruth := filepath.Join(t.TempDir(), "truth1.db")
			run(t, nil, &truth, "pb-load", "-q", newTruth)
			have := map[string]bool{}
			for _, p := range postsOf(db, "1") {
				have[p] = true
			}
			missing := 0
			for _, p := range postsOf(newTruth, `thread_id NOT IN (SELECT id FROM thread WHERE board_id = `+k.protected+`)`) {
				if !have[p] {
					missing++
				}
			}
			if missing > 0 {
				t.Errorf("%d posts of the grown forum are not in the refreshed archive", missing)
			}
		},
		"Resume after Ctrl-C: run the same command again": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			// The first run, interrupted as Ctrl-C does: SIGINT to the whole job.
			cmd := exec.Command("bash", filepath.Join(root, "examples", "mirror.sh"), f.URL, ".")
			cmd.Dir = dir
			cmd.Env = append(append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir), k.env...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			finished := make(chan struct{})
			go func() { cmd.Wait(); close(finished) }()
			select {
			case <-time.After(time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
				<-finished
				if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(errb.String(), "mirror: interrupted") {
					t.Errorf("interrupted mirror.sh: exit %d, want 130 and a word on stderr:\n%s", code, lastLines(errb.String(), 5))
				}
			case <-finished: // done within a second: the rerun has nothing to do, still a valid resume
			}
			codes, _ := k.cook(t, r, dir)
			okOrLocked(t, codes[0], dir)
			got := without(dump(t, filepath.Join(dir, "forum.db")), plainOnly)
			// Without the board password the protected board stays locked.
			requireEqual(t, "resumed mirror", lockedTruth, got)
		},
		"Only the posts of one user, straight from the stream": func(t *testing.T, r recipe) {
			codes, out := k.cook(t, r, t.TempDir())
			allZero(t, codes)
			var got []string
			for _, p := range jsonLines(t, out) {
				if len(p) != 3 {
					t.Errorf("printed %v, want {id, thread_id, date}", p)
				}
				got = append(got, fmt.Sprintf("%v | %v | %v", p["id"], p["thread_id"], p["date"]))
			}
			sort.Strings(got)
			want := query(t, k.truth, `SELECT id, thread_id, date FROM post WHERE thread_id = `+k.shortThread+` AND user_id = `+k.poster+` ORDER BY id`)
			sort.Strings(want)
			same(t, "user "+k.poster+"'s posts", got, want)
		},
		"Posts per day, from the stream (dates are milliseconds since the epoch)": func(t *testing.T, r recipe) {
			codes, out := k.cook(t, r, t.TempDir())
			allZero(t, codes)
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				f := strings.Fields(l)
				if len(f) == 2 {
					got = append(got, f[1]+" | "+f[0])
				} else {
					t.Errorf("line %q is not COUNT DAY", l)
				}
			}
			want := query(t, k.truth, `SELECT strftime('%Y-%m-%d', date / 1000, 'unixepoch'), count(*) FROM post
				WHERE thread_id = `+k.shortThread+` GROUP BY 1 ORDER BY 1`)
			same(t, "posts per day", got, want)
		},
		"Keep the raw pages too (for re-parsing later without fetching again)": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			db := filepath.Join(dir, "forum.db")
			run(t, nil, bytes.NewBufferString(run(t, nil, nil, "pb-urls", "--site", f.URL, "thread", k.shortThread)), "pb-load", "-q", db)
			var first []string
			// The first line alone, then both: the second reloads what the first kept.
			codes, _ := k.cook(t, recipe{r.title, r.commands[:1]}, dir)
			allZero(t, codes)
			first = postsOf(db, "1")
			same(t, "the thread's posts", first, postsOf(k.truth, "thread_id = "+k.shortThread))
			pages := 0
			for _, p := range jsonLines(t, mustRead(t, filepath.Join(dir, "pages.ndjson"))) {
				if p["type"] == "page" {
					pages++
				}
			}
			if pages != 1 {
				t.Errorf("pages.ndjson holds %d page records, want 1", pages)
			}
			codes, _ = k.cook(t, recipe{r.title, r.commands[1:]}, dir)
			allZero(t, codes)
			same(t, "after reloading the kept pages", postsOf(db, "1"), first)
			// The kept pages alone rebuild the same posts in a new archive.
			fresh := t.TempDir()
			os.Rename(filepath.Join(dir, "pages.ndjson"), filepath.Join(fresh, "pages.ndjson"))
			codes, _ = k.cook(t, recipe{r.title, r.commands[1:]}, fresh)
			allZero(t, codes)
			same(t, "the kept pages, parsed again", postsOf(filepath.Join(fresh, "forum.db"), "1"), first)
		},
		// A real forum logs in on login.proboards.com, which a test cannot
		// reach; the fake forum serves the same form on its own host, and
		// pb-fetch follows the home page's login link either way.
		"Members-only forums: log in once, keep the cookies, mirror with them": func(t *testing.T, r recipe) {
			gated := startForum(t, fakeforum.Config{Seed: 21, Size: "small", Faults: map[string]float64{fakeforum.FaultLogin: 1}})
			k2 := *k
			k2.f = gated
			dir := t.TempDir()
			codes, _ := k2.cook(t, r, dir)
			if codes[0] != 0 {
				t.Errorf("logging in exited %d", codes[0])
			}
			if _, err := os.Stat(filepath.Join(dir, "cookies.txt")); err != nil {
				t.Fatalf("no cookies.txt: %v", err)
			}
			okOrLocked(t, codes[1], dir)
			for _, e := range gated.log.Take() {
				if e.Fault == fakeforum.FaultLogin {
					t.Fatalf("%s was sent to the login page: the session was not used", e.Path)
				}
			}
			requireEqual(t, "members-only mirror", without(gated.truthDump(t), plainOnly), without(dump(t, filepath.Join(dir, "forum.db")), plainOnly))
		},
		"... or with cookies exported from your browser; pb-urls checks the file before anything is fetched": func(t *testing.T, r recipe) {
			gated := startForum(t, fakeforum.Config{Seed: 21, Size: "small", Faults: map[string]float64{fakeforum.FaultLogin: 1}})
			k2 := *k
			k2.f = gated
			dir := t.TempDir()
			s := gated.SessionCookie()
			export := "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\t" + s.Name + "\t" + s.Value + "\n"
			if err := os.WriteFile(filepath.Join(dir, "cookies.txt"), []byte(export), 0o600); err != nil {
				t.Fatal(err)
			}
			codes, _ := k2.cook(t, r, dir)
			allZero(t, codes)
			for _, e := range gated.log.Take() {
				if e.Fault == fakeforum.FaultLogin {
					t.Fatalf("%s was sent to the login page: the cookies were not used", e.Path)
				}
			}
			db := filepath.Join(dir, "forum.db")
			same(t, "the members list page", query(t, db, `SELECT kind, state FROM crawl WHERE kind = 'members' AND state = 'done'`), []string{"members | done"})
			if n := len(query(t, db, `SELECT url FROM crawl WHERE kind = 'user' AND state = 'pending'`)); n == 0 {
				t.Error("the members list led to no profile")
			}
		},
		"A password-protected board": func(t *testing.T, r recipe) {
			dir := t.TempDir()
			codes, _ := k.cook(t, r, dir)
			allZero(t, codes)
			db := filepath.Join(dir, "forum.db")
			if n := query(t, db, `SELECT count(*) FROM post WHERE thread_id IN (SELECT id FROM thread WHERE board_id = `+k.protected+`)`); n[0] == "0" {
				t.Errorf("the protected board %s has no posts in the archive", k.protected)
			}
			requireEqual(t, "mirror with the board's password", plainTruth, without(dump(t, db), plainOnly))
		},
		"Which images could not be archived, and why": func(t *testing.T, r recipe) {
			codes, out := k.cook(t, r, copyArchive(t))
			allZero(t, codes)
			got := strings.Split(strings.TrimSpace(out), "\n")
			sort.Strings(got)
			want := query(t, lockedDB, `SELECT i.url, s.status FROM image i JOIN image_status s ON s.image_id = i.id WHERE i.filename IS NULL`)
			for i := range want {
				want[i] = strings.ReplaceAll(want[i], " | ", "|")
			}
			sort.Strings(want)
			same(t, "images without a file", got, want)
		},
	}

	seen := map[string]bool{}
	for _, r := range cookbook(t) {
		seen[r.title] = true
		check := checks[r.title]
		if check == nil {
			t.Errorf("the README's recipe %q has no check in TestCookbook", r.title)
			continue
		}
		t.Run(r.title, func(t *testing.T) { check(t, r) })
	}
	for title := range checks {
		if !seen[title] {
			t.Errorf("TestCookbook checks %q, which is no longer in the README's cookbook", title)
		}
	}
}

func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(l))
		d.UseNumber() // ids and dates as written, not as floats
		if err := d.Decode(&m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
