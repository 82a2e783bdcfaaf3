package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// maxRedirects bounds a redirect chain, as browsers do.
const maxRedirects = 10

// Redirect follows redirects one hop at a time, each hop a request of its
// own through the layers below (so through the limiter and the retries),
// and only to URLs allow accepts (nil allows every http(s) URL). A
// redirect it may not follow ends the fetch with a *RedirectError and the
// 3xx response.
func Redirect(next Fetcher, allow func(to *url.URL) bool) Fetcher {
	return FetcherFunc(func(ctx context.Context, req *Request) (*Response, error) {
		cur := req
		attempts := 0
		var hops []*Response
		for hop := 0; ; hop++ {
			resp, err := next.Fetch(ctx, cur)
			if resp == nil {
				resp = &Response{FinalURL: cur.URL}
			}
			attempts += max(resp.Attempts, 1)
			resp.URL, resp.Attempts = req.URL, attempts
			resp.Hops = hops
			if err != nil || !isRedirect(resp.Status) || resp.Header.Get("Location") == "" {
				return resp, err
			}
			base, _ := url.Parse(cur.URL)
			to, perr := base.Parse(resp.Header.Get("Location"))
			if perr != nil || (to.Scheme != "http" && to.Scheme != "https") {
				return resp, permanent{fmt.Errorf("bad redirect Location %q", resp.Header.Get("Location"))}
			}
			to.Fragment = ""
			if allow != nil && !allow(to) {
				return resp, permanent{&RedirectError{From: cur.URL, To: to.String()}}
			}
			if hop+1 >= maxRedirects {
				return resp, permanent{fmt.Errorf("more than %d redirects, the last to %s", maxRedirects, to)}
			}
			nr := *cur
			nr.URL = to.String()
			if resp.Status == http.StatusSeeOther ||
				(resp.Status == http.StatusMovedPermanently || resp.Status == http.StatusFound) && cur.method() == http.MethodPost {
				nr.Method, nr.Body = http.MethodGet, nil
			}
			cur = &nr
			hop := *resp
			hop.Hops = nil
			hops = append(hops, &hop)
		}
	})
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
