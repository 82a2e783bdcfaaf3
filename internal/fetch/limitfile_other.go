//go:build !unix

package fetch

import (
	"errors"
	"os"
)

var errNoFlock = errors.New("file locks are not supported on this system")

// openLockFile fails: without flock, schedules are not shared.
func openLockFile(string) (*os.File, error) { return nil, errNoFlock }

func lockFile(*os.File) error { return errNoFlock }

func unlockFile(*os.File) error { return nil }
