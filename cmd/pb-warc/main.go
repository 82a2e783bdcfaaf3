// Command pb-warc works on the web archive pb-fetch --warc and pb-images
// --warc write: it reads WARCs back into page records, indexes them as
// CDXJ and packages them as WACZ.
//
//	pb-warc read warc/ | pb-parse | pb-images -o images | pb-load new.db
//	pb-warc index warc/
//	pb-warc wacz warc/ -o forum.wacz --db forum.db
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/warc/warccli"
)

func main() {
	var opts warccli.Options
	kctx := cli.Parse("pb-warc", "Read, index and package the WARC files that pb-fetch --warc and pb-images --warc write.", &opts)
	opts.Command = kctx.Command()
	cli.Main("pb-warc", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return warccli.Run(ctx, stdin, stdout, stderr, opts)
	})
}
