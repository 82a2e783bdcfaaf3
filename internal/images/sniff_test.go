package images

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
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

// bmpHeader is a 1×1 bitmap whose DIB header has the given size (12: OS/2
// 1.x, 40: Windows 3.x, 124: Windows 98 and newer).
func bmpHeader(dib uint32) []byte {
	b := make([]byte, 14+dib+4)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], uint32(len(b)))
	binary.LittleEndian.PutUint32(b[10:], 14+dib)
	binary.LittleEndian.PutUint32(b[14:], dib)
	if dib == 12 {
		binary.LittleEndian.PutUint16(b[18:], 1)
		binary.LittleEndian.PutUint16(b[20:], 1)
		binary.LittleEndian.PutUint16(b[22:], 1)
		binary.LittleEndian.PutUint16(b[24:], 24)
	} else {
		binary.LittleEndian.PutUint32(b[18:], 1)
		binary.LittleEndian.PutUint32(b[22:], 1)
		binary.LittleEndian.PutUint16(b[26:], 1)
		binary.LittleEndian.PutUint16(b[28:], 24)
	}
	return b
}

// box is an ISO base media file format box (HEIF, AVIF, the JPEG XL container).
func box(typ string, payload ...string) []byte {
	body := strings.Join(payload, "")
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

// ftypBox is the file type box that opens a HEIF-family file: a major
// brand, a minor version and compatible brands.
func ftypBox(major string, compatible ...string) []byte {
	return box("ftyp", major, "\x00\x00\x00\x00", strings.Join(compatible, ""))
}

// TestSniffModernFormats: the formats that browsers and phones produce today
// are images, each named by its own extension, from the first bytes of a
// real file of that format.
func TestSniffModernFormats(t *testing.T) {
	// A little-endian TIFF: header, then one IFD with ImageWidth = 1.
	tiffLE := []byte("II*\x00\x08\x00\x00\x00\x01\x00\x00\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00")
	tiffBE := []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x00\x00\x03\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00")
	for _, tc := range []struct {
		name string
		data []byte
		ext  string
	}{
		{"avif", append(ftypBox("avif", "avif", "mif1", "miaf", "MA1B"), box("meta", "\x00\x00\x00\x00")...), "avif"},
		{"avif sequence", ftypBox("avis", "avis", "msf1", "miaf"), "avif"},
		{"heic from a phone", append(ftypBox("heic", "mif1", "heic"), box("meta", "\x00\x00\x00\x00")...), "heic"},
		{"heif", ftypBox("mif1", "mif1", "heic"), "heif"},
		{"tiff, little-endian", tiffLE, "tiff"},
		{"tiff, big-endian", tiffBE, "tiff"},
		{"jpeg xl codestream", []byte("\xff\x0a\xfa\x7f\x01\x90\x08\x06\x01\x00\x48\x00\x4b\x38\x41\x3c"), "jxl"},
		{"jpeg xl container", append(box("JXL ", "\x0d\x0a\x87\x0a"), ftypBox("jxl ", "jxl ")...), "jxl"},
		{"bmp, Windows 3.x header", bmpHeader(40), "bmp"},
		{"bmp, Windows 98 header", bmpHeader(124), "bmp"},
		{"bmp, OS/2 1.x header", bmpHeader(12), "bmp"},
		{"svg with xml declaration", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>
`), "svg"},
		{"svg with namespace, no declaration", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>`), "svg"},
		{"jpeg 2000", []byte("\x00\x00\x00\x0cjP  \x0d\x0a\x87\x0a\x00\x00\x00\x14ftypjp2 \x00\x00\x00\x00jp2 "), "jp2"},
		{"an mp4 video is not an image", ftypBox("isom", "isom", "mp41"), ""},
		{"xhtml with an inline drawing", []byte(`<?xml version="1.0"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>`), ""},
		{"a tiff-like text", []byte("II is the second of the list"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ext, ok := Sniff(tc.data)
			if ext != tc.ext || ok != (tc.ext != "") {
				t.Errorf("Sniff = %q, %v; want %q", ext, ok, tc.ext)
			}
		})
	}
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
