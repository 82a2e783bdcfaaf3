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

// writeSite writes out into dir: a file only when its bytes differ from what
// is there, an image only when missing or of another size (their names are
// their MD5s), and removes files that the previous build wrote and this one
// does not.
func writeSite(ctx context.Context, dir string, out *output, prog *progress) (Stats, error) {
	var st Stats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	all := make([]string, 0, len(out.files)+len(out.copies))
	for p := range out.files {
		all = append(all, p)
		if strings.HasSuffix(p, ".html") {
			st.Pages++
		}
	}
	for p := range out.copies {
		all = append(all, p)
	}
	sort.Strings(all)
	for _, p := range all {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		var changed bool
		var err error
		if data, ok := out.files[p]; ok {
			changed, err = writeIfChanged(dst, data)
		} else {
			changed, err = copyImage(dst, out.copies[p])
		}
		if err != nil {
			return st, err
		}
		if changed {
			st.Written++
		} else {
			st.Unchanged++
		}
	}
	keep := map[string]bool{}
	for _, p := range all {
		keep[p] = true
	}
	if old, err := os.ReadFile(filepath.Join(dir, manifestName)); err == nil {
		for _, p := range strings.Split(string(old), "\n") {
			if p == "" || keep[p] || strings.Contains(p, "..") || filepath.IsAbs(p) {
				continue
			}
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.Remove(full); err == nil {
				st.Removed++
				removeEmptyDirs(dir, filepath.Dir(full))
			}
		}
	}
	manifest := strings.Join(all, "\n") + "\n"
	if _, err := writeIfChanged(filepath.Join(dir, manifestName), []byte(manifest)); err != nil {
		return st, err
	}
	return st, nil
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
