// Package warccli is pb-warc: it reads a folder of WARC files written by
// pb-fetch --warc and pb-images --warc back into page records, indexes it
// as CDXJ and packages it as WACZ.
package warccli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/fetch"
	"github.com/pb-archive/pb/internal/record"
	"github.com/pb-archive/pb/internal/store"
	"github.com/pb-archive/pb/internal/warc"
)

// Options are pb-warc's commands (kong tags; Command says which ran).
type Options struct {
	Read struct {
		Files []string `arg:"" help:"WARC files (.warc.gz) or folders of them, read in the order given (a folder's files by name)." type:"path"`
	} `cmd:"" help:"Write a page record for every page in the WARCs (HTML and CSS responses, revisits, rendered DOMs): pb-warc read DIR | pb-parse | pb-load new.db re-parses an archive without the network."`
	Index struct {
		Dir    string `arg:"" help:"Folder of WARC files." type:"existingdir"`
		Stdout bool   `help:"Write the index to stdout instead of DIR/index.cdxj."`
	} `cmd:"" help:"Index a folder of WARC files as CDXJ (SURT keys, sorted) into DIR/index.cdxj."`
	WACZ struct {
		Dir   string `arg:"" help:"Folder of WARC files." type:"existingdir"`
		Out   string `help:"The WACZ file to write." short:"o" required:"" placeholder:"FILE.wacz"`
		DB    string `help:"The archive database: the boards, threads and members listed as pages, with their titles." name:"db" required:"" type:"existingfile" placeholder:"forum.db"`
		Title string `help:"Title of the package (default: the forum's host)."`
	} `cmd:"" name:"wacz" help:"Package a folder of WARC files as WACZ 1.1.1 (for ReplayWeb.page): WARCs, CDXJ index, the pages of the forum, checksums."`

	// Command is the command kong parsed, e.g. "read <files> ...".
	Command string `kong:"-"`
	// Now is the clock for the WACZ's creation date (nil: time.Now).
	Now func() time.Time `kong:"-"`
}

// Run is pb-warc.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, o Options) (int, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	cmd, _, _ := strings.Cut(o.Command, " ")
	switch cmd {
	case "read":
		return read(ctx, stdout, stderr, o.Read.Files)
	case "index":
		return index(stdout, o.Index.Dir, o.Index.Stdout)
	case "wacz":
		return wacz(ctx, stderr, o)
	}
	return cli.ExitUsage, fmt.Errorf("unknown command %q", o.Command)
}

// expand lists the WARC files named by paths (folders by their files).
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		fs, err := warc.Files(p)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

func read(ctx context.Context, stdout, stderr io.Writer, paths []string) (int, error) {
	files, err := expand(paths)
	if err != nil {
		return cli.ExitUsage, err
	}
	w := record.NewWriter(stdout)
	r := warc.NewReader()
	code := cli.ExitOK
	for _, f := range files {
		if err := r.Scan(f); err != nil {
			fmt.Fprintf(stderr, "pb-warc: %v\n", err)
			code = cli.ExitPartial
		}
	}
	for _, f := range files {
		err := r.ReadFile(f, func(p *warc.Page) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if p.Rendered {
				p.Body = string(p.Raw)
			} else {
				p.Body = fetch.DecodeBody(p.Raw, p.ContentType)
			}
			if err := w.Write(p.Page); err != nil {
				return err
			}
			return w.Flush()
		})
		if err != nil {
			if cli.IsBrokenPipe(err) {
				return cli.ExitOK, nil
			}
			if ctx.Err() != nil {
				return cli.ExitPartial, ctx.Err()
			}
			fmt.Fprintf(stderr, "pb-warc: %v\n", err)
			code = cli.ExitPartial
		}
	}
	return code, w.Flush()
}

func index(stdout io.Writer, dir string, toStdout bool) (int, error) {
	files, err := warc.Files(dir)
	if err != nil {
		return cli.ExitUsage, err
	}
	lines, err := warc.Index(files)
	if err != nil {
		return cli.ExitPartial, err
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.String() + "\n")
	}
	if toStdout {
		_, err := io.WriteString(stdout, b.String())
		return cli.ExitOK, err
	}
	return cli.ExitOK, writeFileAtomic(filepath.Join(dir, "index.cdxj"), []byte(b.String()))
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func wacz(ctx context.Context, stderr io.Writer, o Options) (int, error) {
	files, err := warc.Files(o.WACZ.Dir)
	if err != nil {
		return cli.ExitUsage, err
	}
	if len(files) == 0 {
		return cli.ExitUsage, fmt.Errorf("no .warc.gz files in %s", o.WACZ.Dir)
	}
	lines, err := warc.Index(files)
	if err != nil {
		return cli.ExitPartial, err
	}
	pages, missing, err := forumPages(ctx, o.WACZ.DB, warc.Captures(lines))
	if err != nil {
		return cli.ExitUsage, err
	}
	if missing > 0 {
		fmt.Fprintf(stderr, "pb-warc: %d boards, threads or members of the database are not in the WARCs; not listed as pages\n", missing)
	}
	title := o.WACZ.Title
	if title == "" && len(pages) > 0 {
		title = hostOf(pages[0].URL)
	}
	tmp := o.WACZ.Out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return cli.ExitUsage, err
	}
	err = warc.WriteWACZ(f, files, lines, pages, warc.WACZOptions{Title: title, Software: "pb-warc", Created: o.Now()})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, o.WACZ.Out)
	}
	if err != nil {
		os.Remove(tmp)
		return cli.ExitPartial, err
	}
	return cli.ExitOK, nil
}

// forumPages lists every board, thread and member of the database that
// the archive captured, titled as the forum titles them.
func forumPages(ctx context.Context, db string, captured map[string]string) ([]warc.WACZPage, int, error) {
	st, err := store.Open(db)
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	var pages []warc.WACZPage
	missing := 0
	for _, q := range []struct{ prefix, sql string }{
		{"board", `SELECT id, COALESCE(name, ''), url FROM board WHERE url IS NOT NULL ORDER BY id`},
		{"thread", `SELECT id, COALESCE(title, ''), url FROM thread WHERE url IS NOT NULL ORDER BY id`},
		{"user", `SELECT id, COALESCE(name, username, ''), url FROM user WHERE url IS NOT NULL AND id > 0 ORDER BY id`},
	} {
		rows, err := st.DB.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var id int64
			var title, u string
			if err := rows.Scan(&id, &title, &u); err != nil {
				rows.Close()
				return nil, 0, err
			}
			ts, ok := captured[warc.SURT(u)]
			if !ok {
				missing++
				continue
			}
			pages = append(pages, warc.WACZPage{ID: fmt.Sprintf("%s-%d", q.prefix, id), URL: u, TS: ts, Title: title})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, 0, err
		}
	}
	if len(pages) == 0 {
		return nil, missing, errors.New("no board, thread or member of the database is in the WARCs (is it the same forum?)")
	}
	return pages, missing, nil
}

func hostOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	h, _, _ := strings.Cut(rest, "/")
	return h
}
