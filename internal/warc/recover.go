package warc

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Recover finishes the .warc.gz.open files a killed writer left in dir:
// it cuts each after its last complete gzip member (a record torn by the
// kill goes; every finished one stays), syncs it and gives it its final
// name; a file without one complete record is removed. Files a live
// writer holds are left alone. It returns the files finished.
func Recover(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var done []string
	var errs []error
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), OpenSuffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		final, err := recoverFile(path)
		if err != nil {
			errs = append(errs, err)
		} else if final != "" {
			done = append(done, final)
		}
	}
	if len(done) > 0 {
		syncDir(dir)
	}
	return done, errors.Join(errs...)
}

func recoverFile(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if !tryLock(f) {
		return "", nil // a live writer's file
	}
	good, n := completeMembers(f)
	final := strings.TrimSuffix(path, ".open")
	if n == 0 {
		return "", os.Remove(path)
	}
	if err := f.Truncate(good); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return final, os.Rename(path, final)
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// completeMembers returns the length of the longest prefix of r made of
// complete, uncorrupted gzip members, and how many there are.
func completeMembers(r io.Reader) (int64, int) {
	cr := &countReader{r: r}
	br := bufio.NewReader(cr)
	var good int64
	n := 0
	for {
		if _, err := br.Peek(1); err != nil {
			return good, n
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return good, n
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return good, n
		}
		good = cr.n - int64(br.Buffered())
		n++
	}
}
