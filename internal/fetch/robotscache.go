package fetch

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultRobotsTTL is how long a cached robots.txt is trusted: a day, as
// the big crawlers do, so a whole mirror (many processes, many passes)
// asks each host for it at most once a day.
const DefaultRobotsTTL = 24 * time.Hour

// RobotsCacheConfig configures CacheRobots.
type RobotsCacheConfig struct {
	// Dir holds the cache files (the --limit-dir folder); "" or
	// LimitDirNone turns the cache off.
	Dir string
	// TTL is how long an answer is reused (default DefaultRobotsTTL).
	TTL time.Duration
	// Now is the clock (default time.Now); tests inject one.
	Now func() time.Time
	// Log reports a cache file that cannot be used (once per host).
	Log Logf
}

// robotsCacheEntry is a cache file's content.
type robotsCacheEntry struct {
	URL       string `json:"url"`
	FetchedAt int64  `json:"fetched_at"` // Unix nanoseconds, by the cache's clock
	Status    int    `json:"status"`
	Body      []byte `json:"body"`
}

// CacheRobots keeps the answers next gives for robots.txt URLs in one
// small file per site in cfg.Dir (pb-robots-<sha1(scheme://host)>), shared
// by every pb process on the machine: pb-fetch and pb-images, and every
// pass of a mirror, read the file instead of asking the forum again while
// the answer is younger than cfg.TTL. The file is locked while one process
// fetches, so processes starting together make one request between them.
// Only definite answers are kept (2xx, and 4xx, which means "no
// robots.txt"); a 5xx or a failed request is asked again next time. Every
// other request goes straight to next.
func CacheRobots(next Fetcher, cfg RobotsCacheConfig) Fetcher {
	if cfg.Dir == "" || cfg.Dir == LimitDirNone {
		return next
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultRobotsTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	c := &robotsCache{cfg: cfg, warned: map[string]bool{}}
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		key, ok := robotsKey(req)
		if !ok {
			return next.Fetch(ctx, req)
		}
		return c.fetch(ctx, next, req, key)
	})
}

type robotsCache struct {
	cfg    RobotsCacheConfig
	mu     sync.Mutex
	warned map[string]bool
}

// robotsKey returns the site a robots.txt request is for, or false for
// any other request.
func robotsKey(req *Request) (string, bool) {
	if req.method() != "GET" {
		return "", false
	}
	u, err := url.Parse(req.URL)
	if err != nil || u.Host == "" || u.Path != "/robots.txt" || u.RawQuery != "" {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// path is the cache file of a site.
func (c *robotsCache) path(key string) string {
	sum := sha1.Sum([]byte(key))
	return filepath.Join(c.cfg.Dir, "pb-robots-"+hex.EncodeToString(sum[:]))
}

func (c *robotsCache) fetch(ctx context.Context, next Fetcher, req *Request, key string) (*Response, error) {
	f, err := openLockFile(c.path(key))
	if err == nil {
		if err = lockFile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		c.warn(key, err)
		return next.Fetch(ctx, req)
	}
	defer f.Close() // closing releases the lock
	if resp, ok := c.read(f, req); ok {
		return resp, nil
	}
	resp, err := next.Fetch(ctx, req)
	if err != nil || resp == nil || resp.Status >= 500 || resp.Status < 200 || resp.Status >= 300 && resp.Status < 400 {
		return resp, err
	}
	b, _ := json.Marshal(robotsCacheEntry{URL: req.URL, FetchedAt: c.cfg.Now().UnixNano(), Status: resp.Status, Body: resp.Body})
	if err := f.Truncate(0); err != nil {
		c.warn(key, err)
	} else if _, err := f.WriteAt(b, 0); err != nil {
		c.warn(key, err)
	}
	return resp, nil
}

// read returns the cached answer for req when the file holds a fresh one.
// An answer dated in the future (the clock was set back) is not trusted.
func (c *robotsCache) read(f *os.File, req *Request) (*Response, bool) {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<30))
	if err != nil || len(b) == 0 {
		return nil, false
	}
	var e robotsCacheEntry
	if json.Unmarshal(b, &e) != nil || e.URL != req.URL {
		return nil, false
	}
	age := c.cfg.Now().Sub(time.Unix(0, e.FetchedAt))
	if age < 0 || age >= c.cfg.TTL {
		return nil, false
	}
	return &Response{URL: req.URL, FinalURL: req.URL, Status: e.Status, Body: e.Body,
		FetchedAt: time.Unix(0, e.FetchedAt)}, true
}

func (c *robotsCache) warn(key string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.warned[key] {
		c.warned[key] = true
		c.cfg.Log("%s/robots.txt: cannot use its cache file in %s (%v); it is fetched by this process", key, c.cfg.Dir, err)
	}
}
