package fetch

import "testing"

const sampleRobots = `# like a live ProBoards forum (proboards-markup.md §1)
User-agent: GPTBot
User-agent: CCBot
Disallow: /

User-agent: *
Disallow: /user/
Disallow: /threads/recent
Disallow: /members
Allow: /members/public$
Disallow: /search/
Disallow: /*?action=
Disallow: /*.php$
Disallow:
Sitemap: https://x.proboards.com/sitemap.xml
`

func TestRobotsMatch(t *testing.T) {
	star := parseRobots([]byte(sampleRobots), "pb-fetch")
	bot := parseRobots([]byte(sampleRobots), "ccbot")
	for _, tc := range []struct {
		rules *robotsRules
		path  string
		allow bool
		rule  string
	}{
		{star, "/", true, ""},
		{star, "/board/3/general", true, ""},
		{star, "/thread/12/hello?page=2", true, ""},
		{star, "/user/5", false, "/user/"},
		{star, "/members?page=3", false, "/members"},
		{star, "/members/public", true, "/members/public$"},
		{star, "/members/public/x", false, "/members"},
		{star, "/threads/recent", false, "/threads/recent"},
		{star, "/board/1/x?action=delete", false, "/*?action="},
		{star, "/index.php", false, "/*.php$"},
		{star, "/index.php?x=1", true, ""},
		{bot, "/board/3/general", false, "/"},
	} {
		rule, ok := tc.rules.match(tc.path)
		if ok != tc.allow || rule.pattern != tc.rule {
			t.Errorf("match(%q) = %v by %q, want %v by %q", tc.path, ok, rule.pattern, tc.allow, tc.rule)
		}
	}
	if r := parseRobots([]byte("User-agent: other\nDisallow: /\n"), "pb-fetch"); len(r.rules) != 0 {
		t.Errorf("rules of another agent applied: %+v", r.rules)
	}
	if r, _ := star.match("/user/5"); r.line != 7 {
		t.Errorf("rule line = %d, want 7", r.line)
	}
}

func TestRobotsAgentGroupBeatsStar(t *testing.T) {
	r := parseRobots([]byte("User-agent: *\nDisallow: /\n\nUser-agent: PB-Fetch\nDisallow: /private\n"), "pb-fetch")
	if _, ok := r.match("/board/1"); !ok {
		t.Error("our own group should replace the * group")
	}
	if _, ok := r.match("/private/x"); ok {
		t.Error("our own group's rule not applied")
	}
}
