// Command pb-load loads pb records from stdin into an archive database,
// idempotently: see internal/store.
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/store"
)

func main() {
	var opts store.Options
	cli.Parse("pb-load", "Load records (NDJSON on stdin) into a SQLite archive; rerunning the same input changes nothing.", &opts)
	cli.Main("pb-load", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return store.Run(ctx, stdin, stdout, stderr, opts)
	})
}
