package images

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

func encoded(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bmpBytes is a 1×1 24-bit bitmap with a BITMAPINFOHEADER.
func bmpBytes() []byte {
	b := make([]byte, 58)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], 58)
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], 1)
	binary.LittleEndian.PutUint32(b[22:], 1)
	return b
}

// icoBytes is an icon directory with one entry (the image data is not looked at).
func icoBytes(kind uint16) []byte {
	b := make([]byte, 22+40)
	binary.LittleEndian.PutUint16(b[2:], kind)
	binary.LittleEndian.PutUint16(b[4:], 1)
	b[6], b[7] = 16, 16
	return b
}

func TestSniff(t *testing.T) {
	webp := append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00"), make([]byte, 16)...)
	for _, tc := range []struct {
		name string
		data []byte
		ext  string
	}{
		{"png", encoded(t, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) }), "png"},
		{"jpeg", encoded(t, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }), "jpg"},
		{"gif", encoded(t, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) }), "gif"},
		{"webp", webp, "webp"},
		{"bmp", bmpBytes(), "bmp"},
		{"ico", icoBytes(1), "ico"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`), "svg"},
		{"svg with prologue", []byte("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\" [<!ENTITY a \"b\">]>\n<svg>\n</svg>"), "svg"},
		{"html served as png", []byte("<!DOCTYPE html><html><body>404 not found</body></html>"), ""},
		{"svg inside html", []byte("<html><svg></svg></html>"), ""},
		{"an <svgfoo> element", []byte("<svgfoo/>"), ""},
		{"text starting BM", []byte("BMW owners club: members list and more text here"), ""},
		{"a cursor", icoBytes(2), ""},
		{"empty", nil, ""},
		{"json", []byte(`{"error":"no"}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ext, ok := Sniff(tc.data)
			if ext != tc.ext || ok != (tc.ext != "") {
				t.Errorf("Sniff = %q, %v; want %q", ext, ok, tc.ext)
			}
		})
	}
}
