package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Checks collects the range checks of a command's flags, for its kong
// Validate method: each names the flag and the value refused, so a typo
// like --delay=-1s stops the command (exit 2) instead of turning
// politeness off.
//
//	var c cli.Checks
//	c.AtLeast("--retries", o.Retries, 0)
//	c.Positive("--timeout", o.Timeout)
//	return c.Err()
type Checks struct{ errs []error }

// Err returns the problems found, or nil.
func (c *Checks) Err() error { return errors.Join(c.errs...) }

func (c *Checks) fail(flag string, v any, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s %v: %s", flag, v, fmt.Sprintf(format, args...)))
}

// AtLeast refuses an integer flag under lo.
func (c *Checks) AtLeast(flag string, v, lo int) {
	if v < lo {
		c.fail(flag, v, "must be at least %d", lo)
	}
}

// Between refuses an integer flag outside [lo, hi].
func (c *Checks) Between(flag string, v, lo, hi int) {
	if v < lo || v > hi {
		c.fail(flag, v, "must be between %d and %d", lo, hi)
	}
}

// NotNegative refuses a negative duration (0 is allowed: "none").
func (c *Checks) NotNegative(flag string, d time.Duration) {
	if d < 0 {
		c.fail(flag, d, "must not be negative")
	}
}

// Positive refuses a duration that is not above zero.
func (c *Checks) Positive(flag string, d time.Duration) {
	if d <= 0 {
		c.fail(flag, d, "must be more than 0")
	}
}

// Size refuses a size outside [lo, hi] bytes.
func (c *Checks) Size(flag string, v ByteSize, lo, hi ByteSize) {
	if v < lo || v > hi {
		shown := v.String()
		if n := strconv.FormatInt(int64(v), 10); n != shown {
			shown += " (" + n + " bytes)"
		}
		c.fail(flag, shown, "must be between %v and %v", lo, hi)
	}
}
