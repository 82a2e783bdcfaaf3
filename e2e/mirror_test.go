package e2e

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/store"
)

// plainOnly are the tables an archive made without a browser cannot hold
// completely: moderators, poll voters and the likes behind a dialog.
var plainOnly = map[string]bool{"moderator": true, "poll_voter": true, "post_like": true}

// TestMirrorEqualsTruth mirrors the small fake forum with --render and
// checks every table against the ground truth, and every image on disk.
func TestMirrorEqualsTruth(t *testing.T) {
	chromium(t)
	f := startForum(t, fakeforum.Config{Seed: 1, Size: "small"})
	out := t.TempDir()
	mirror(t, f.URL, out, "PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=1")
	got := dump(t, filepath.Join(out, "forum.db"))
	requireEqual(t, "mirror with --render", f.truthDump(t), got)
	checkImages(t, filepath.Join(out, "forum.db"), filepath.Join(out, "images"))
}

// TestMirrorOddFormsEqualsTruth mirrors, with --render, a forum that also
// serves the odd forms real ProBoards does not send (query-only page links,
// image URLs relative to the forum, thread pages without a.thread-link,
// views as a JSON number) and expects the whole truth, custom profile
// fields included.
func TestMirrorOddFormsEqualsTruth(t *testing.T) {
	chromium(t)
	f := startForum(t, fakeforum.Config{Seed: 8, Size: "small", OddForms: true})
	out := t.TempDir()
	mirror(t, f.URL, out, "PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=1")
	want := f.truthDump(t)
	if len(want["user_field"]) == 0 {
		t.Fatal("the truth has no custom profile fields; the test proves nothing")
	}
	requireEqual(t, "mirror of the odd forms", want, dump(t, filepath.Join(out, "forum.db")))
	checkImages(t, filepath.Join(out, "forum.db"), filepath.Join(out, "images"))
}

// checkImages verifies that every archived image is on disk once, under its
// MD5 with its size, and that nothing else is in the folder.
func checkImages(t *testing.T, db, dir string) {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(`SELECT filename, md5_hash, size FROM image WHERE filename IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]bool{}
	for rows.Next() {
		var name, sum string
		var size int64
		if err := rows.Scan(&name, &sum, &size); err != nil {
			t.Fatal(err)
		}
		want[name] = true
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("image %s: %v", name, err)
			continue
		}
		h := md5.Sum(b)
		if hex.EncodeToString(h[:]) != sum || !strings.HasPrefix(name, sum+".") || int64(len(b)) != size {
			t.Errorf("image %s: md5 %x, %d bytes; the database says %s, %d", name, h, len(b), sum, size)
		}
	}
	if len(want) == 0 {
		t.Fatal("no images archived")
	}
	files, _ := os.ReadDir(dir)
	for _, fi := range files {
		// pb-images keeps its index of downloaded URLs as a dotfile.
		if !want[fi.Name()] && !strings.HasPrefix(fi.Name(), ".") {
			t.Errorf("stray file in the images folder: %s", fi.Name())
		}
	}
}

// TestMirrorThroughFaults mirrors a forum that answers 429, 503, resets
// connections and truncates bodies on 10% of requests each, rendering
// included, with short waits so that pages and images also fail whole
// passes, and expects exactly the archive of a faultless forum, every
// image file included.
func TestMirrorThroughFaults(t *testing.T) {
	chromium(t)
	faults, err := fakeforum.ParseFaults("429=0.1,503=0.1,reset=0.1,truncate=0.1")
	if err != nil {
		t.Fatal(err)
	}
	clean := startForum(t, fakeforum.Config{Seed: 2, Size: "small"})
	f := startForum(t, fakeforum.Config{Seed: 2, Size: "small", Faults: faults})
	out := t.TempDir()
	mirror(t, f.URL, out, "PB_FETCH_FLAGS=--delay 0 --other-delay 0 --max-wait 100ms --backoff 50ms --retries 2", "PB_RENDER=1")
	var faulted int
	for _, e := range f.log.Take() {
		if e.Fault != "" {
			faulted++
		}
	}
	if faulted == 0 {
		t.Fatal("no fault fired; the test proves nothing")
	}
	// The truth is the same forum's, seen from the faulty server's URL.
	clean.URL = f.URL
	requireEqual(t, "mirror through faults", clean.truthDump(t), dump(t, filepath.Join(out, "forum.db")))
	checkImages(t, filepath.Join(out, "forum.db"), filepath.Join(out, "images"))
	t.Logf("%d requests were faulted", faulted)
}

// TestKillAndResume kills the whole pipeline with SIGKILL at random moments,
// resumes it, and expects the database of one clean run; no page committed
// before a kill is fetched again after it.
func TestKillAndResume(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 3, Size: "small"})
	env := []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0"}
	cleanDir := t.TempDir()
	mirror(t, f.URL, cleanDir, env...)
	want := dump(t, filepath.Join(cleanDir, "forum.db"))
	f.log.Take()

	out := t.TempDir()
	db := filepath.Join(out, "forum.db")
	host := mustHost(t, f.URL)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 4; i++ {
		done := donePaths(t, db)
		killAfter(t, f.URL, out, env, time.Duration(150+rng.IntN(900))*time.Millisecond)
		for _, p := range pathsOf(f.log.Take(), host) {
			if done[p] {
				t.Errorf("kill %d: %s was fetched again after it was committed", i, p)
			}
		}
	}
	done := donePaths(t, db)
	mirror(t, f.URL, out, env...)
	for _, p := range pathsOf(f.log.Take(), host) {
		if done[p] {
			t.Errorf("resume: %s was fetched again after it was committed", p)
		}
	}
	requireEqual(t, "killed and resumed mirror", want, dump(t, db))
}

// killAfter starts mirror.sh in its own process group and SIGKILLs the group after d.
func killAfter(t *testing.T, site, out string, env []string, d time.Duration) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(root, "examples", "mirror.sh"), site, out)
	cmd.Env = append(append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"), "PB_BIN="+binDir), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	finished := make(chan error, 1)
	go func() { finished <- cmd.Wait() }()
	select {
	case <-time.After(d):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-finished
	case <-finished: // it completed before the kill: fine, the next runs have nothing to do
	}
}

// donePaths returns the forum paths the archive has committed as done.
func donePaths(t *testing.T, db string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if _, err := os.Stat(db); err != nil {
		return out
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(`SELECT url FROM crawl WHERE state = 'done' AND render = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		rows.Scan(&u)
		pu, _ := url.Parse(u)
		out[pu.RequestURI()] = true
	}
	return out
}

