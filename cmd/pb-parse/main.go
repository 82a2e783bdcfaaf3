// Command pb-parse turns fetched page records (NDJSON on stdin) into
// entity records, links to crawl next and one outcome per page, passing
// every other record through: see internal/parse.
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/parse"
)

func main() {
	var opts parse.Options
	cli.Parse("pb-parse", "Parse fetched ProBoards pages (page records on stdin) into entity, link and outcome records.", &opts)
	cli.Main("pb-parse", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return parse.Run(ctx, stdin, stdout, stderr, opts)
	})
}
