package parse

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
)

// Options are pb-parse's flags.
type Options struct {
	MaxBody cli.ByteSize `name:"max-body" help:"Fail pages whose body is larger than this (at most the default, the largest page pb-fetch passes on)." default:"16MB" placeholder:"SIZE"`
	Quiet   bool         `short:"q" help:"Do not report failed pages and the summary on stderr."`
}

// Validate refuses out-of-range flags (kong calls it; exit 2).
func (o *Options) Validate() error {
	var c cli.Checks
	c.Size("--max-body", o.MaxBody, 1, record.MaxBody)
	return c.Err()
}

// Run is pb-parse: it reads records from stdin, replaces each page record
// by its entities, links and outcome, and passes every other record
// through unchanged. Bad input lines are reported with their number and
// skipped. The exit status is 1 when a line was bad or a page failed.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	lim := DefaultLimits
	if o.MaxBody > 0 {
		lim.MaxBody = int(o.MaxBody)
	}
	in := cli.NewReader(stdin)
	w := record.NewWriter(stdout)
	exit := cli.ExitOK
	var pages, failed, entities, links int
	advice := newWallAdvice()
	for {
		if err := ctx.Err(); err != nil {
			// Pages without an outcome stay pending in the crawl: nothing is lost.
			return cli.ExitPartial, errors.Join(fmt.Errorf("interrupted after %s", cli.Count(pages, "page")), flush(w))
		}
		line, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *record.LineError
		if errors.As(err, &le) {
			fmt.Fprintf(stderr, "pb-parse: %v\n", le)
			exit = cli.ExitPartial
			continue
		}
		if err != nil {
			return cli.ExitPartial, errors.Join(fmt.Errorf("reading stdin: %w", err), flush(w))
		}
		if line.Type != record.TypePage {
			if err := w.WriteRaw(line.Raw); err != nil {
				return writeFailed(err)
			}
			continue
		}
		var pg record.Page
		if err := line.Decode(&pg); err != nil {
			fmt.Fprintf(stderr, "pb-parse: %v\n", err)
			exit = cli.ExitPartial
			continue
		}
		if pg.URL == "" {
			fmt.Fprintf(stderr, "pb-parse: line %d: page record has no url\n", line.N)
			exit = cli.ExitPartial
			continue
		}
		out := Parse(pg, lim)
		if err := write(w, out); err != nil {
			return writeFailed(err)
		}
		pages++
		entities += len(out.Entities)
		links += len(out.Links)
		if out.Outcome.Status == record.OutcomeFailed {
			failed++
			exit = cli.ExitPartial
			if !o.Quiet {
				fmt.Fprintf(stderr, "pb-parse: line %d: %s: failed: %s%s\n", line.N, pg.URL, out.Outcome.Reason, advice.advise(out.Outcome))
			}
		}
	}
	if err := flush(w); err != nil {
		return writeFailed(err)
	}
	if !o.Quiet && pages > 0 {
		fmt.Fprintf(stderr, "pb-parse: %s (%d failed), %s, %s\n", cli.Count(pages, "page"), failed,
			cli.Count(entities, "entity"), cli.Count(links, "link"))
	}
	return exit, nil
}

// write writes one page's records: entities, links, then the outcome, so
// pb-load commits the entities with the outcome that closes the page.
func write(w *record.Writer, out Output) error {
	for _, e := range out.Entities {
		if err := w.Write(e); err != nil {
			return err
		}
	}
	for _, l := range out.Links {
		if err := w.Write(l); err != nil {
			return err
		}
	}
	return w.Write(out.Outcome)
}

func flush(w *record.Writer) error { return w.Flush() }

// writeFailed ends the run on an output error; a closed pipe (`| head`)
// ends it quietly.
func writeFailed(err error) (int, error) {
	if cli.IsBrokenPipe(err) {
		return cli.ExitOK, nil
	}
	return cli.ExitPartial, fmt.Errorf("writing stdout: %w", err)
}
