//go:build !linux

package fetch

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// promptNoEcho writes prompt to out and reads one line from tty without echo.
func promptNoEcho(tty *os.File, out io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(out, prompt)
	return term.ReadPassword(int(tty.Fd()))
}
