package fakeforum

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// Options are the command-line settings of examples/fakeforum.
type Options struct {
	Addr       string        `help:"Address to listen on; port 0 picks a free port." default:"127.0.0.1:8080"`
	Size       string        `help:"Forum size: small, medium or large." enum:"small,medium,large" default:"small"`
	Seed       int64         `help:"Seed of the generated content." default:"1"`
	Faults     string        `help:"Faults to inject, e.g. 429,503=0.05,slow (names: 429 503 slow reset truncate pow login; default rate 0.1)." placeholder:"LIST"`
	SlowDelay  time.Duration `help:"Delay of the slow fault." default:"2s"`
	Generation int           `help:"Content generation: 0, or 1 for the same forum a few days later." default:"0"`
	OddForms   bool          `help:"Also serve, on a few pages, the odd markup forms real ProBoards does not send (query-only page links, relative image URLs, views as a number, no a.thread-link)."`
	Truth      string        `help:"Write the ground truth (NDJSON records) to this file before serving." placeholder:"FILE" type:"path"`
	AccessLog  string        `help:"Append one NDJSON line per request to this file." placeholder:"FILE" type:"path"`
	AddrFile   string        `help:"Write the base URL (http://ADDR) to this file once listening." placeholder:"FILE" type:"path"`
}

// Run builds the forum, writes the truth and the address file if asked,
// and serves until ctx is cancelled (SIGINT or SIGTERM).
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	faults, err := ParseFaults(o.Faults)
	if err != nil {
		return 2, err
	}
	cfg := Config{Seed: o.Seed, Size: o.Size, Faults: faults, Generation: o.Generation, SlowDelay: o.SlowDelay, OddForms: o.OddForms}
	if o.AccessLog != "" {
		lf, err := os.OpenFile(o.AccessLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return 2, err
		}
		defer lf.Close()
		cfg.AccessLog = lf
	}
	started := time.Now()
	f, err := New(cfg)
	if err != nil {
		return 2, err
	}
	built := time.Since(started)

	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return 2, err
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	if o.Truth != "" {
		if err := writeFileAtomic(o.Truth, func(w io.Writer) error { return f.WriteTruth(w, base) }); err != nil {
			return 2, fmt.Errorf("writing the truth: %w", err)
		}
	}
	if o.AddrFile != "" {
		if err := writeFileAtomic(o.AddrFile, func(w io.Writer) error { _, err := io.WriteString(w, base+"\n"); return err }); err != nil {
			return 2, err
		}
	}
	st := f.Stats()
	fmt.Fprintf(stderr, "fakeforum: %d boards, %d threads, %d posts, %d members, %d pages (built in %s)\n",
		st.Boards, st.Threads, st.Posts, st.Users, st.Pages, built.Round(time.Millisecond))
	fmt.Fprintf(stderr, "fakeforum: serving %s forum (seed %d) at %s/\n", cfg.Size, o.Seed, base)

	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return 1, err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return 1, err
	}
	return 0, nil
}

// writeFileAtomic writes a file through a temporary file and a rename, so a
// script polling for it never reads half of it.
func writeFileAtomic(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(dirOf(path), ".fakeforum-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}
