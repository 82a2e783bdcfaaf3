// Command pb-images downloads the images image records point at, names each
// file <md5>.<ext> by its real type, and enriches the records.
//
//	pb-urls pending forum.db | pb-fetch | pb-parse | pb-images -o images | pb-load forum.db
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/images"
)

func main() {
	var opts images.Options
	cli.Parse("pb-images", "Download the images of image records (NDJSON on stdin) into a folder as "+
		"<md5>.<ext>, each URL once, and write every record on stdout in input order, image records "+
		"enriched with filename, md5_hash, size, status and http_status.", &opts)
	cli.Main("pb-images", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return images.Run(ctx, stdin, stdout, stderr, opts)
	})
}
