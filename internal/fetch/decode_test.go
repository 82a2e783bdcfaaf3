package fetch

import (
	"testing"
	"unicode/utf8"
)

func TestDecodeBody(t *testing.T) {
	latin1 := []byte("<html><head><meta charset=\"iso-8859-1\"></head><body>Caf\xe9 cr\xe8me \xbd</body></html>")
	for _, tc := range []struct {
		name, ctype string
		body        []byte
		want        string
	}{
		{"ISO-8859-1 by header", "text/html; charset=ISO-8859-1", []byte("Caf\xe9 na\xefve"), "Café naïve"},
		{"ISO-8859-1 by meta", "text/html", latin1, "<html><head><meta charset=\"iso-8859-1\"></head><body>Café crème ½</body></html>"},
		{"windows-1252 quotes by header", "text/html; charset=windows-1252", []byte("\x93quoted\x94 \x80"), "\u201cquoted\u201d €"},
		{"UTF-8 by header", "text/html; charset=utf-8", []byte("Zoë 日本 🎉"), "Zoë 日本 🎉"},
		{"undeclared UTF-8", "text/css", []byte("body{content:\"é\"}"), "body{content:\"é\"}"},
		{"undeclared Latin-1", "text/html", []byte("Caf\xe9"), "Café"},
		{"UTF-8 BOM beats a wrong header", "text/html; charset=iso-8859-1", []byte("\xef\xbb\xbfZo\xc3\xab"), "Zoë"},
		{"bad bytes in declared UTF-8", "text/html; charset=utf-8", []byte("a\xffb"), "a\uFFFDb"},
		{"Shift_JIS by header", "text/html; charset=shift_jis", []byte("\x93\xfa\x96\x7b"), "日本"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DecodeBody(tc.body, tc.ctype)
			if got != tc.want {
				t.Errorf("DecodeBody = %q, want %q", got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("result is not valid UTF-8: %q", got)
			}
		})
	}
}
