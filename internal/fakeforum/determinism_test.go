package fakeforum

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// samplePaths returns URLs of every kind the forum serves.
func samplePaths(t *testing.T, f *Forum) []string {
	t.Helper()
	w := f.w
	paths := w.pagePaths(f.Generation())
	// Keep the sample small but cover every kind.
	var out []string
	for i, p := range paths {
		if i%3 == 0 || p == "/" {
			out = append(out, p)
		}
	}
	sp := w.special
	out = append(out,
		"/robots.txt", "/css/theme.css?v=3", faviconPath, backgroundPath, bannerPath, newIconPath, defaultAvatarPath,
		"/user/999999", "/no/such/page", "/login",
		fmt.Sprintf("/fake-api/moderators?board=%d", sp.bigBoard.id),
		fmt.Sprintf("/fake-api/voters?thread=%d", sp.pollThread.id),
		fmt.Sprintf("/post/%d", sp.featureThread.firstAlloc+3),
	)
	for _, u := range w.users[:8] {
		if u.avatar != avatarDefault {
			out = append(out, u.avatarPath())
		}
	}
	for _, s := range smileys {
		out = append(out, s.path())
	}
	for id := sp.featureThread.firstAlloc; id < sp.featureThread.firstAlloc+int64(sp.featureThread.nAlloc); id++ {
		for _, im := range w.postImages(id) {
			out = append(out, im.path())
		}
		out = append(out, fmt.Sprintf("/fake-api/likes?post=%d", id))
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b := small(t), small(t)
	for _, p := range samplePaths(t, a) {
		ra, rb := get(t, a, p), get(t, b, p)
		if ra.Code != rb.Code || !bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()) {
			t.Errorf("%s: two forums with seed 1 differ (status %d vs %d, %d vs %d bytes)", p, ra.Code, rb.Code, ra.Body.Len(), rb.Body.Len())
		}
		if ra.Header().Get("Content-Type") != rb.Header().Get("Content-Type") {
			t.Errorf("%s: content types differ", p)
		}
		// Serving the same URL again (after others) gives the same bytes too.
		if again := get(t, a, p); !bytes.Equal(again.Body.Bytes(), ra.Body.Bytes()) {
			t.Errorf("%s: a second request gives other bytes", p)
		}
	}
	var ta, tb bytes.Buffer
	if err := a.WriteTruth(&ta, testBase); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteTruth(&tb, testBase); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ta.Bytes(), tb.Bytes()) {
		t.Error("the truths of two forums with seed 1 differ")
	}
}

func TestOtherSeedOtherContent(t *testing.T) {
	a, b := small(t), newForum(t, Config{Seed: 2, Size: "small"})
	same := 0
	paths := []string{"/", "/members", "/user/2", "/board/2/general-discussion", "/css/theme.css",
		fmt.Sprintf("/thread/%d/x", a.w.special.featureThread.id), "/avatars/1.png"}
	for _, p := range paths {
		ra, rb := get(t, a, p), get(t, b, p)
		if ra.Code == http.StatusOK && bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()) {
			same++
			t.Logf("%s is the same for seeds 1 and 2", p)
		}
	}
	// The stylesheet is static; everything else must change with the seed.
	if same > 1 {
		t.Errorf("%d of %d pages are identical for seeds 1 and 2", same, len(paths))
	}
	var ta, tb bytes.Buffer
	a.WriteTruth(&ta, testBase)
	b.WriteTruth(&tb, testBase)
	if bytes.Equal(ta.Bytes(), tb.Bytes()) {
		t.Error("seeds 1 and 2 have the same truth")
	}
}

func TestHostsAreSymmetric(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "localhost:8080",
		"localhost:8080": "127.0.0.1:8080",
		"LOCALHOST:1":    "127.0.0.1:1",
		"[::1]:9":        "localhost:9",
		"example.test":   "localhost",
	} {
		if got := otherHost(in); got != want {
			t.Errorf("otherHost(%q) = %q, want %q", in, got, want)
		}
	}
	// The image host of the image host is the forum again.
	f := small(t)
	rec := request(t, f, http.MethodGet, "localhost:8080", "/", nil)
	if !bytes.Contains(rec.Body.Bytes(), []byte(`href="//127.0.0.1:8080/favicon.ico"`)) {
		t.Error("a page served as localhost does not put its images on 127.0.0.1")
	}
}
