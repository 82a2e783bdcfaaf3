package fetch

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/jimsmart/grobotstxt"
)

// Robots modes (--robots).
const (
	RobotsObey   = "obey"   // do not fetch what robots.txt disallows
	RobotsWarn   = "warn"   // fetch it, but report each disallowing rule once and count
	RobotsIgnore = "ignore" // do not even read robots.txt
)

// robotsRules is a robots.txt as it applies to one user agent. Matching is
// Google's (RFC 9309 plus Google's leniency) through grobotstxt, the Go port
// of Google's own matcher: a group written "User-agent: pb-fetch/1.0" is
// ours, typos like "Disalow" count, the longest match wins and Allow wins a
// tie. The zero value (no robots.txt) allows everything.
type robotsRules struct {
	body  string // as served, for quoting its lines
	norm  string // as given to the matcher
	agent string
}

// robotsRule is the robots.txt line that decided a match.
type robotsRule struct {
	allow   bool
	key     string // the key as written ("Disallow", "disalow", "Allow")
	pattern string
	line    int
}

func (r robotsRule) String() string {
	key := r.key
	if key == "" {
		key = "Disallow"
		if r.allow {
			key = "Allow"
		}
	}
	return fmt.Sprintf("%q (line %d)", key+": "+r.pattern, r.line)
}

// parseRobots keeps a robots.txt for matching paths against the groups of
// agent (a product token such as "pb-fetch"), or else of "*".
func parseRobots(body []byte, agent string) *robotsRules {
	// grobotstxt upper-cases the escapes of patterns by clearing bit 0x20,
	// which turns the digits of "%3c" into control bytes: hand it "%3C".
	norm := lowerEscape.ReplaceAllStringFunc(string(body), strings.ToUpper)
	return &robotsRules{body: string(body), norm: norm, agent: agent}
}

var lowerEscape = regexp.MustCompile(`%[0-9a-fA-F]{2}`)

