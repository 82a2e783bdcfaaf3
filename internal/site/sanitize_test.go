package site

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// testCleaner knows a forum at http://forum.test with board 3, thread 7
// (post 70 on its page 2), user 9, and one archived image.
func testCleaner() *cleaner {
	base, _ := url.Parse("http://forum.test/")
	link := func(u *url.URL) string {
		if u.Host != "forum.test" {
			return ""
		}
		switch {
		case strings.HasPrefix(u.Path, "/board/3"):
			return "board/3/index.html"
		case strings.HasPrefix(u.Path, "/thread/7"):
			if u.Query().Get("page") == "2" {
				return "thread/7/page-2.html"
			}
			return "thread/7/index.html"
		case u.Path == "/post/70":
			return "thread/7/page-2.html#post-70"
		case u.Path == "/user/9":
			return "user/9/index.html"
		}
		return ""
	}
	img := func(abs string) string {
		if abs == "http://img.forum.test/a.png" {
			return "images/0123.png"
		}
		return ""
	}
	return &cleaner{base: base, link: link, image: img}
}

// TestCleanHostile: what a hostile or broken post holds renders as
// harmless markup, checked on the parsed result, not by string search alone.
func TestCleanHostile(t *testing.T) {
	c := testCleaner()
	for _, tc := range []struct{ name, in string }{
		{"script", `hi<script>window.pwned=1</script>`},
		{"script uppercase", `<SCRIPT SRC=http://evil.test/x.js></SCRIPT>`},
		{"onerror", `<img src="x" onerror="window.pwned=2">`},
		{"onclick", `<b onclick="window.pwned=1">b</b>`},
		{"svg onload", `<svg onload="window.pwned=1"><circle/></svg>`},
		{"javascript link", `<a href="javascript:window.pwned=3">x</a>`},
		{"javascript entity", `<a href="jav&#x09;ascript:alert(1)">x</a>`},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`},
		{"iframe", `<iframe src="http://evil.test/"></iframe>`},
		{"object", `<object data="http://evil.test/x.swf"></object><embed src="http://evil.test/y">`},
		{"form", `<form action="http://evil.test/"><input name=a><button>go</button></form>`},
		{"base", `<base href="http://evil.test/">`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=http://evil.test/">`},
		{"link css", `<link rel="stylesheet" href="http://evil.test/x.css">`},
		{"style element", `<style>body{background:url(http://evil.test/a.png)}</style>`},
		{"style url", `<div style="background: url(http://evil.test/b.png)">x</div>`},
		{"style import", `<span style="color: red; background-image: url('//evil.test/c.png')">x</span>`},
		{"style expression", `<span style="width: expression(alert(1))">x</span>`},
		{"remote image", `<img src="http://evil.test/track.gif">`},
		{"protocol-relative image", `<img src="//evil.test/track.gif">`},
		{"srcset", `<img src="http://img.forum.test/a.png" srcset="http://evil.test/big.png 2x">`},
		{"unclosed", `<b><i>unclosed <div>broken <table><tr><td>cell`},
		{"broken attrs", `<a href="http://ok.test/" <img src=x onerror=alert(1)//>x</a>`},
		{"comment", `<!--[if IE]><script>alert(1)</script><![endif]-->`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := c.clean(tc.in, "../../")
			checkHarmless(t, out)
		})
	}
}

// checkHarmless parses sanitised HTML and fails on anything that could run
// code or reach the network.
func checkHarmless(t *testing.T, out string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true, "form": true, "input": true,
		"button": true, "base": true, "meta": true, "link": true, "style": true, "svg": true}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if bad[n.Data] {
				t.Errorf("<%s> survived: %s", n.Data, out)
			}
			for _, a := range n.Attr {
				k, v := strings.ToLower(a.Key), strings.ToLower(a.Val)
				switch {
				case strings.HasPrefix(k, "on"):
					t.Errorf("event handler %s survived: %s", k, out)
				case k == "srcset":
					t.Errorf("srcset survived: %s", out)
				case k == "style" && (strings.Contains(v, "url") || strings.Contains(v, "expression")):
					t.Errorf("style %q survived: %s", v, out)
				case k == "href" && !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "#")):
					t.Errorf("href %q survived: %s", a.Val, out)
				case k == "href" && strings.HasPrefix(v, "http") && n.Data == "a":
					if rel, _ := getAttr(n, "rel"); rel != "nofollow noopener" {
						t.Errorf("external link without rel=\"nofollow noopener\": %s", out)
					}
				case k == "src" && !strings.HasPrefix(v, "../../images/"):
					t.Errorf("src %q reaches outside the archive: %s", a.Val, out)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

// TestCleanKeeps: the forum's own markup survives and its links and images
// point at the archive.
func TestCleanKeeps(t *testing.T) {
	c := testCleaner()
	for _, tc := range []struct{ name, in, want string }{
		{"quote", `<div class="quote" source="/post/19"><div class="quote_header">Quote from <a href="/user/9">A</a></div><div class="quote_body">hi</div></div>`,
			`<div class="quote"><div class="quote_header">Quote from <a href="../../user/9/index.html">A</a></div><div class="quote_body">hi</div></div>`},
		{"spoiler", `<div class="spoiler">secret</div>`, `<div class="spoiler">secret</div>`},
		{"code", `<pre><code>x &lt; 1</code></pre>`, `<pre><code>x &lt; 1</code></pre>`},
		{"list", `<ul><li>a</li><li>b</li></ul>`, `<ul><li>a</li><li>b</li></ul>`},
		{"table", `<table><tbody><tr><td>1</td></tr></tbody></table>`, `<table><tbody><tr><td>1</td></tr></tbody></table>`},
		{"colour", `<span style="color: #b03030">red</span>`, `<span style="color: #b03030">red</span>`},
		{"board link", `<a href="http://forum.test/board/3/general">b</a>`, `<a href="../../board/3/index.html">b</a>`},
		{"thread page link", `<a href="/thread/7/title?page=2">t</a>`, `<a href="../../thread/7/page-2.html">t</a>`},
		{"post link", `<a href="http://forum.test/post/70">p</a>`, `<a href="../../thread/7/page-2.html#post-70">p</a>`},
		{"external link", `<a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="nofollow">e</a>`,
			`<a href="https://example.com/x?a=1&amp;b=2" rel="nofollow noopener">e</a>`},
		{"forum page not archived", `<a href="/user/9/recent">r</a>`, `<a href="http://forum.test/user/9/recent" rel="nofollow noopener">r</a>`},
		{"archived image", `<img src="http://img.forum.test/a.png" alt="x">`, `<img src="../../images/0123.png" alt="x" loading="lazy"/>`},
		{"image not archived", `<img src="http://other.test/b.png" alt="pic">`,
			`<a class="unarchived" href="http://other.test/b.png" rel="nofollow noopener">[pic — not archived]</a>`},
		{"mailto", `<a href="mailto:someone@example.com">write</a>`, `<a>write</a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.clean(tc.in, "../../"); got != tc.want {
				t.Errorf("clean(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestTermsFoldLikeTheBrowser(t *testing.T) {
	got := strings.Join(terms("Café SMÖRGÅSBORD, naïve-idea 日本語の本 x2"), " ")
	if want := "cafe smorgasbord naive idea 日本語の本 x2"; got != want {
		t.Errorf("terms = %q, want %q", got, want)
	}
}
