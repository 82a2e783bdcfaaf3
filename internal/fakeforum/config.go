package fakeforum

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config chooses the forum to generate and how badly it behaves.
type Config struct {
	// Seed decides every byte of content: the same seed serves the same bytes.
	Seed int64
	// Size is "small" (tests: a few hundred pages), "medium" or "large"; "" means small.
	Size string
	// Faults maps a fault name ("429", "503", "slow", "reset", "truncate",
	// "pow", "login") to the share of requests it hits, in [0,1]. The first
	// five exclude each other and their rates may add up to at most 1.
	Faults map[string]float64
	// AccessLog, when set, gets one NDJSON line per finished request (see AccessEntry).
	AccessLog io.Writer
	// Account is the login of the "login" fault and of SessionCookie.
	Account Account
	// Generation 0 is the forum as first archived; 1 is the same forum a few
	// days later (see the package documentation for exactly what changes).
	Generation int
	// SlowDelay is how long the "slow" fault waits before answering (default 2s).
	SlowDelay time.Duration
	// BoardPassword unlocks the password-protected board ("Staff Lounge"):
	// posted to its #password-wrapper form, it sets a cookie that shows the
	// board's threads. Default DefaultBoardPassword.
	BoardPassword string
	// TruthUnlocked makes WriteTruth and Stats describe the forum as seen
	// with the board password: the protected board's threads, posts and
	// images are included, and its board record says password_protected
	// false, as its unlocked page shows content. Serving is not affected.
	TruthUnlocked bool
	// OddForms adds, on a few documented pages, the markup forms that real
	// ProBoards does not send but that parsers still accept (see "Odd forms"
	// in the package documentation): query-only pagination hrefs, image
	// URLs relative to the forum, a thread page without a.thread-link and
	// views as a JSON number. Off, every page uses the real forms only.
	OddForms bool
}

// DefaultBoardPassword is the password of the protected board when
// Config.BoardPassword is empty.
const DefaultBoardPassword = "letmein"

// Account is the one member who can log in.
type Account struct {
	Email    string // default "archivist@example.com"
	Password string // default "correct horse"
	UserID   int64  // default 1; must be a member of the forum
}

// DefaultAccount is the Account used when Config.Account is empty.
var DefaultAccount = Account{Email: "archivist@example.com", Password: "correct horse", UserID: 1}

// Fault names, as used in Config.Faults and ParseFaults.
const (
	Fault429      = "429"      // 429 Too Many Requests, Retry-After: 1
	Fault503      = "503"      // 503 Service Unavailable, Retry-After: 1
	FaultSlow     = "slow"     // answer after Config.SlowDelay
	FaultReset    = "reset"    // close the connection (TCP RST) without a response
	FaultTruncate = "truncate" // full Content-Length, half the body, then close
	FaultPoW      = "pow"      // 202 proof-of-work interstitial for HTML pages without a solved cookie
	FaultLogin    = "login"    // /members and /user/N redirect to /login without the session cookie
)

// exclusiveFaults are drawn with one random number per request, so each hits
// exactly its own share of requests. pow and login are gates drawn apart.
var exclusiveFaults = []string{Fault429, Fault503, FaultSlow, FaultReset, FaultTruncate}

// FaultNames lists every fault ParseFaults accepts.
var FaultNames = []string{Fault429, Fault503, FaultSlow, FaultReset, FaultTruncate, FaultPoW, FaultLogin}

// DefaultFaultRate is the rate of a fault named without "=rate".
const DefaultFaultRate = 0.1

// ParseFaults parses a fault list like "429,503=0.05,slow" (a name alone means
// DefaultFaultRate). An empty string means no faults.
func ParseFaults(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, rateText, hasRate := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		if !knownFault(name) {
			return nil, fmt.Errorf("unknown fault %q (known: %s)", name, strings.Join(FaultNames, ", "))
		}
		rate := DefaultFaultRate
		if hasRate {
			r, err := strconv.ParseFloat(strings.TrimSpace(rateText), 64)
			if err != nil || r < 0 || r > 1 {
				return nil, fmt.Errorf("fault %s: rate %q is not a number between 0 and 1", name, rateText)
			}
			rate = r
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("fault %s is listed twice", name)
		}
		out[name] = rate
	}
	return out, nil
}

func knownFault(name string) bool {
	for _, n := range FaultNames {
		if n == name {
			return true
		}
	}
	return false
}

// validateFaults checks names and rates of a fault map.
func validateFaults(m map[string]float64) error {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	sum := 0.0
	for _, n := range names {
		r := m[n]
		if !knownFault(n) {
			return fmt.Errorf("unknown fault %q (known: %s)", n, strings.Join(FaultNames, ", "))
		}
		if r < 0 || r > 1 {
			return fmt.Errorf("fault %s: rate %v is not between 0 and 1", n, r)
		}
		if n != FaultPoW && n != FaultLogin {
			sum += r
		}
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("the rates of %s add up to %.3g; they exclude each other, so at most 1",
			strings.Join(exclusiveFaults, ", "), sum)
	}
	return nil
}

// sizeSpec is the shape of a forum size.
type sizeSpec struct {
	users, categories, boards, threads int
	meanPosts                          float64 // mean posts per ordinary thread
	maxPosts                           int     // cap for ordinary threads
	longThreads                        []int   // extra long threads (post counts), in the big board
	shouts                             int
}

var sizes = map[string]sizeSpec{
	"small":  {users: 40, categories: 3, boards: 12, threads: 60, meanPosts: 4, maxPosts: 25, longThreads: []int{95, 64}, shouts: 24},
	"medium": {users: 2000, categories: 6, boards: 50, threads: 5000, meanPosts: 20, maxPosts: 400, longThreads: []int{950, 420, 301}, shouts: 100},
	"large":  {users: 20000, categories: 12, boards: 500, threads: 50000, meanPosts: 20, maxPosts: 400, longThreads: []int{2400, 950, 420, 301}, shouts: 100},
}

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() (Config, error) {
	if c.Size == "" {
		c.Size = "small"
	}
	if _, ok := sizes[c.Size]; !ok {
		return c, fmt.Errorf("unknown size %q (want small, medium or large)", c.Size)
	}
	if c.Account == (Account{}) {
		c.Account = DefaultAccount
	}
	if c.Account.UserID == 0 {
		c.Account.UserID = DefaultAccount.UserID
	}
	if c.BoardPassword == "" {
		c.BoardPassword = DefaultBoardPassword
	}
	if c.SlowDelay <= 0 {
		c.SlowDelay = 2 * time.Second
	}
	if c.Generation < 0 || c.Generation > 1 {
		return c, fmt.Errorf("generation %d: want 0 or 1", c.Generation)
	}
	if err := validateFaults(c.Faults); err != nil {
		return c, err
	}
	return c, nil
}