// match returns the rule deciding path (path and query, as sent), and
// whether it is allowed. The rule is zero when no rule matched, or when the
// path is allowed without an Allow rule saying so.
func (r *robotsRules) match(path string) (rule robotsRule, allowed bool) {
	if strings.TrimSpace(r.body) == "" {
		return robotsRule{}, true
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	defer func() {
		// grobotstxt panics on a few malformed inputs; a robots.txt we
		// cannot read allows everything, as an unreadable one does.
		if recover() != nil {
			rule, allowed = robotsRule{}, true
		}
	}()
	m := grobotstxt.NewRobotsMatcher()
	allowed = m.AgentAllowed(r.norm, r.agent, path)
	rule = robotsLine(r.body, m.MatchingLine())
	if allowed && !rule.allow {
		rule = robotsRule{} // allowed because no Disallow matched (or an empty one did)
	}
	return rule, allowed
}

// robotsLine reads line n (1-based) of a robots.txt as a rule, splitting
// lines as grobotstxt does (LF, CR or CRLF, after a UTF-8 BOM).
func robotsLine(body string, n int) robotsRule {
	if n <= 0 {
		return robotsRule{}
	}
	body = strings.TrimPrefix(body, "\uFEFF")
	cur := 1
	for cur < n {
		i := strings.IndexAny(body, "\r\n")
		if i < 0 {
			return robotsRule{line: n}
		}
		if body[i] == '\r' && i+1 < len(body) && body[i+1] == '\n' {
			i++
		}
		body = body[i+1:]
		cur++
	}
	if i := strings.IndexAny(body, "\r\n"); i >= 0 {
		body = body[:i]
	}
	if i := strings.IndexByte(body, '#'); i >= 0 {
		body = body[:i]
	}
	body = strings.TrimSpace(body)
	sep := strings.IndexByte(body, ':')
	if sep < 0 { // Google accepts "Disallow /x" without the colon
		sep = strings.IndexAny(body, " \t")
	}
	if sep < 0 {
		return robotsRule{line: n, key: body}
	}
	key := strings.TrimSpace(body[:sep])
	return robotsRule{
		allow:   strings.HasPrefix(strings.ToLower(key), "allow"),
		key:     key,
		pattern: strings.TrimSpace(body[sep+1:]),
		line:    n,
	}
}

// RobotsConfig configures the Robots decorator.
type RobotsConfig struct {
	// Mode is RobotsObey, RobotsWarn or RobotsIgnore.
	Mode string
	// Agent is the product token looked up in robots.txt (e.g. "pb-fetch").
	Agent string
	// Fetcher gets the robots.txt files (through the limiter, with retries).
	Fetcher Fetcher
	Stats   *Stats
	Log     Logf
}

type robotsEntry struct {
	ready chan struct{}
	rules *robotsRules
}

// Robots consults each host's robots.txt, read once per host, before a
// request: with RobotsObey a disallowed URL fails with ErrDisallowed
// without being fetched; with RobotsWarn it is fetched, and the first URL
// each rule disallows is reported. A robots.txt that cannot be read (a 5xx
// or no answer) is reported and treated as allowing everything: a forum that
// is going away should not lose pages to a flaky robots.txt.
func Robots(next Fetcher, cfg RobotsConfig) Fetcher {
	if cfg.Mode == RobotsIgnore || cfg.Mode == "" {
		return next
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if cfg.Stats == nil {
		cfg.Stats = NewStats()
	}
	cfg.Stats.robotsOn = cfg.Mode
	var mu sync.Mutex
	hosts := map[string]*robotsEntry{}
	load := func(ctx context.Context, u *url.URL) (*robotsRules, error) {
		key := u.Scheme + "://" + u.Host
		mu.Lock()
		e := hosts[key]
		if e == nil {
			e = &robotsEntry{ready: make(chan struct{})}
			hosts[key] = e
			mu.Unlock()
			e.rules = fetchRobots(ctx, cfg, key)
			close(e.ready)
			return e.rules, nil
		}
		mu.Unlock()
		select {
		case <-e.ready:
			return e.rules, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		u, err := url.Parse(req.URL)
		if err != nil || u.Host == "" {
			return next.Fetch(ctx, req)
		}
		rules, err := load(ctx, u)
		if err != nil {
			return &Response{URL: req.URL, FinalURL: req.URL}, err
		}
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
		rule, ok := rules.match(path)
		if ok {
			return next.Fetch(ctx, req)
		}
		first := cfg.Stats.robotsHit(u.Host + "\x00" + rule.String())
		if cfg.Mode == RobotsObey {
			if first {
				cfg.Log("robots.txt of %s disallows %s by %s: skipping such pages (--robots obey)", u.Host, req.URL, rule)
			}
			return &Response{URL: req.URL, FinalURL: req.URL}, permanent{ErrDisallowed}
		}
		if first {
			cfg.Log("robots.txt of %s disallows %s by %s: fetching such pages anyway (--robots warn; --robots obey skips them)", u.Host, req.URL, rule)
		}
		return next.Fetch(ctx, req)
	})
}

// fetchRobots gets and parses base/robots.txt.
func fetchRobots(ctx context.Context, cfg RobotsConfig, base string) *robotsRules {
	resp, err := cfg.Fetcher.Fetch(ctx, &Request{URL: base + "/robots.txt"})
	switch {
	case err != nil && ctx.Err() != nil:
		return &robotsRules{}
	case err != nil:
		cfg.Log("%s/robots.txt could not be read (%v); assuming everything is allowed", base, err)
		return &robotsRules{}
	case resp.Status >= 500:
		cfg.Log("%s/robots.txt answered %d; assuming everything is allowed", base, resp.Status)
		return &robotsRules{}
	case resp.Status >= 400 || !resp.OK():
		return &robotsRules{} // no robots.txt: everything is allowed
	}
	return parseRobots(resp.Body, cfg.Agent)
}
