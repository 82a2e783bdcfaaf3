// Package cli holds what every pb command shares: command-line parsing
// with the pb conventions, signal handling, exit statuses, flag checks,
// the bounded NDJSON line reader, the terminal check and the wording of
// counts in summaries.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
)

// Exit statuses, as docs/architecture.md sets them.
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

// Parse parses the process's command line into grammar (a kong struct)
// with the pb conventions of ParseArgs, and exits when ParseArgs says the
// command is over (--help, or a usage error).
func Parse(name, description string, grammar any, options ...kong.Option) *kong.Context {
	kctx, code, exit := ParseArgs(name, description, grammar, os.Args[1:], os.Stdout, os.Stderr, options...)
	if exit {
		os.Exit(code)
	}
	return kctx
}

// kongExit carries kong's exit status out of its parser (see ParseArgs).
type kongExit int

// ParseArgs parses args into grammar (a kong struct; its Validate methods
// check the values) and reports whether the command is over, with its exit
// status. --help is asked-for output: it goes to stdout, status ExitOK. A
// usage error (unknown flag, bad or out-of-range value) prints a short
// usage and the error to stderr, never stdout (the data pipe), status
// ExitUsage.
func ParseArgs(name, description string, grammar any, args []string, stdout, stderr io.Writer, options ...kong.Option) (kctx *kong.Context, code int, exit bool) {
	options = append([]kong.Option{
		kong.Name(name),
		kong.Description(description),
		kong.Writers(stdout, stderr),
		// kong calls Exit after --help; unwinding (recovered below) stops
		// it from going on to parse as if nothing had happened.
		kong.Exit(func(code int) { panic(kongExit(code)) }),
	}, options...)
	defer func() {
		if v := recover(); v != nil {
			c, ok := v.(kongExit)
			if !ok {
				panic(v)
			}
			kctx, code, exit = nil, int(c), true
			if code != ExitOK {
				code = ExitUsage
			}
		}
	}()
	parser, err := kong.New(grammar, options...)
	if err != nil { // a mistake in the grammar, not the user's
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, ExitUsage, true
	}
	kctx, err = parser.Parse(args)
	if err != nil {
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil {
			parser.Stdout = stderr // usage goes where errors go
			_ = pe.Context.PrintUsage(true)
			fmt.Fprintln(stderr)
		}
		for _, line := range strings.Split(err.Error(), "\n") { // one line per bad flag
			fmt.Fprintf(stderr, "%s: error: %s\n", name, line)
		}
		return nil, ExitUsage, true
	}
	return kctx, ExitOK, false
}
