// Package cli holds what every pb command shares: signal handling, exit
// statuses, and the report of bad input lines.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
)

// Exit statuses, as DESIGN.md sets them.
const (
	ExitOK      = 0 // all good
	ExitPartial = 1 // some records failed or were skipped
	ExitUsage   = 2 // usage or setup error
)

// RunFunc is the testable core of a command.
type RunFunc func(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (int, error)

// Main runs fn with the process's streams and a context cancelled on SIGINT
// or SIGTERM, prints a returned error as "name: error" and exits with the
// status fn returned (or ExitUsage for an error with status 0). A second
// signal kills the process the default way.
func Main(name string, fn RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // restore default handling so a second Ctrl-C ends the process
	}()
	code, err := fn(ctx, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		if code == ExitOK {
			code = ExitUsage
		}
	}
	os.Exit(code)
}

// IsBrokenPipe reports whether err means the reader of stdout went away
// (as with `| head`), which ends a command quietly.
func IsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE)
}

// Parse parses the command line into cli (a kong struct) with the usual
// pb conventions: --help prints usage and exits 0, a usage error prints the
// problem and exits ExitUsage.
func Parse(name, description string, cli any, options ...kong.Option) *kong.Context {
	options = append([]kong.Option{
		kong.Name(name),
		kong.Description(description),
		kong.UsageOnError(),
		kong.Exit(func(code int) {
			if code != 0 {
				code = ExitUsage
			}
			os.Exit(code)
		}),
	}, options...)
	return kong.Parse(cli, options...)
}
