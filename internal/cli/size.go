package cli

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a size flag, the same in every tool: a number of bytes with an optional unit, "20MB",
// "512k", "1GiB" (units are powers of 1024, as in du and curl).
type ByteSize int64

// UnmarshalText parses a size (kong uses it for flags).
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(strings.ToUpper(string(text)))
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("bad size %q: want a number of bytes like 20MB, 512KB or 1048576", text)
	}
	mult := map[string]float64{
		"": 1, "B": 1,
		"K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
		"G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
	}[unit]
	if mult == 0 {
		return fmt.Errorf("bad size %q: unknown unit %q (use B, KB, MB or GB)", text, unit)
	}
	if f*mult >= math.MaxInt64 {
		return fmt.Errorf("bad size %q: too large", text)
	}
	*b = ByteSize(f * mult)
	return nil
}

// String prints the size the way it is parsed.
func (b ByteSize) String() string {
	switch {
	case b >= 1<<30 && b%(1<<30) == 0:
		return fmt.Sprintf("%dGB", b>>30)
	case b >= 1<<20 && b%(1<<20) == 0:
		return fmt.Sprintf("%dMB", b>>20)
	case b >= 1<<10 && b%(1<<10) == 0:
		return fmt.Sprintf("%dKB", b>>10)
	}
	return strconv.FormatInt(int64(b), 10)
}
