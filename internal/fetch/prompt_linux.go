package fetch

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// promptNoEcho turns the echo of the terminal tty off, then writes prompt
// to out (the same terminal, but for tests) and reads one line from tty. Echo goes off before the prompt appears, so nothing typed as
// soon as the prompt shows can be echoed (term.ReadPassword switches echo
// off only after the prompt, which leaves a window under load).
func promptNoEcho(tty *os.File, out io.Writer, prompt string) ([]byte, error) {
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	// TCSETSF waits until output is drained and discards input typed before
	// echo went off, which would have been echoed already.
	if err := unix.IoctlSetTermios(fd, unix.TCSETSF, &quiet); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	fmt.Fprint(out, prompt)
	line, err := bufio.NewReader(tty).ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return nil, err
	}
	return line, nil
}
