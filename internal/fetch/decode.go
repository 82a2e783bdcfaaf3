package fetch

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// DecodeBody returns body as UTF-8 text. The encoding comes from a byte
// order mark, the Content-Type charset, or a <meta> charset in the first
// 1024 bytes (the HTML5 rules, via x/net/html/charset). Unless a BOM or the
// header settled it, a body that is entirely valid UTF-8 is taken as UTF-8:
// HTML5 would guess windows-1252 for undeclared bodies, which garbles UTF-8
// stylesheets, and a Latin-1 text with accents is never valid UTF-8. Bytes
// invalid in the encoding become U+FFFD, so the result is valid UTF-8.
func DecodeBody(body []byte, contentType string) string {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if (!certain || name == "utf-8") && utf8.Valid(body) {
		return strings.TrimPrefix(string(body), "\ufeff")
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		out = body
	}
	// The byte order mark said what it had to say; it is not text.
	return strings.TrimPrefix(strings.ToValidUTF8(string(out), "\uFFFD"), "\ufeff")
}
