//go:build unix && !linux

package fetch

import "syscall"

// chromiumProcAttr puts Chromium in its own process group, so its helpers
// can be killed with it (there is no parent-death signal here).
func chromiumProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
