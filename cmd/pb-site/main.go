// Command pb-site renders an archive (forum.db and its images folder) as a
// static website to read offline: see internal/site.
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/site"
)

func main() {
	var opts site.Options
	cli.Parse("pb-site", "Render an archive (forum.db + images) as a static website that opens from file://, a zip or any static host.", &opts)
	cli.Main("pb-site", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return site.Run(ctx, stdin, stdout, stderr, opts)
	})
}
