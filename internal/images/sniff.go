// Package images is pb-images: it downloads the images that image records
// point at through the fetch stack, names each file <md5>.<ext> by the
// type its bytes show, and enriches the records with what it found.
package images

import (
	"bytes"
	"encoding/binary"
	"net/http"
)

// Sniff returns the file extension of an image from its first bytes: png,
// jpg, gif, webp, bmp, ico or svg; ok is false for anything else. The URL's
// extension and the Content-Type are not consulted: both may lie.
func Sniff(b []byte) (ext string, ok bool) {
	switch http.DetectContentType(b) { // the WHATWG signatures
	case "image/png":
		return "png", true
	case "image/jpeg":
		return "jpg", true
	case "image/gif":
		return "gif", true
	case "image/webp":
		return "webp", true
	case "image/bmp":
		// The signature is just "BM"; a DIB header size makes it a bitmap.
		if len(b) >= 26 {
			switch binary.LittleEndian.Uint32(b[14:18]) {
			case 12, 16, 40, 52, 56, 64, 108, 124:
				return "bmp", true
			}
		}
		return "", false
	case "image/x-icon":
		// 00 00 01 00 is an icon, 00 00 02 00 a cursor; an icon has images.
		if len(b) >= 22 && b[2] == 1 && binary.LittleEndian.Uint16(b[4:6]) > 0 {
			return "ico", true
		}
		return "", false
	}
	if isSVG(b) {
		return "svg", true
	}
	return "", false
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
