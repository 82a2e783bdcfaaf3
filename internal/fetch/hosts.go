package fetch

import (
	"net/url"
	"strings"
	"sync"

	"github.com/pb-archive/pb/internal/forumurl"
)

// Hosts is the set of the forum's hosts: the hosts of the URLs pb-fetch is
// asked for (and pb-images' --site). They get the forum's politeness
// schedule, and redirects may only lead to them. It grows while input is
// read and is safe for concurrent use.
type Hosts struct {
	mu sync.RWMutex
	m  map[string]bool
}

// NewHosts returns a set holding the hosts of the given URLs or host names.
func NewHosts(urlsOrHosts ...string) *Hosts {
	h := &Hosts{m: map[string]bool{}}
	for _, s := range urlsOrHosts {
		h.Add(s)
	}
	return h
}

// Add adds the host of rawURL (or rawURL itself when it is a bare host name).
// It reports whether the host was new.
func (h *Hosts) Add(rawURL string) bool {
	host := hostOf(rawURL)
	if host == "" {
		return false
	}
	h.mu.RLock()
	known := h.m[host]
	h.mu.RUnlock()
	if known {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m[host] {
		return false
	}
	h.m[host] = true
	return true
}

// Has reports whether host (as in url.URL.Host) is one of the forum's hosts.
func (h *Hosts) Has(host string) bool {
	if h == nil {
		return false
	}
	host = strings.ToLower(host)
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[host]
}

// SameSite reports whether host belongs to the same site as one of the
// forum's hosts (forumurl.SameSite): the same registrable domain (name.proboards.com and
// storage.proboards.com both belong to proboards.com), or the same IP.
func (h *Hosts) SameSite(host string) bool {
	if h.Has(host) {
		return true
	}
	site := forumurl.SiteOf(host)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for k := range h.m {
		if forumurl.SiteOf(k) == site {
			return true
		}
	}
	return false
}

// hostOf returns the lower-cased host[:port] of a URL or bare host name.
func hostOf(s string) string {
	if !strings.Contains(s, "://") {
		return strings.ToLower(strings.TrimSuffix(s, "/"))
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
