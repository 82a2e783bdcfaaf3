package fetch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// Robots modes (--robots).
const (
	RobotsObey   = "obey"   // do not fetch what robots.txt disallows
	RobotsWarn   = "warn"   // fetch it, but report each disallowing rule once and count
	RobotsIgnore = "ignore" // do not even read robots.txt
)

// robotsRules is the group of a robots.txt that applies to us (RFC 9309).
type robotsRules struct {
	rules []robotsRule
}

type robotsRule struct {
	allow   bool
	pattern string
	line    int
}

func (r robotsRule) String() string {
	verb := "Disallow"
	if r.allow {
		verb = "Allow"
	}
	return fmt.Sprintf("%q (line %d)", verb+": "+r.pattern, r.line)
}

// parseRobots reads a robots.txt and keeps the rules of the groups for
// agent (matched case-insensitively), or else of the groups for "*".
func parseRobots(body []byte, agent string) *robotsRules {
	agent = strings.ToLower(agent)
	type group struct {
		agents []string
		rules  []robotsRule
	}
	var groups []*group
	var cur *group
	inAgents := false
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch key {
		case "user-agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
				inAgents = true
			}
			cur.agents = append(cur.agents, strings.ToLower(val))
		case "allow", "disallow":
			inAgents = false
			if cur == nil || val == "" { // "Disallow:" with no path allows everything
				continue
			}
			cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: val, line: n})
		default:
			// Sitemap, Crawl-delay and the like do not end the agent list.
		}
	}
	pick := func(match func(string) bool) *robotsRules {
		var out *robotsRules
		for _, g := range groups {
			for _, a := range g.agents {
				if match(a) {
					if out == nil {
						out = &robotsRules{}
					}
					out.rules = append(out.rules, g.rules...)
					break
				}
			}
		}
		return out
	}
	if r := pick(func(a string) bool { return a == agent }); r != nil {
		return r
	}
	if r := pick(func(a string) bool { return a == "*" }); r != nil {
		return r
	}
	return &robotsRules{}
}

// match returns the rule deciding path (path and query, as sent), and
// whether it is allowed: the longest matching pattern wins, Allow on a tie.
func (r *robotsRules) match(path string) (robotsRule, bool) {
	var best robotsRule
	found := false
	for _, rule := range r.rules {
		if !robotsPatternMatch(rule.pattern, path) {
			continue
		}
		if !found || len(rule.pattern) > len(best.pattern) ||
			len(rule.pattern) == len(best.pattern) && rule.allow && !best.allow {
			best, found = rule, true
		}
	}
	if !found {
		return robotsRule{}, true
	}
	return best, best.allow
}

// robotsPatternMatch matches a robots.txt path pattern: a prefix, where *
// matches any run of characters and a final $ anchors the end.
func robotsPatternMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	rest := path[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last && anchored {
			return strings.HasSuffix(rest, p)
		}
		j := strings.Index(rest, p)
		if j < 0 {
			return false
		}
		rest = rest[j+len(p):]
	}
	return !anchored || rest == ""
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
