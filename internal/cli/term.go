package cli

import (
	"io"

	"golang.org/x/term"
)

// IsTerminal reports whether w writes to a terminal. It looks through
// wrappers that say what they wrap (an Unwrap() io.Writer method, as
// SyncWriter has) down to a file descriptor, and asks the terminal driver
// about it, so /dev/null (a character device, not a terminal) is not one.
func IsTerminal(w io.Writer) bool {
	for range 16 { // wrappers do not nest deeper; a cycle must not hang
		if f, ok := w.(interface{ Fd() uintptr }); ok {
			return term.IsTerminal(int(f.Fd()))
		}
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}
