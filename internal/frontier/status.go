package frontier

import (
	"context"
	"fmt"
	"io"

	"github.com/pb-archive/pb/internal/store"
)

// archiveTables are the tables whose row counts describe an archive.
var archiveTables = []string{
	"category", "board", "moderator", "thread", "post", "post_like", "poll", "poll_option",
	"poll_voter", "user", "user_field", "shoutbox_post", "image", "avatar", "post_revision", "post_deleted",
}

// Status writes a human summary of an archive: rows per table (unless
// crawlOnly) and the crawl frontier by state.
func Status(ctx context.Context, st *store.Store, w io.Writer, crawlOnly bool) error {
	if !crawlOnly {
		fmt.Fprintln(w, "table           rows")
		for _, t := range archiveTables {
			n, err := st.Count(ctx, t)
			if err != nil {
				return fmt.Errorf("counting %s: %w", t, err)
			}
			fmt.Fprintf(w, "%-15s %d\n", t, n)
		}
		files, missing, err := st.ImageFiles(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "images: %d archived, %d without a file (see image_status)\n", files, missing)
	}
	counts, err := st.CrawlCounts(ctx)
	if err != nil {
		return err
	}
	// Images waiting to be downloaded again are counted apart from pages.
	fmt.Fprint(w, "crawl:")
	for _, c := range counts {
		state := c.State
		if c.Render {
			state += " (render)"
		}
		if c.Image {
			state += " (images)"
		}
		fmt.Fprintf(w, " %s %d;", state, c.N)
	}
	fmt.Fprintln(w)
	return nil
}
