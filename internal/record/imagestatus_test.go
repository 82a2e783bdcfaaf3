package record

import "testing"

func TestImageRetryable(t *testing.T) {
	const u = "https://i.example.com/a.png"
	for _, tc := range []struct {
		url, status string
		http        int
		want        bool
	}{
		{u, "http 503", 503, true},
		{u, "http 500", 500, true},
		{u, "http 429", 429, true},
		{u, "http 408", 408, true},
		{u, "unreachable: connection reset", 0, true},
		{u, "unreachable: truncated body", 200, true},
		{u, "unreachable: timeout", 0, true},
		{u, "unreachable: host is down: 20 failures", 0, true},
		{u, "unreachable: no such host i.example.com", 0, true},
		{u, "ok", 200, false},
		{u, "not an image", 200, false},
		{u, "too large", 200, false},
		{u, "http 404", 404, false},
		{u, "http 410", 410, false},
		{u, "http 403", 403, false},
		{u, "http 401", 401, false},
		{u, "unreachable: disallowed by robots.txt", 0, false},
		{"data:image/png;base64,!!", "unreachable: bad base64 in data: URL", 0, false},
		{u, "something new", 0, false},
		{u, "", 0, false},
	} {
		if got := ImageRetryable(tc.url, tc.status, tc.http); got != tc.want {
			t.Errorf("ImageRetryable(%q, %q, %d) = %v, want %v", tc.url, tc.status, tc.http, got, tc.want)
		}
	}
}
