//go:build unix

package fetch

import (
	"os"
	"syscall"
)

// openLockFile opens (creating it, readable by its owner only) a schedule
// file, refusing to follow a symbolic link planted in a shared directory.
func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
}

// lockFile takes the file's exclusive lock, waiting for other processes.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
