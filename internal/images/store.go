package images

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tempPattern names files being written; they are renamed when complete.
const tempPattern = ".pb-images-*.tmp"

// Store is the images folder: files named <md5>.<ext>, written atomically.
type Store struct {
	Dir string
}

// OpenStore creates dir if needed and removes temporary files that an
// earlier, killed run left more than an hour ago.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	stale, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, f := range stale {
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(f)
		}
	}
	return &Store{Dir: dir}, nil
}

// Name returns the file name of data: its MD5 in hex and ext.
func Name(data []byte, ext string) (name, md5hex string) {
	sum := md5.Sum(data)
	md5hex = hex.EncodeToString(sum[:])
	return md5hex + "." + ext, md5hex
}

// Has reports whether the folder holds name with the given size.
func (s *Store) Has(name string, size int64) bool {
	if strings.ContainsAny(name, `/\`) || name == "" || strings.HasPrefix(name, ".") {
		return false
	}
	fi, err := os.Stat(filepath.Join(s.Dir, name))
	return err == nil && fi.Mode().IsRegular() && (size < 0 || fi.Size() == size)
}

// Put writes data as name unless the folder already has it; written says
// whether it did. The data goes to a temporary file in the folder that is
// synced and then renamed, so a file under its final name is always whole.
func (s *Store) Put(name string, data []byte) (written bool, err error) {
	if s.Has(name, int64(len(data))) {
		return false, nil
	}
	f, err := os.CreateTemp(s.Dir, tempPattern)
	if err != nil {
		return false, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.Dir, name))
	}
	if err != nil {
		return false, fmt.Errorf("writing %s: %w", filepath.Join(s.Dir, name), err)
	}
	return true, nil
}
