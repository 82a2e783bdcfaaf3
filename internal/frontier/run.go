package frontier

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
)

// Options are pb-urls' flags and arguments.
type Options struct {
	Site        string   `help:"Forum base URL, e.g. https://name.proboards.com." env:"PB_SITE"`
	Limit       int      `help:"pending: print at most N pages." placeholder:"N"`
	Kind        string   `help:"pending: only pages of this kind (home, board, thread, members, user, css)." placeholder:"K"`
	Render      bool     `help:"pending: include pages that need a browser (for pb-fetch --render)."`
	RenderOnly  bool     `help:"pending: only pages that need a browser." name:"render-only"`
	MaxAttempts int      `help:"pending: retry failed pages while they have fewer attempts than this." default:"5"`
	CrawlOnly   bool     `help:"status: only the crawl frontier's counts." name:"crawl-only"`
	Args        []string `arg:"" help:"forum | members | user ID | board ID | thread ID | URL | pending DB | refresh DB | status DB"`
}

// Run is pb-urls.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	w := record.NewWriter(stdout)
	defer w.Flush()
	switch o.Args[0] {
	case "pending", "refresh", "status":
		if len(o.Args) != 2 {
			return cli.ExitUsage, fmt.Errorf("%s needs the database: pb-urls %s forum.db", o.Args[0], o.Args[0])
		}
		if _, err := os.Stat(o.Args[1]); err != nil {
			return cli.ExitUsage, fmt.Errorf("no archive database at %s (seed one with: pb-urls --site URL forum | pb-load %s)", o.Args[1], o.Args[1])
		}
		st, err := store.Open(o.Args[1])
		if err != nil {
			return cli.ExitUsage, err
		}
		defer st.Close()
		db := st.DB
		if o.Args[0] == "status" {
			if err := Status(ctx, db, stdout, o.CrawlOnly); err != nil {
				return cli.ExitPartial, err
			}
			return cli.ExitOK, nil
		}
		if o.Args[0] == "refresh" {
			counts, err := Refresh(ctx, db)
			if err != nil {
				return cli.ExitPartial, err
			}
			fmt.Fprintf(stderr, "pb-urls: re-queued %s\n", summarize(counts))
			return cli.ExitOK, nil
		}
		es, err := Pending(ctx, db, PendingOptions{
			Limit: o.Limit, Kind: o.Kind, Render: o.Render, RenderOnly: o.RenderOnly, MaxAttempts: o.MaxAttempts,
		})
		if err != nil {
			return cli.ExitPartial, err
		}
		for _, e := range es {
			if err := w.Write(record.URL{Type: record.TypeURL, URL: e.URL, Kind: e.Kind, Render: e.Render}); err != nil {
				return quietOnPipe(err)
			}
		}
		return cli.ExitOK, nil
	}
	urls, err := Start(o.Site, o.Args[0], o.Args[1:])
	if err != nil {
		return cli.ExitUsage, err
	}
	for _, u := range urls {
		if err := w.Write(u); err != nil {
			return quietOnPipe(err)
		}
	}
	return cli.ExitOK, nil
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
		label := k + " pages"
		if k == record.KindThread {
			label = "last thread pages"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, label))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d pages (%s)", total, strings.Join(parts, ", "))
}
