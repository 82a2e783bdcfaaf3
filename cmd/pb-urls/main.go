// Command pb-urls prints the url records that start an archiving job, or
// the crawl frontier left in an archive database.
//
//	pb-urls --site https://name.proboards.com forum | pb-load forum.db
//	pb-urls pending forum.db | pb-fetch | pb-parse | pb-load forum.db
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/frontier"
)

func main() {
	var opts frontier.Options
	cli.Parse("pb-urls", "Print the pages to fetch: the start of a job (forum, members, user ID, board ID, "+
		"thread ID, or a forum URL), the frontier of an archive (pending DB), a refresh of it (refresh DB), "+
		"or its status (status DB).", &opts)
	cli.Main("pb-urls", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return frontier.Run(ctx, stdin, stdout, stderr, opts)
	})
}
