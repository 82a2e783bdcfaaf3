package site

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// manifestName lists, one per line, every file the last build wrote, so the
// next build removes what no longer exists and nothing else in DIR.
const manifestName = ".pb-site-manifest"

// output writes the site into dir as it is rendered (a big forum's pages
// never sit in memory all at once): a file only when its bytes differ from
// what is there, an image only when missing or of another size (their
// names are their MD5s). finish then removes the files that the previous
// build wrote and this one did not, and records this build's files.
type output struct {
	ctx    context.Context
	dir    string
	paths  map[string]bool
	copies map[string]string // site path -> source file
	st     Stats
	err    error // the first write error; later writes are skipped
}

func newOutput(ctx context.Context, dir string) (*output, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &output{ctx: ctx, dir: dir, paths: map[string]bool{}, copies: map[string]string{}}, nil
}

// file writes one file of the site (path relative to the site, with slashes).
func (o *output) file(path string, data []byte) {
	if o.err != nil {
		return
	}
	if err := o.ctx.Err(); err != nil {
		o.err = err
		return
	}
	if !o.paths[path] && strings.HasSuffix(path, ".html") {
		o.st.Pages++
	}
	o.paths[path] = true
	changed, err := writeIfChanged(filepath.Join(o.dir, filepath.FromSlash(path)), data)
	o.count(changed, err)
}

func (o *output) count(changed bool, err error) {
	switch {
	case err != nil:
		o.err = err
	case changed:
		o.st.Written++
	default:
		o.st.Unchanged++
	}
}

// finish copies the images, removes what only the last build wrote and
// writes the manifest.
func (o *output) finish() (Stats, error) {
	imgs := make([]string, 0, len(o.copies))
	for p := range o.copies {
		imgs = append(imgs, p)
		o.paths[p] = true
	}
	sort.Strings(imgs)
	for _, p := range imgs {
		if o.err != nil {
			break
		}
		o.count(copyImage(filepath.Join(o.dir, filepath.FromSlash(p)), o.copies[p]))
	}
	if o.err != nil {
		return o.st, o.err
	}
	all := make([]string, 0, len(o.paths))
	for p := range o.paths {
		all = append(all, p)
	}
	sort.Strings(all)
	if old, err := os.ReadFile(filepath.Join(o.dir, manifestName)); err == nil {
		for _, p := range strings.Split(string(old), "\n") {
			if p == "" || o.paths[p] || strings.Contains(p, "..") || filepath.IsAbs(p) {
				continue
			}
			full := filepath.Join(o.dir, filepath.FromSlash(p))
			if err := os.Remove(full); err == nil {
				o.st.Removed++
				removeEmptyDirs(o.dir, filepath.Dir(full))
			}
		}
	}
	manifest := strings.Join(all, "\n") + "\n"
	if _, err := writeIfChanged(filepath.Join(o.dir, manifestName), []byte(manifest)); err != nil {
		return o.st, err
	}
	return o.st, nil
}

// writeIfChanged writes data to path unless it already holds exactly that,
// through a temporary file so a reader never sees half a page.
func writeIfChanged(path string, data []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

// copyImage hard-links src to dst (copying when the folders are on
// different file systems) unless dst already has src's size.
func copyImage(dst, src string) (bool, error) {
	si, err := os.Stat(src)
	if err != nil {
		return false, err
	}
	if di, err := os.Stat(dst); err == nil && di.Size() == si.Size() {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, err
	}
	os.Remove(dst)
	if err := os.Link(src, dst); err == nil {
		return true, nil
	}
	in, err := os.Open(src)
	if err != nil {
		return false, err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	o, err := os.Create(tmp)
	if err != nil {
		return false, err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return false, err
	}
	if err := o.Close(); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, dst)
}

// removeEmptyDirs removes dir and its parents up to root while empty.
func removeEmptyDirs(root, dir string) {
	for dir != root && strings.HasPrefix(dir, root) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// progress shows pages rendered on a terminal (or with --progress).
type progress struct {
	w     io.Writer
	on    bool
	tty   bool
	n     atomic.Int64
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, force bool) *progress {
	tty := isTerminal(w)
	return &progress{w: w, on: force || tty, tty: tty}
}

func (p *progress) add(n int) {
	if !p.on {
		return
	}
	c := p.n.Add(int64(n))
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.shown = true
		if p.tty {
			fmt.Fprintf(p.w, "\rpb-site: %d pages rendered", c)
		} else {
			fmt.Fprintf(p.w, "pb-site: %d pages rendered\n", c)
		}
	}
}

func (p *progress) done() {
	if p.on && p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
