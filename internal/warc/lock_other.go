//go:build !unix

package warc

import "os"

// lockFile is a no-op where flock is missing: only one writer per folder.
func lockFile(*os.File) error { return nil }

func tryLock(*os.File) bool { return true }
