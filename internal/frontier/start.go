// Package frontier decides what to fetch next: the url records that start
// a job (the whole forum, one board, one thread, the members), the crawl
// frontier left in a database (pending pages, in an order that completes
// whole threads and boards first), and the pages a refresh re-queues.
// It is the core of pb-urls.
package frontier

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/pb-archive/pb/internal/forumurl"
	"github.com/pb-archive/pb/internal/record"
)

// Start returns the url records that begin a job. kind is forum, members,
// user, board or thread (user, board and thread need an id), or a full
// forum URL whose kind is inferred from its path. site is the forum's base
// URL; it may be empty when kind is a full URL.
func Start(site, kind string, args []string) ([]record.URL, error) {
	if strings.Contains(kind, "://") {
		if len(args) > 0 {
			return nil, fmt.Errorf("unexpected arguments after URL: %q", args)
		}
		return startURL(site, kind)
	}
	base, err := siteURL(site)
	if err != nil {
		return nil, err
	}
	needID := func() (int64, error) {
		if len(args) != 1 {
			return 0, fmt.Errorf("%s needs exactly one numeric id, e.g. pb-urls %s 12", kind, kind)
		}
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || id <= 0 {
			return 0, fmt.Errorf("%s id %q is not a positive number", kind, args[0])
		}
		return id, nil
	}
	var path, pageKind string
	switch kind {
	case "forum", "home":
		path, pageKind = "/", record.KindHome
	case "members":
		path, pageKind = "/members", record.KindMembers
	case "user", "board", "thread":
		id, err := needID()
		if err != nil {
			return nil, err
		}
		path, pageKind = fmt.Sprintf("/%s/%d", kind, id), kind
	default:
		return nil, fmt.Errorf("unknown kind %q: want forum, members, user ID, board ID, thread ID, or a forum URL", kind)
	}
	if (kind == "forum" || kind == "members") && len(args) > 0 {
		return nil, fmt.Errorf("%s takes no id (got %q)", kind, args)
	}
	u, _ := forumurl.Canonical(base, path)
	return []record.URL{{Type: record.TypeURL, URL: u, Kind: pageKind}}, nil
}

func startURL(site, raw string) ([]record.URL, error) {
	u, ok := forumurl.Canonical(nil, raw)
	if !ok {
		return nil, fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if site != "" {
		base, err := siteURL(site)
		if err != nil {
			return nil, err
		}
		if !forumurl.SameHost(base.String(), u) {
			return nil, fmt.Errorf("%s is not on the forum %s", u, base)
		}
	}
	if forumurl.Forbidden(u) {
		return nil, fmt.Errorf("%s is a write, session or search page; pb never fetches those", u)
	}
	kind := forumurl.Kind(u)
	if kind == "" {
		return nil, fmt.Errorf("don't know what page %s is: give the home page, /members, /user/N, /board/N/SLUG or /thread/N/SLUG", u)
	}
	return []record.URL{{Type: record.TypeURL, URL: u, Kind: kind}}, nil
}

// siteURL is the forum of --site (see forumurl.Site).
func siteURL(site string) (*url.URL, error) {
	u, err := forumurl.Site(site)
	if err != nil && site != "" {
		return nil, fmt.Errorf("--site: %w", err)
	}
	return u, err
}
