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
	kctx := cli.Parse("pb-urls", "Print the url records of the pages to fetch: the start of a job, "+
		"or the frontier of an archive.", &opts)
	opts.Command = kctx.Command()
	cli.Main("pb-urls", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return frontier.Run(ctx, stdin, stdout, stderr, opts)
	})
}
