package site

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// redirectRow maps one URL of the original forum to its page in the site.
type redirectRow struct {
	From string // absolute URL on the forum
	To   string // site path
}

// redirects writes redirects.txt (original URL, tab, new path: one line
// each, sorted) and ready snippets for nginx (a map on $request_uri) and
// Netlify (_redirects, with query matches for ?page=N), both assuming the
// site is served at the root of the host.
func (b *builder) redirects() error {
	var rows []redirectRow
	add := func(from, to string) {
		if from != "" {
			rows = append(rows, redirectRow{From: from, To: to})
		}
	}
	paged := func(base string, n int, path func(int) string) {
		// ProBoards links /thread/345 as well as /thread/345/its-title.
		for _, u := range []string{base, withoutSlug(base)} {
			if u == "" {
				continue
			}
			add(u, path(1))
			for i := 2; i <= n; i++ {
				add(withPage(u, i), path(i))
			}
		}
	}
	if b.f.base != nil {
		home := b.f.base.String()
		add(home, "index.html")
		paged(strings.TrimSuffix(home, "/")+"/members", pages(len(b.userList), membersPerPage), membersPath)
	}
	for _, bd := range b.boardList {
		id := bd.ID
		paged(bd.URL, pages(len(bd.Threads), threadsPerPage), func(n int) string { return boardPath(id, n) })
	}
	for _, t := range b.threadList {
		id := t.ID
		paged(t.URL, pages(len(t.Posts), postsPerPage), func(n int) string { return threadPath(id, n) })
		for _, p := range t.Posts {
			if p.URL != "" {
				add(p.URL, "post/"+strconv.FormatInt(p.ID, 10)+".html")
			} else if b.f.base != nil {
				add(strings.TrimSuffix(b.f.base.String(), "/")+"/post/"+strconv.FormatInt(p.ID, 10), "post/"+strconv.FormatInt(p.ID, 10)+".html")
			}
		}
	}
	for _, u := range b.userList {
		add(u.URL, userPath(u.ID, 1))
		add(withoutSlug(u.URL), userPath(u.ID, 1))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].From < rows[j].From })
	var txt, nginx, netlify strings.Builder
	txt.WriteString("# Every page of the original forum and its path in this archive (original URL, tab, path).\n")
	nginx.WriteString("# nginx: include inside http {}; then in the server block of the archive:\n#   if ($pb_site_target) { return 301 $pb_site_target; }\n")
	nginx.WriteString("map $request_uri $pb_site_target {\n  default \"\";\n")
	netlify.WriteString("# Netlify _redirects: old ProBoards paths to the archive's pages.\n")
	var netlifyQuery, netlifyPlain []string
	seen := map[string]bool{}
	for _, r := range rows {
		txt.WriteString(r.From + "\t" + r.To + "\n")
		u, err := url.Parse(r.From)
		if err != nil {
			continue
		}
		req := u.EscapedPath()
		if req == "" {
			req = "/"
		}
		if u.RawQuery != "" {
			req += "?" + u.RawQuery
		}
		if seen[req] {
			continue
		}
		seen[req] = true
		nginx.WriteString("  " + nginxQuote(req) + " /" + r.To + ";\n")
		if page := u.Query().Get("page"); page != "" {
			netlifyQuery = append(netlifyQuery, u.EscapedPath()+" page="+page+" /"+r.To+" 301")
		} else if u.RawQuery == "" && u.EscapedPath() != "/" && u.EscapedPath() != "" {
			netlifyPlain = append(netlifyPlain, u.EscapedPath()+" /"+r.To+" 301")
		}
	}
	nginx.WriteString("}\n")
	// Netlify takes the first rule that matches: those with a query first.
	for _, l := range append(netlifyQuery, netlifyPlain...) {
		netlify.WriteString(l + "\n")
	}
	b.out.file("redirects.txt", []byte(txt.String()))
	b.out.file("redirects.nginx.conf", []byte(nginx.String()))
	b.out.file("_redirects", []byte(netlify.String()))
	return b.out.err
}

// withoutSlug drops the title part of /board/ID/slug, /thread/ID/slug or
// /user/ID/slug, or returns "" when there is none.
func withoutSlug(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 3 {
		return ""
	}
	u.Path = "/" + parts[0] + "/" + parts[1]
	return u.String()
}

// withPage adds ?page=n to a URL.
func withPage(raw string, n int) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}

// nginxEscaper is built once: a Replacer per call cost a build per line.
var nginxEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`)

// nginxQuote quotes a string for an nginx config.
func nginxQuote(s string) string {
	return `"` + nginxEscaper.Replace(s) + `"`
}
