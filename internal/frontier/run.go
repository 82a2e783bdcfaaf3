package frontier

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/cookies"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
)

// Options are pb-urls' flags and commands (kong tags; Command says which ran).
type Options struct {
	Site    string `help:"Forum base URL, e.g. https://name.proboards.com." env:"PB_SITE"`
	Cookies string `help:"The cookies.txt file the pipeline's pb-fetch will use: checked up front, so a stale or wrong export stops the job before it starts (pb-urls itself makes no requests)." type:"existingfile" placeholder:"FILE"`

	Forum   struct{} `cmd:"" help:"The home page: archive the whole forum."`
	Members struct{} `cmd:"" help:"The members list: every member's profile."`
	User    idArg    `cmd:"" help:"One member's profile."`
	Board   idArg    `cmd:"" help:"One board with its sub-boards and threads."`
	Thread  idArg    `cmd:"" help:"One thread."`
	URL     urlArg   `cmd:"" name:"url" default:"withargs" help:"Any forum URL; its kind is inferred (the default: pb-urls URL)."`
	Pending struct {
		dbArg
		Limit       int    `help:"Print at most N pages." placeholder:"N"`
		Kind        string `help:"Only pages of this kind (home, board, thread, members, user, css; image: images to download again)." placeholder:"K"`
		Render      bool   `help:"Include pages that need a browser (for pb-fetch --render)."`
		RenderOnly  bool   `help:"Only pages that need a browser." name:"render-only"`
		MaxAttempts int    `help:"Retry failed pages while they have fewer attempts than this." default:"5"`
	} `cmd:"" help:"The crawl frontier of an archive: pages not done yet, whole threads and boards first, then image records for images whose download failed for a passing reason."`
	Refresh dbArg `cmd:"" help:"Re-queue what may have changed: home, board lists, members list, last thread pages."`
	Status  struct {
		dbArg
		CrawlOnly bool `help:"Only the crawl frontier's counts." name:"crawl-only"`
	} `cmd:"" help:"Rows per table and the state of the crawl."`

	// Command is the command kong parsed, e.g. "pending <db>".
	Command string `kong:"-"`
}

type idArg struct {
	ID int64 `arg:"" help:"Numeric ProBoards id."`
}

// Validate refuses an id ProBoards never gives (kong calls it; exit 2).
func (a *idArg) Validate() error {
	if a.ID < 1 {
		return fmt.Errorf("id %d: must be at least 1", a.ID)
	}
	return nil
}

// Validate refuses out-of-range flags (kong calls it; exit 2).
func (o *Options) Validate() error {
	var c cli.Checks
	c.AtLeast("--limit", o.Pending.Limit, 0)
	c.AtLeast("--max-attempts", o.Pending.MaxAttempts, 1)
	return c.Err()
}

type urlArg struct {
	URL string `arg:"" help:"A forum URL, e.g. https://name.proboards.com/thread/12/title."`
}

type dbArg struct {
	DB string `arg:"" help:"Archive database (made by pb-load)." placeholder:"DB"`
}

// Run is pb-urls.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	w := record.NewWriter(stdout)
	defer w.Flush()
	cmd, _, _ := strings.Cut(o.Command, " ")
	switch cmd {
	case "pending", "refresh", "status":
		path := map[string]string{"pending": o.Pending.DB, "refresh": o.Refresh.DB, "status": o.Status.DB}[cmd]
		if _, err := os.Stat(path); err != nil {
			return cli.ExitUsage, fmt.Errorf("no archive database at %s (seed one with: pb-urls --site URL forum | pb-load %s)", path, path)
		}
		st, err := store.Open(path)
		if err != nil {
			return cli.ExitUsage, err
		}
		defer st.Close()
		if o.Cookies != "" {
			first, ok, err := st.FirstURL(ctx)
			if err == nil && ok {
				err = checkCookies(o.Cookies, first, stderr)
			} else if err == nil {
				err = fmt.Errorf("cannot check --cookies: %s has no pages yet", path)
			}
			if err != nil {
				return cli.ExitUsage, err
			}
		}
		switch cmd {
		case "status":
			if err := Status(ctx, st, stdout, o.Status.CrawlOnly); err != nil {
				return cli.ExitPartial, err
			}
			return cli.ExitOK, nil
		case "refresh":
			counts, err := Refresh(ctx, st)
			if err != nil {
				return cli.ExitPartial, err
			}
			fmt.Fprintf(stderr, "pb-urls: re-queued %s\n", summarize(counts))
			return cli.ExitOK, nil
		}
		p := o.Pending
		es, err := Pending(ctx, st, PendingOptions{
			Limit: p.Limit, Kind: p.Kind, Render: p.Render, RenderOnly: p.RenderOnly, MaxAttempts: p.MaxAttempts,
		})
		if err != nil {
			return cli.ExitPartial, err
		}
		for _, e := range es {
			var rec any = record.URL{Type: record.TypeURL, URL: e.URL, Kind: e.Kind, Render: e.Render}
			if e.Kind == record.KindImage {
				// pb-fetch and pb-parse pass it on; pb-images downloads it again.
				rec = record.Image{Type: record.TypeImage, URL: e.URL}
			}
			if err := w.Write(rec); err != nil {
				return quietOnPipe(err)
			}
		}
		return cli.ExitOK, nil
	}
	kind, args := cmd, []string(nil)
	switch cmd {
	case "url":
		kind = o.URL.URL
	case "user", "board", "thread":
		args = []string{strconv.FormatInt(map[string]int64{"user": o.User.ID, "board": o.Board.ID, "thread": o.Thread.ID}[cmd], 10)}
	}
	urls, err := Start(o.Site, kind, args)
	if err != nil {
		return cli.ExitUsage, err
	}
	if o.Cookies != "" {
		if err := checkCookies(o.Cookies, urls[0].URL, stderr); err != nil {
			return cli.ExitUsage, err
		}
	}
	for _, u := range urls {
		if err := w.Write(u); err != nil {
			return quietOnPipe(err)
		}
	}
	return cli.ExitOK, nil
}

// checkCookies fails when the cookies file has no live cookie for the
// forum of pageURL, and warns when some of them have expired.
func checkCookies(path, pageURL string, stderr io.Writer) error {
	cov, err := cookies.Check(path, pageURL, time.Now())
	if err != nil {
		return err
	}
	if p := cov.Problem(); p != "" {
		return fmt.Errorf("--cookies %s: %s", path, p)
	}
	if cov.Expired > 0 {
		live := "are"
		if cov.Live == 1 {
			live = "is"
		}
		fmt.Fprintf(stderr, "pb-urls: warning: --cookies %s: %d of its cookies for %s expired (the last on %s); %d %s still live. If pages come back as login pages, export them again.\n",
			path, cov.Expired, cov.Site, cov.LastDied.UTC().Format("2006-01-02 15:04 MST"), cov.Live, live)
	}
	return nil
}

func quietOnPipe(err error) (int, error) {
	if cli.IsBrokenPipe(err) {
		return cli.ExitOK, nil
	}
	return cli.ExitPartial, err
}

func summarize(counts map[string]int) string {
	var parts []string
	total := 0
	for k, n := range counts {
		total += n
		label := k + " page"
		if k == record.KindThread {
			label = "last thread page"
		}
		parts = append(parts, cli.Count(n, label))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s (%s)", cli.Count(total, "page"), strings.Join(parts, ", "))
}
