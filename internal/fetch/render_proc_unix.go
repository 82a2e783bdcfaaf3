//go:build unix

package fetch

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// killProcessGroup kills the process group pid leads.
func killProcessGroup(pid int) {
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// processAlive reports whether a process pid exists (EPERM: it does, as
// another user's).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// checkPrivateDir refuses a profile folder that is not a real folder of
// ours closed to others: in a shared temp dir another user could have
// made it first.
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s must be a folder of yours that only you can open (it holds Chromium's cookies): remove it, or set TMPDIR elsewhere", dir)
	}
	return nil
}
