package parse

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

var selTimestamp = sel("[data-timestamp]")

// timestamp returns the data-timestamp (milliseconds since the epoch, as
// ProBoards writes it) of n or of its first descendant that has one.
func timestamp(n *html.Node) (int64, bool) {
	if n == nil {
		return 0, false
	}
	t := n
	if !hasAttr(n, "data-timestamp") {
		t = find(n, selTimestamp)
	}
	if t == nil {
		return 0, false
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(attr(t, "data-timestamp")), 10, 64)
	if err != nil || ms <= 0 {
		return 0, false
	}
	return ms, true
}

// parseCount reads a count as ProBoards prints it: "1,234", " 56 ", "1 234".
func parseCount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '-' && b.Len() == 0:
			b.WriteRune(r)
		case r == ',' || r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'':
			// thousands separators
		default:
			return 0, false
		}
	}
	n, err := strconv.ParseInt(b.String(), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}
