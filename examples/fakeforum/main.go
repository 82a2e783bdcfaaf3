// Command fakeforum serves a generated ProBoards forum on loopback, the
// test world of pb: deterministic content from a seed, optional faults,
// and its ground truth as NDJSON records.
//
//	go run ./examples/fakeforum --addr 127.0.0.1:0 --size small --seed 1 \
//	  --truth truth.ndjson --addr-file addr.txt --faults 429,pow=0.05
package main

import (
	"context"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fakeforum"
)

func main() {
	var opts fakeforum.Options
	cli.Parse("fakeforum", "Serve a fake ProBoards forum for testing pb (until SIGINT or SIGTERM).", &opts)
	cli.Main("fakeforum", func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		return fakeforum.Run(ctx, stdin, stdout, stderr, opts)
	})
}
