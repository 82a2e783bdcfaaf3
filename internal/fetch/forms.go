package fetch

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/pb-archive/pb/internal/htmlx"
)

// form is an HTML form as a browser would submit it: its absolute action,
// its method and the values of its controls.
type form struct {
	Action string
	Method string
	Values url.Values
	// Password is the name of its first password input, "" when none.
	Password string
	// Email is the name of the input that takes the email address or
	// user name: one named email, else of type email, else the first text input.
	Email string
}

// parseHTML parses a body; a body that is not HTML parses as an empty document.
func parseHTML(body []byte) *html.Node {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return &html.Node{Type: html.DocumentNode}
	}
	return doc
}

// findForm returns the first form that matches sel, or that contains a
// match of sel, read against base (the page's final URL); nil when none.
func findForm(doc *html.Node, sel cascadia.Matcher, base string) *form {
	for _, n := range cascadia.QueryAll(doc, sel) {
		for p := n; p != nil; p = p.Parent {
			if p.Type == html.ElementNode && p.Data == "form" {
				return readForm(p, base)
			}
		}
	}
	return nil
}

// readForm reads a form element's action, method and successful controls
// (HTML §4.10.21.4): named inputs, checked checkboxes and radios, selected
// options, textareas, and the first named submit button as if clicked.
func readForm(n *html.Node, base string) *form {
	f := &form{Method: strings.ToUpper(htmlx.Attr(n, "method")), Values: url.Values{}}
	if f.Method != http.MethodPost {
		f.Method = http.MethodGet
	}
	f.Action = base
	if b, err := url.Parse(base); err == nil {
		if a, err := b.Parse(strings.TrimSpace(htmlx.Attr(n, "action"))); err == nil {
			a.Fragment = ""
			f.Action = a.String()
		}
	}
	submitted := false
	firstText := ""
	for _, c := range cascadia.QueryAll(n, selFormControls) {
		name := htmlx.Attr(c, "name")
		typ := strings.ToLower(htmlx.Attr(c, "type"))
		if c.Data == "input" && typ == "" {
			typ = "text"
		}
		if name == "" || hasAttr(c, "disabled") {
			continue
		}
		switch c.Data {
		case "textarea":
			f.Values.Add(name, htmlx.Words(c))
		case "select":
			for _, o := range cascadia.QueryAll(c, selOption) {
				if hasAttr(o, "selected") {
					f.Values.Add(name, optionValue(o))
				}
			}
		case "button":
			if (typ == "" || typ == "submit") && !submitted {
				submitted = true
				f.Values.Add(name, htmlx.Attr(c, "value"))
			}
		case "input":
			switch typ {
			case "submit", "image":
				if !submitted {
					submitted = true
					f.Values.Add(name, htmlx.Attr(c, "value"))
				}
			case "checkbox", "radio":
				if hasAttr(c, "checked") {
					v, ok := htmlx.Lookup(c, "value")
					if !ok {
						v = "on"
					}
					f.Values.Add(name, v)
				}
			case "button", "reset", "file":
			case "password":
				if f.Password == "" {
					f.Password = name
				}
				f.Values.Add(name, htmlx.Attr(c, "value"))
			default:
				if typ == "email" && f.Email == "" || strings.EqualFold(name, "email") {
					f.Email = name
				}
				if typ == "text" && firstText == "" {
					firstText = name
				}
				f.Values.Add(name, htmlx.Attr(c, "value"))
			}
		}
	}
	if f.Email == "" {
		f.Email = firstText
	}
	return f
}

// request is the request that submits the form, sent from the page at referer.
func (f *form) request(referer string) *Request {
	h := http.Header{}
	if referer != "" {
		h.Set("Referer", referer)
		if u, err := url.Parse(referer); err == nil {
			h.Set("Origin", u.Scheme+"://"+u.Host)
		}
	}
	if f.Method == http.MethodGet {
		u, err := url.Parse(f.Action)
		if err != nil {
			return &Request{URL: f.Action, Header: h}
		}
		u.RawQuery = f.Values.Encode()
		return &Request{URL: u.String(), Header: h}
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return &Request{URL: f.Action, Method: http.MethodPost, Header: h, Body: []byte(f.Values.Encode())}
}

var (
	selFormControls = cascadia.MustCompile("input, select, textarea, button")
	selOption       = cascadia.MustCompile("option")
)

func optionValue(o *html.Node) string {
	if v, ok := htmlx.Lookup(o, "value"); ok {
		return v
	}
	return strings.TrimSpace(htmlx.Words(o))
}

func hasAttr(n *html.Node, key string) bool {
	_, ok := htmlx.Lookup(n, key)
	return ok
}
