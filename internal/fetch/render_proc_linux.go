package fetch

import "syscall"

// chromiumProcAttr puts Chromium in its own process group (so its helpers
// can be killed with it) and has the kernel kill it when pb-fetch dies,
// even by SIGKILL.
func chromiumProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
