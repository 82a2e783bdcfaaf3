//go:build unix

package warc

import (
	"os"
	"syscall"
)

// lockFile marks f as being written by a live process; the lock goes with
// the process, so Recover can tell a killed writer's file from a live one.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLock reports whether no live writer holds f (and then holds it).
func tryLock(f *os.File) bool { return lockFile(f) == nil }
