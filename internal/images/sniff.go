// Package images is pb-images: it downloads the images that image records
// point at through the fetch stack, names each file <md5>.<ext> by the
// type its bytes show, and enriches the records with what it found.
package images

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Sniff returns the file extension of an image from its first bytes, as
// github.com/gabriel-vasile/mimetype recognises them: png, jpg, gif, webp,
// bmp, ico, svg, tiff, avif, heic, heif, jxl, jp2 and every other image
// type it knows; ok is false for anything else (an HTML error page, text,
// an empty body). The URL's extension and the Content-Type are not
// consulted: both may lie.
func Sniff(b []byte) (ext string, ok bool) {
	// SVG is XML: the library takes any XML prologue followed somewhere by
	// "<svg" for one, an XHTML page with an inline drawing included, and
	// misses an <svg> root without xmlns. The root element decides.
	if isSVG(b) {
		return "svg", true
	}
	m := mimetype.Detect(b)
	if !isImage(m) {
		// The library's bitmap signature lacks the 12-byte header of
		// OS/2 1.x bitmaps, which old forums still serve.
		if len(b) >= 26 && b[0] == 'B' && b[1] == 'M' && binary.LittleEndian.Uint32(b[14:18]) == 12 {
			return "bmp", true
		}
		return "", false
	}
	switch m.String() {
	case "image/svg+xml":
		return "", false // not an <svg> root (isSVG said so)
	case "image/x-icon":
		// 00 00 01 00 is an icon, 00 00 02 00 a cursor; an icon has images.
		if len(b) < 22 || b[2] != 1 || binary.LittleEndian.Uint16(b[4:6]) == 0 {
			return "", false
		}
	case "image/apng":
		// An animated PNG is a PNG: .png is the name every viewer opens.
		return "png", true
	}
	return strings.TrimPrefix(m.Extension(), "."), true
}

// isImage reports whether m, or a type it refines, is an image; CAD
// drawings, which the library files under image/, are not pictures.
func isImage(m *mimetype.MIME) bool {
	for ; m != nil; m = m.Parent() {
		switch t := m.String(); {
		case t == "image/vnd.dwg", t == "image/vnd.dxf":
			return false
		case strings.HasPrefix(t, "image/"):
			return m.Extension() != ""
		}
	}
	return false
}

// isSVG reports whether b is an XML document whose root element is <svg>:
// after a byte order mark, white space, an XML declaration, comments,
// processing instructions and a doctype.
func isSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for range 64 { // bounded: a few prologue items at most
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			b = after(b, "?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			b = after(b, "-->")
		case bytes.HasPrefix(b, []byte("<!DOCTYPE")), bytes.HasPrefix(b, []byte("<!doctype")):
			b = afterDoctype(b)
		default:
			if !bytes.HasPrefix(b, []byte("<svg")) || len(b) < 5 {
				return false
			}
			switch b[4] {
			case ' ', '\t', '\r', '\n', '>', '/':
				return true
			}
			return false
		}
		if b == nil {
			return false
		}
	}
	return false
}

// after returns b after the first end, or nil.
func after(b []byte, end string) []byte {
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return nil
	}
	return b[i+len(end):]
}

// afterDoctype skips a doctype, which may hold an internal subset in [...].
func afterDoctype(b []byte) []byte {
	depth := 0
	for i, c := range b {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				return b[i+1:]
			}
		}
	}
	return nil
}
