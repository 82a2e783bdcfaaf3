//go:build !unix

package fetch

import (
	"os"
	"syscall"
)

func chromiumProcAttr() *syscall.SysProcAttr { return nil }

// killProcessGroup kills the process (there are no process groups here).
func killProcessGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// processAlive cannot tell here: every profile is kept.
func processAlive(int) bool { return true }

func checkPrivateDir(string) error { return nil }