func mustHost(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestRerunAndRefresh: a finished archive fetches nothing; after the forum
// grows, a refresh fetches only pages that may have changed and the archive
// then equals the new truth, keeping edited posts' earlier versions and
// marking vanished posts instead of erasing them.
func TestRerunAndRefresh(t *testing.T) {
	f := startForum(t, fakeforum.Config{Seed: 4, Size: "small"})
	env := []string{"PB_FETCH_FLAGS=--delay 0 --other-delay 0", "PB_RENDER=0"}
	out := t.TempDir()
	db := filepath.Join(out, "forum.db")
	mirror(t, f.URL, out, env...)
	f.log.Take()

	mirror(t, f.URL, out, env...)
	if es := f.log.Take(); len(es) != 0 {
		t.Fatalf("a rerun on a finished archive made %d requests, e.g. %s", len(es), es[0].Path)
	}

	known := crawlURLs(t, db)
	last := lastPages(known)
	f.SetGeneration(1)
	run(t, nil, nil, "pb-urls", "refresh", db)
	mirror(t, f.URL, out, env...)
	host := mustHost(t, f.URL)
	for _, p := range pathsOf(f.log.Take(), host) {
		u := "http://" + host + p
		if forumurl.Kind(u) != "" && !mayChange(u, known, last) {
			t.Errorf("refresh fetched %s, which cannot have changed", p)
		}
	}

	got := dump(t, db)
	want := f.truthDump(t)
	// Vanished posts stay in the archive, marked in post_deleted.
	deleted := deletedPosts(t, db)
	if len(deleted) == 0 {
		t.Error("the grown forum deleted a post, but the archive marked none deleted")
	}
	got["post"] = dropRows(got["post"], deleted)
	requireEqual(t, "refreshed archive", without(want, plainOnly), without(got, plainOnly))
	if n := countRows(t, db, "post_revision"); n == 0 {
		t.Error("an edited post kept no earlier version in post_revision")
	}
}

// crawlURLs returns every URL the archive's frontier knows.
func crawlURLs(t *testing.T, db string) map[string]bool {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(`SELECT url FROM crawl`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		rows.Scan(&u)
		out[u] = true
	}
	return out
}

// lastPages maps each known thread id to its highest known page.
func lastPages(known map[string]bool) map[int64]int {
	out := map[int64]int{}
	for u := range known {
		if forumurl.Kind(u) == "thread" {
			id, p := forumurl.ID(u), forumurl.Page(u)
			if p > out[id] {
				out[id] = p
			}
		}
	}
	return out
}

// mayChange says whether a refresh is allowed to fetch the page u: lists
// and the home page, the last known page of a thread or later, and pages
// the archive did not know before.
func mayChange(u string, known map[string]bool, last map[int64]int) bool {
	canon := forumurl.CanonicalOrRaw(u)
	if !known[canon] {
		return true
	}
	switch forumurl.Kind(canon) {
	case "home", "board", "members":
		return true
	case "thread":
		return forumurl.Page(canon) >= last[forumurl.ID(canon)]
	}
	return false
}

func countRows(t *testing.T, db, table string) int {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func deletedPosts(t *testing.T, db string) map[string]bool {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(`SELECT post_id FROM post_deleted`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out[fmt.Sprintf("id=%d | ", id)] = true
	}
	return out
}

// dropRows removes the dumped rows whose id is in ids (keys "id=N | ").
func dropRows(rows []string, ids map[string]bool) []string {
	var out []string
	for _, r := range rows {
		i := strings.Index(r, " | ")
		if i < 0 || !ids[r[:i+3]] {
			out = append(out, r)
		}
	}
	return out
}
