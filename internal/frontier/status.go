package frontier

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/pb-archive/pb/internal/record"
)

// archiveTables are the tables whose row counts describe an archive.
var archiveTables = []string{
	"category", "board", "moderator", "thread", "post", "post_like", "poll", "poll_option",
	"poll_voter", "user", "user_field", "shoutbox_post", "image", "avatar", "post_revision", "post_deleted",
}

// Status writes a human summary of an archive: rows per table (unless
// crawlOnly) and the crawl frontier by state.
func Status(ctx context.Context, db *sql.DB, w io.Writer, crawlOnly bool) error {
	if !crawlOnly {
		fmt.Fprintln(w, "table           rows")
		for _, t := range archiveTables {
			var n int64
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`"`).Scan(&n); err != nil {
				return fmt.Errorf("counting %s: %w", t, err)
			}
			fmt.Fprintf(w, "%-15s %d\n", t, n)
		}
		var files, missing int64
		if err := db.QueryRowContext(ctx,
			`SELECT count(filename), count(*) - count(filename) FROM image`).Scan(&files, &missing); err != nil {
			return err
		}
		fmt.Fprintf(w, "images: %d archived, %d without a file (see image_status)\n", files, missing)
	}
	// Images waiting to be downloaded again are counted apart from pages.
	rows, err := db.QueryContext(ctx,
		`SELECT state, render, kind IS '`+record.KindImage+`' AS image, count(*) FROM crawl
		 GROUP BY state, render, image ORDER BY image, state, render`)
	if err != nil {
		return fmt.Errorf("reading the crawl table: %w", err)
	}
	defer rows.Close()
	fmt.Fprint(w, "crawl:")
	for rows.Next() {
		var state string
		var render, image bool
		var n int64
		if err := rows.Scan(&state, &render, &image, &n); err != nil {
			return err
		}
		if render {
			state += " (render)"
		}
		if image {
			state += " (images)"
		}
		fmt.Fprintf(w, " %s %d;", state, n)
	}
	fmt.Fprintln(w)
	return rows.Err()
}
