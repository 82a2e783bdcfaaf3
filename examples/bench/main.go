// Command bench measures the pb tools against the fake forum on loopback
// and prints the figures the README reports, as Markdown. `make bench`
// runs it after the Go benchmarks; see examples/bench.sh.
//
//	go run ./examples/bench --bin bin --size medium [--large]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/schema"
)

type options struct {
	Bin   string   `help:"Directory of the built tools." default:"bin"`
	Size  string   `help:"Fake forum size for the fetch, load and mirror figures." default:"medium"`
	Large bool     `help:"Also measure pb-load's peak memory on the large truth."`
	Pages int      `help:"Pages for the fetch benchmark." default:"3000"`
	Work  string   `help:"Scratch directory (default: a temporary one, removed after)."`
	Only  []string `help:"Run only these sections (fetch, load, mirror, site; default all)." enum:"fetch,load,mirror,site" placeholder:"SECTION"`
}

// want reports whether a section is to run.
func (o options) want(section string) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, s := range o.Only {
		if s == section {
			return true
		}
	}
	return false
}

func main() {
	var o options
	kong.Parse(&o, kong.Description("Measure the pb tools against the fake forum on 127.0.0.1."))
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// usage is what one process cost.
type usage struct {
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // bytes
}

// measure runs bin with args, stdin from in and stdout to out, and returns
// its cost. GNU time, when installed, reports the peak memory: the rusage
// of a child forked from this (large) process would count this process's
// memory as the child's.
func measure(bin string, args []string, in io.Reader, out io.Writer) (usage, error) {
	var report string
	cmd := exec.Command(bin, args...)
	if gnuTime, err := exec.LookPath("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp("", "pb-bench-time")
		if err != nil {
			return usage{}, err
		}
		f.Close()
		report = f.Name()
		defer os.Remove(report)
		cmd = exec.Command(gnuTime, append([]string{"-f", "%e %U %S %M", "-o", report, bin}, args...)...)
	}
	cmd.Stdin, cmd.Stdout = in, out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	u := usage{Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			u.MaxRSS = ru.Maxrss * 1024
		}
		if cmd.ProcessState.ExitCode() == 1 {
			err = nil // some pages failed: expected on a forum with a password board
		}
	}
	if report != "" {
		b, rerr := os.ReadFile(report)
		var wall, user, sys float64
		var kb int64
		// The last line: GNU time puts "Command exited with non-zero status" first.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if rerr == nil && len(lines) > 0 {
			if _, perr := fmt.Sscanf(lines[len(lines)-1], "%f %f %f %d", &wall, &user, &sys, &kb); perr == nil {
				u.CPU = time.Duration((user + sys) * float64(time.Second))
				u.MaxRSS = kb * 1024
			}
		}
	}
	if err != nil {
		return u, fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return u, nil
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

func run(o options) error {
	work := o.Work
	if work == "" {
		d, err := os.MkdirTemp("", "pb-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	tool := func(name string) string { return filepath.Join(o.Bin, name) }

	forum, err := fakeforum.New(fakeforum.Config{Seed: 1, Size: o.Size})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(forum)
	defer srv.Close()
	st := forum.Stats()
	fmt.Printf("Fake forum %q: %d users, %d boards, %d threads, %d posts, %d pages.\n\n",
		o.Size, st.Users, st.Boards, st.Threads, st.Posts, st.Pages)

	truth := filepath.Join(work, "truth.ndjson")
	if err := writeTruth(forum, srv.URL, truth); err != nil {
		return err
	}

	if o.want("fetch") {
		if err := benchFetch(o, tool, srv.URL, truth, work); err != nil {
			return err
		}
	}
	if o.want("load") {
		ratio, err := benchLoad(tool, truth, work, o.Size)
		if err != nil {
			return err
		}
		if o.Large {
			if err := benchLargeLoad(tool, work); err != nil {
				return err
			}
		}
		fmt.Printf("\n%s\n", ratio)
	}
	if o.want("mirror") {
		if err := benchMirror(tool, srv.URL, work, st.Pages); err != nil {
			return err
		}
	}
	if o.want("site") {
		return benchSite(tool, truth, work, o.Size, o.Large)
	}
	return nil
}

func writeTruth(f *fakeforum.Forum, base, path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	if err := f.WriteTruth(w, base); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Close()
}

// pageURLs picks n page URLs (threads, boards, profiles) from the truth.
func pageURLs(truth string, n int) ([]string, error) {
	f, err := os.Open(truth)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := cli.NewReader(f)
	var urls []string
	for len(urls) < n {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch l.Type {
		case record.TypeThread, record.TypeBoard, record.TypeUser:
			var v struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(l.Raw, &v) == nil && v.URL != "" {
				urls = append(urls, v.URL)
			}
		}
	}
	return urls, nil
}

// benchFetch compares pb-fetch --delay 0 -c 32 with a plain net/http loop.
func benchFetch(o options, tool func(string) string, base, truth, work string) error {
	urls, err := pageURLs(truth, o.Pages)
	if err != nil {
		return err
	}
	var in bytes.Buffer
	for _, u := range urls {
		fmt.Fprintf(&in, `{"type":"url","url":%q}`+"\n", u)
	}
	var body countWriter
	u, err := measure(tool("pb-fetch"), []string{"--delay", "0", "-c", "32", "-q", "--robots", "ignore"}, &in, &body)
	if err != nil {
		return err
	}
	plain, bytes := plainFetch(urls, 32)
	pbRate := float64(len(urls)) / u.Wall.Seconds()
	plainRate := float64(len(urls)) / plain.Seconds()
	fmt.Printf("### pb-fetch\n\n| | pages/s | time for %d pages |\n|---|---|---|\n", len(urls))
	fmt.Printf("| `pb-fetch --delay 0 -c 32` | %.0f | %.2f s (CPU %.2f s, peak %s) |\n", pbRate, u.Wall.Seconds(), u.CPU.Seconds(), mb(u.MaxRSS))
	fmt.Printf("| plain Go `net/http` loop, 32 workers | %.0f | %.2f s (%s of bodies) |\n", plainRate, plain.Seconds(), mb(bytes))
	fmt.Printf("\npb-fetch reaches **%.0f%%** of the plain loop's rate (same server, same pages, loopback).\n\n", 100*pbRate/plainRate)
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func plainFetch(urls []string, workers int) (time.Duration, int64) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total int64
	start := time.Now()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				resp, err := client.Get(u)
				if err != nil {
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				total += n
				mu.Unlock()
			}
		}()
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	return time.Since(start), total
}

// benchLoad loads the whole truth with pb-load, then compares pb-load with
// sqlite3's .import on exactly the same rows (the main tables, as NDJSON
// for one and CSV for the other). It prints table rows and returns the
// sentence with the ratio, for after the large row.
func benchLoad(tool func(string) string, truth, work, size string) (string, error) {
	n, err := countLines(truth)
	if err != nil {
		return "", err
	}
	u, err := loadFile(tool, truth, filepath.Join(work, "load.db"))
	if err != nil {
		return "", err
	}
	fmt.Printf("### pb-load\n\n| | records/s | time | peak memory |\n|---|---|---|---|\n")
	fmt.Printf("| `pb-load`, whole %s truth (%d records) | %.0f | %.2f s | %s |\n", size, n, float64(n)/u.Wall.Seconds(), u.Wall.Seconds(), mb(u.MaxRSS))
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		return "(sqlite3 is not installed: no .import comparison)\n", nil
	}
	subset := filepath.Join(work, "subset.ndjson")
	script, rows, err := csvImport(truth, subset, work)
	if err != nil {
		return "", err
	}
	su, err := loadFile(tool, subset, filepath.Join(work, "subset.db"))
	if err != nil {
		return "", err
	}
	iu, err := measure(sqlite, []string{filepath.Join(work, "import.db")}, strings.NewReader(script), io.Discard)
	if err != nil {
		return "", err
	}
	rate, irate := float64(rows)/su.Wall.Seconds(), float64(rows)/iu.Wall.Seconds()
	fmt.Printf("| `pb-load`, the %d rows of the main tables | %.0f | %.2f s | %s |\n", rows, rate, su.Wall.Seconds(), mb(su.MaxRSS))
	fmt.Printf("| `sqlite3` `.import` of the same %d rows as CSV | %.0f | %.2f s | %s |\n", rows, irate, iu.Wall.Seconds(), mb(iu.MaxRSS))
	return fmt.Sprintf("On the same rows pb-load runs at **%.0f%%** of sqlite3's CSV import, the practical ceiling "+
		"(which parses no JSON, merges nothing and keeps no crawl state).\n", 100*rate/irate), nil
}

// loadFile runs pb-load on one NDJSON file into db.
func loadFile(tool func(string) string, path, db string) (usage, error) {
	in, err := os.Open(path)
	if err != nil {
		return usage{}, err
	}
	defer in.Close()
	return measure(tool("pb-load"), []string{"-q", db}, in, io.Discard)
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

// csvTables maps record types to the table columns their CSV fills.
var csvTables = map[string][]string{
	"category": {"id", "name"},
	"board":    {"id", "category_id", "description", "name", "parent_id", "password_protected", "url"},
	"thread":   {"id", "announcement", "board_id", "locked", "sticky", "title", "url", "user_id", "views"},
	"post":     {"id", "date", "edit_user_id", "last_edited", "message", "thread_id", "url", "user_id"},
	"user": {"id", "age", "birthdate", "date_registered", "email", "instant_messengers", "gender", "group",
		"last_online", "latest_status", "location", "name", "post_count", "signature", "url", "username",
		"website", "website_url"},
	"shoutbox_post": {"id", "date", "message", "user_id"},
	"poll":          {"id", "name"},
	"poll_option":   {"id", "poll_id", "name", "votes"},
}

// csvImport writes the truth's main tables as CSV files, and the same
// records as NDJSON to subset, and returns the sqlite3 script that imports
// the CSV into a database with pb's schema.
func csvImport(truth, subset, work string) (string, int, error) {
	f, err := os.Open(truth)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	writers := map[string]*csv.Writer{}
	var files []*os.File
	var script strings.Builder
	script.WriteString(schema.SQL + "\n.mode csv\n")
	for t := range csvTables {
		p := filepath.Join(work, t+".csv")
		out, err := os.Create(p)
		if err != nil {
			return "", 0, err
		}
		files = append(files, out)
		writers[t] = csv.NewWriter(out) // buffered inside
		fmt.Fprintf(&script, ".import %s %s\n", p, t)
	}
	sub, err := os.Create(subset)
	if err != nil {
		return "", 0, err
	}
	defer sub.Close()
	subw := bufio.NewWriter(sub)
	defer subw.Flush()
	r := cli.NewReader(f)
	rows := 0
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", 0, err
		}
		cols, ok := csvTables[l.Type]
		if !ok {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(l.Raw, &m); err != nil {
			return "", 0, err
		}
		if l.Type == "post" && m["user_id"] == nil {
			m["user_id"] = record.GuestID(fmt.Sprint(m["guest_name"]))
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			switch v := m[c].(type) {
			case nil:
			case bool:
				row[i] = map[bool]string{true: "1", false: "0"}[v]
			case float64:
				row[i] = fmt.Sprintf("%.0f", v)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		writers[l.Type].Write(row)
		subw.Write(l.Raw)
		subw.WriteByte('\n')
		rows++
	}
	for _, w := range writers {
		w.Flush()
	}
	for _, out := range files {
		out.Close()
	}
	return script.String(), rows, nil
}

// benchLargeLoad reports pb-load's peak memory on the large truth, to show
// memory does not grow with the input.
func benchLargeLoad(tool func(string) string, work string) error {
	forum, err := fakeforum.New(fakeforum.Config{Seed: 1, Size: "large"})
	if err != nil {
		return err
	}
	// Written to a file first, so the figure is pb-load's, not the generator's.
	path := filepath.Join(work, "large.ndjson")
	if err := writeTruth(forum, "http://127.0.0.1:1", path); err != nil {
		return err
	}
	defer os.Remove(path)
	n, err := countLines(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	u, err := measure(tool("pb-load"), []string{"-q", filepath.Join(work, "large.db")}, in, io.Discard)
	if err != nil {
		return err
	}
	fmt.Printf("| `pb-load`, whole large truth (%d records, %s) | %.0f | %.1f s | %s |\n",
		n, mb(fi.Size()), float64(n)/u.Wall.Seconds(), u.Wall.Seconds(), mb(u.MaxRSS))
	return nil
}

// benchMirror runs the crawl loop stage by stage through files, so each
// tool's CPU time and peak memory can be told apart.
func benchMirror(tool func(string) string, site, work string, pages int) error {
	db := filepath.Join(work, "mirror.db")
	images := filepath.Join(work, "images")
	per := map[string]*usage{}
	order := []string{"pb-urls", "pb-fetch", "pb-parse", "pb-images", "pb-load"}
	for _, t := range order {
		per[t] = &usage{}
	}
	add := func(t string, u usage) {
		p := per[t]
		p.Wall += u.Wall
		p.CPU += u.CPU
		p.MaxRSS = max(p.MaxRSS, u.MaxRSS)
	}
	step := func(t string, args []string, in, out string) error {
		var r io.Reader = strings.NewReader("")
		if in != "" {
			f, err := os.Open(in)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		w := io.Discard
		if out != "" {
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		u, err := measure(tool(t), args, r, w)
		add(t, u)
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	start := time.Now()
	seed := filepath.Join(work, "seed.ndjson")
	if err := step("pb-urls", []string{"--site", site, "forum"}, "", seed); err != nil {
		return err
	}
	if err := step("pb-load", []string{"-q", db}, seed, ""); err != nil {
		return err
	}
	fetched := 0
	for pass := 1; ctx.Err() == nil && pass < 50; pass++ {
		urls, pg, recs, imgs := filepath.Join(work, "urls"), filepath.Join(work, "pages"), filepath.Join(work, "recs"), filepath.Join(work, "imgs")
		if err := step("pb-urls", []string{"pending", db}, "", urls); err != nil {
			return err
		}
		n, err := countLines(urls)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		fetched += n
		for _, s := range []struct {
			t       string
			args    []string
			in, out string
		}{
			{"pb-fetch", []string{"--delay", "0", "--other-delay", "0", "-c", "8", "-q", "--robots", "ignore"}, urls, pg},
			{"pb-parse", nil, pg, recs},
			{"pb-images", []string{"-q", "--delay", "0", "--other-delay", "0", "-o", images}, recs, imgs},
			{"pb-load", []string{"-q", db}, imgs, ""},
		} {
			if err := step(s.t, s.args, s.in, s.out); err != nil {
				return err
			}
		}
	}
	wall := time.Since(start)
	fmt.Printf("### Whole mirror of the %d-page forum (`--delay 0`, no rendering), stage by stage\n\n", pages)
	fmt.Printf("Wall time **%.1f s** for %d page fetches: **%.0f pages/s**.\n\n", wall.Seconds(), fetched, float64(fetched)/wall.Seconds())
	fmt.Printf("| tool | CPU s per 1,000 pages | peak memory |\n|---|---|---|\n")
	for _, t := range order {
		p := per[t]
		fmt.Printf("| %s | %.2f | %s |\n", t, p.CPU.Seconds()*1000/float64(max(fetched, 1)), mb(p.MaxRSS))
	}
	fmt.Println()
	return nil
}

// benchSite loads a truth into a database (no mirror needed: the site only
// reads the database) and times pb-site on it: a full build, the search
// index it writes, a rebuild with nothing changed, and a rebuild after one
// post in 1% of the threads was edited, as a refresh would bring.
func benchSite(tool func(string) string, truth, work, size string, large bool) error {
	db := filepath.Join(work, "site.db")
	if _, err := loadFile(tool, truth, db); err != nil {
		return err
	}
	out := filepath.Join(work, "site")
	args := []string{"-q", db, "-o", out}
	full, err := measure(tool("pb-site"), args, nil, io.Discard)
	if err != nil {
		return err
	}
	files, siteBytes, err := countTree(out)
	if err != nil {
		return err
	}
	idxFiles, idxBytes, err := countTree(filepath.Join(out, "search"))
	if err != nil {
		return err
	}
	same, err := measure(tool("pb-site"), args, nil, io.Discard)
	if err != nil {
		return err
	}
	threads, err := editThreads(db, 100)
	if err != nil {
		return err
	}
	incr, err := measure(tool("pb-site"), args, nil, io.Discard)
	if err != nil {
		return err
	}
	fmt.Printf("### pb-site\n\n")
	fmt.Printf("The %s truth loaded with pb-load, then `pb-site forum.db -o site`: %d files, %s.\n\n", size, files, mb(siteBytes))
	fmt.Printf("| build | wall | CPU | peak memory | %% of full build (wall) |\n|---|---|---|---|---|\n")
	row := func(name string, u usage) {
		fmt.Printf("| %s | %.1f s | %.1f s | %s | %.0f%% |\n", name, u.Wall.Seconds(), u.CPU.Seconds(), mb(u.MaxRSS), 100*u.Wall.Seconds()/full.Wall.Seconds())
	}
	row("full build into an empty folder", full)
	row("rebuild, nothing changed", same)
	row(fmt.Sprintf("rebuild after editing one post in 1%% of threads (%d)", threads), incr)
	fmt.Printf("\nSearch index: %d files, %d bytes (%s, `site/search/`).\n\n", idxFiles, idxBytes, mb(idxBytes))
	if large {
		return benchLargeSite(tool, work)
	}
	return nil
}

// benchLargeSite reports pb-site's peak memory on the large truth.
func benchLargeSite(tool func(string) string, work string) error {
	forum, err := fakeforum.New(fakeforum.Config{Seed: 1, Size: "large"})
	if err != nil {
		return err
	}
	path := filepath.Join(work, "large-site.ndjson")
	if err := writeTruth(forum, "http://127.0.0.1:1", path); err != nil {
		return err
	}
	defer os.Remove(path)
	db := filepath.Join(work, "large-site.db")
	if _, err := loadFile(tool, path, db); err != nil {
		return err
	}
	out := filepath.Join(work, "large-site")
	u, err := measure(tool("pb-site"), []string{"-q", db, "-o", out}, nil, io.Discard)
	if err != nil {
		return err
	}
	st := forum.Stats()
	fmt.Printf("Large truth (%d posts): full build %.1f s wall, %.1f s CPU, peak memory %s.\n\n", st.Posts, u.Wall.Seconds(), u.CPU.Seconds(), mb(u.MaxRSS))
	return nil
}

// countTree counts the files under dir and their bytes.
func countTree(dir string) (int, int64, error) {
	var n int
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n++
		size += fi.Size()
		return nil
	})
	return n, size, err
}

// editThreads appends a word to the last post of every nth thread (by id,
// starting with the first)
// and returns how many threads changed.
func editThreads(path string, nth int) (int, error) {
	db, err := driver.Open("file:" + path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE post SET message = message || ' (edited for the benchmark)'
		WHERE id IN (SELECT max(p.id) FROM post p JOIN
			(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM thread) t ON t.id = p.thread_id
			WHERE (t.rn - 1) % ? = 0 GROUP BY p.thread_id)`, nth)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
