package fetch

import (
	"net/url"
	"testing"

	"github.com/andybalholm/cascadia"
)

func TestReadForm(t *testing.T) {
	page := []byte(`<html><body>
<form id="search" action="/search"><input name="q"></form>
<form id="login_form" action="https://login.example.com/forum_submit/login" method="post">
<input type="hidden" name="ga_client_id" value="">
<input type="hidden" name="forum" value="42">
<input type="email" name="email" value="">
<input type="password" name="password">
<input type="checkbox" name="remember" value="1" checked>
<input type="checkbox" name="newsletter" value="1">
<input type="radio" name="theme" value="dark"><input type="radio" name="theme" value="light" checked>
<select name="lang"><option value="en">English</option><option selected>Français</option></select>
<textarea name="note">  hi  </textarea>
<input type="text" name="disabled" disabled value="x">
<input type="submit" name="continue" value="Continue"><input type="submit" name="cancel" value="Cancel">
</form></body></html>`)
	f := findForm(parseHTML(page), cascadia.MustCompile("input[type=password]"), "https://forum.example.com/login?x=1")
	if f == nil {
		t.Fatal("no form found around the password input")
	}
	want := url.Values{"ga_client_id": {""}, "forum": {"42"}, "email": {""}, "password": {""}, "remember": {"1"},
		"theme": {"light"}, "lang": {"Français"}, "note": {"hi"}, "continue": {"Continue"}}
	if f.Values.Encode() != want.Encode() {
		t.Errorf("values\n got %s\nwant %s", f.Values.Encode(), want.Encode())
	}
	if f.Action != "https://login.example.com/forum_submit/login" || f.Method != "POST" || f.Password != "password" || f.Email != "email" {
		t.Errorf("form %+v", f)
	}
	req := f.request("https://forum.example.com/login")
	if req.Method != "POST" || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		string(req.Body) != want.Encode() || req.Header.Get("Origin") != "https://forum.example.com" {
		t.Errorf("request %+v", req)
	}

	// A relative action resolves against the page; GET puts the values in the URL.
	s := findForm(parseHTML(page), cascadia.MustCompile("#search"), "https://forum.example.com/board/1/x")
	if s == nil || s.Method != "GET" || s.Email != "q" {
		t.Fatalf("search form %+v", s)
	}
	s.Values.Set("q", "a b")
	if r := s.request(""); r.URL != "https://forum.example.com/search?q=a+b" || r.Body != nil {
		t.Errorf("GET request %+v", r)
	}
	if findForm(parseHTML([]byte("<p>no form</p>")), cascadia.MustCompile("input"), "https://x/") != nil {
		t.Error("found a form in a page without one")
	}
}
