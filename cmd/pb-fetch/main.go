// Command pb-fetch fetches the pages named by url records, politely and
// concurrently, and writes one page record per url record.
//
//	pb-urls pending forum.db | pb-fetch | pb-parse | pb-load forum.db
//	pb-urls pending --render forum.db | pb-fetch --render | pb-parse | pb-load forum.db
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fetch"
)

func main() {
	var opts fetch.Options
	cli.Parse("pb-fetch", "Fetch the pages of url records (NDJSON on stdin) and write page records "+
		"(status, final URL, body decoded to UTF-8) on stdout, in completion order. Requests to the forum "+
		"follow one politeness schedule shared by all workers; transient failures are retried; other "+
		"records pass through.", &opts)
	cli.Main("pb-fetch", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return fetch.Run(ctx, stdin, stdout, stderr, opts)
	})
}
