package record

import (
	"strconv"
	"strings"
)

// KindImage is the crawl-table kind of an image whose download failed for a
// passing reason: `pb-urls pending` lists it as an image record (not a url
// record), so the next pass of the crawl loop hands it to pb-images again.
const KindImage = "image"

// ImageRetryable reports whether a later download of url may give a file
// where the one that gave status (an image record's status and http_status)
// did not: the host could not be reached, cut the body short, or answered
// 408, 429 or 5xx. Everything else is final: "ok", "not an image", "too
// large", any other HTTP answer (404 and 410 above all), a URL that
// robots.txt disallows, and a data: URL (its bytes are in the URL). An
// unknown status is final too, so a crawl never loops on what it does not
// understand. pb-images keeps final results in its folder's index and
// pb-load re-queues only retryable ones; both decide by this one rule.
func ImageRetryable(url, status string, httpStatus int) bool {
	if strings.HasPrefix(url, "data:") {
		return false
	}
	if reason, ok := strings.CutPrefix(status, "unreachable: "); ok {
		return reason != "disallowed by robots.txt"
	}
	if code, ok := strings.CutPrefix(status, "http "); ok {
		n, err := strconv.Atoi(code)
		if err != nil {
			n = httpStatus
		}
		return n == 408 || n == 429 || (n >= 500 && n <= 599)
	}
	return false
}
