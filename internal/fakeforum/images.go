package fakeforum

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/bmp"
)

// imageKind is what an image URL serves.
type imageKind uint8

const (
	imgPNG imageKind = iota
	imgJPEG
	imgGIF
	imgWebP
	imgBMP
	imgSVG
	imgICO
	imgDead // 404
	imgHTML // an HTML page served as image/png under a .png URL
)

// urlExt is the extension in the image's URL (which may lie: see avatarLying).
func (k imageKind) urlExt() string {
	return [...]string{"png", "jpg", "gif", "webp", "bmp", "svg", "ico", "png", "png"}[k]
}

// fileExt is the extension pb-images gives the file, from the sniffed bytes.
func (k imageKind) fileExt() string { return k.urlExt() }

func (k imageKind) contentType() string {
	return [...]string{"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
		"image/svg+xml", "image/x-icon", "text/html; charset=utf-8", "image/png"}[k]
}

// avatarKind says in which format a member's avatar is. A member's kind is
// id % 6, except member 3 (avatarLying). Avatars live on the image host,
// protocol-relative or absolute as below; with OddForms the WebP ones are
// relative to the forum (relAvatar).
type avatarKind uint8

const (
	avatarDefault   avatarKind = iota // the shared //IMAGE/v5/defaultavatar.png
	avatarPNG                         // //IMAGE/avatars/N.png
	avatarGIF                         // http://IMAGE/avatars/N.gif
	avatarJPEG                        // http://IMAGE/avatars/N.jpg
	avatarWebP                        // //IMAGE/avatars/N.webp (OddForms: /avatars/N.webp, forum host)
	avatarImageHost                   // //IMAGE/avatars/N.png, protocol-relative
	avatarLying                       // http://IMAGE/avatars/N.jpg whose bytes are PNG
)

const defaultAvatarPath = "/v5/defaultavatar.png"

// avatarSrc is the img src of a member's avatar as pages write it.
func (u *user) avatarSrc(h hosts) string {
	switch {
	case u.relAvatar:
		return u.avatarPath()
	case u.avatar == avatarDefault:
		return "//" + h.image + defaultAvatarPath
	case u.avatar == avatarPNG, u.avatar == avatarWebP, u.avatar == avatarImageHost:
		return "//" + h.image + u.avatarPath()
	}
	return h.imageURL(u.avatarPath())
}

// avatarURL is the absolute avatar URL.
func (u *user) avatarURL(h hosts) string {
	switch {
	case u.relAvatar:
		return h.forumURL(u.avatarPath())
	case u.avatar == avatarDefault:
		return h.imageURL(defaultAvatarPath)
	}
	return h.imageURL(u.avatarPath())
}

func (u *user) avatarPath() string {
	ext := map[avatarKind]string{avatarPNG: "png", avatarGIF: "gif", avatarJPEG: "jpg", avatarWebP: "webp",
		avatarImageHost: "png", avatarLying: "jpg"}[u.avatar]
	return "/avatars/" + itoa(u.id) + "." + ext
}

// avatarImageKind is the real format of the avatar's bytes.
func (u *user) avatarImageKind() imageKind {
	switch u.avatar {
	case avatarGIF:
		return imgGIF
	case avatarJPEG:
		return imgJPEG
	case avatarWebP:
		return imgWebP
	}
	return imgPNG
}

// smiley is one entry of the shoutbox's smiley menu.
type smiley struct {
	code, name string
	kind       imageKind
	onForum    bool // //IMAGE/images/smileys/NAME; else //IMAGE/v5/smiley/NAME
	odd        bool // with OddForms, relative to the forum: /images/smileys/NAME
}

var smileys = []smiley{
	{":)", "smile", imgPNG, false, false}, {";)", "wink", imgGIF, false, false}, {":D", "grin", imgPNG, true, true},
	{":(", "sad", imgGIF, true, false}, {":P", "tongue", imgPNG, false, false}, {"8-)", "cool", imgGIF, true, false},
}

func (s smiley) path() string {
	if s.onForum {
		return "/images/smileys/" + s.name + "." + s.kind.urlExt()
	}
	return "/v5/smiley/" + s.name + "." + s.kind.urlExt()
}

// relative says whether the smiley's src is relative to the forum (OddForms only).
func (s smiley) relative(oddForms bool) bool { return oddForms && s.odd }

func (s smiley) src(h hosts, oddForms bool) string {
	if s.relative(oddForms) {
		return s.path()
	}
	return "//" + h.image + s.path()
}

func (s smiley) url(h hosts, oddForms bool) string {
	if s.relative(oddForms) {
		return h.forumURL(s.path())
	}
	return h.imageURL(s.path())
}

// Theme images: the background (CSS body rule, protocol-relative on the
// image host; with OddForms relative to the stylesheet, forum host),
// the banner (CSS #banner rule, absolute on the image host), the favicon
// (protocol-relative on the image host) and a decoy that no archive wants
// (a CSS rule for .new-icon).
const (
	backgroundPath = "/images/theme/background.png"
	bannerPath     = "/v5/banners/banner.jpg"
	faviconPath    = "/favicon.ico"
	newIconPath    = "/images/theme/new.gif"
)

// imageFor returns what an image path serves, or ok false when it is not an
// image of this forum.
func (w *world) imageFor(path string, gen int) (kind imageKind, data []byte, ok bool) {
	key := func(s string) int64 { return int64(mix(uint64(len(s))) ^ fnv(s)) }
	switch path {
	case faviconPath:
		png := encodeMask(imgPNG, 32, 32, w.colors(key(path)), stripes)
		return imgICO, wrapICO(png, 32), true
	case backgroundPath:
		pale := [2]color.RGBA{{233, 238, 243, 255}, {222, 230, 238, 255}} // quiet, so pages stay readable
		return imgPNG, encodeMask(imgPNG, 64, 64, pale, checks), true
	case bannerPath:
		return imgJPEG, encodeMask(imgJPEG, 600, 90, w.colors(key(path)), stripes), true
	case newIconPath:
		return imgGIF, encodeMask(imgGIF, 16, 16, w.colors(key(path)), checks), true
	case defaultAvatarPath:
		return imgPNG, encodeMask(imgPNG, 64, 64, [2]color.RGBA{{200, 200, 200, 255}, {120, 120, 120, 255}}, checks), true
	}
	for _, s := range smileys {
		if path == s.path() {
			return s.kind, encodeMask(s.kind, 20, 20, w.colors(key(path)), checks), true
		}
	}
	if rest, found := strings.CutPrefix(path, "/avatars/"); found {
		idText, _, _ := strings.Cut(rest, ".")
		id, err := strconv.ParseInt(idText, 10, 64)
		u := w.user(id)
		if err != nil || u == nil || u.avatar == avatarDefault || u.avatarPath() != path {
			return 0, nil, false
		}
		k := u.avatarImageKind()
		return k, w.avatarBytes(u), true
	}
	if rest, found := strings.CutPrefix(path, "/images/posts/"); found {
		var pid int64
		var k int
		var ext string
		if n, err := fmt.Sscanf(rest, "%d-%d.%s", &pid, &k, &ext); n != 3 || err != nil {
			return 0, nil, false
		}
		if _, exists := w.postExists(pid, gen); !exists {
			return 0, nil, false
		}
		for _, im := range w.postImages(pid) {
			if im.k == k && im.path() == path {
				data, _ := w.postImageBytes(im)
				return im.kind, data, true
			}
		}
	}
	return 0, nil, false
}

func (w *world) avatarBytes(u *user) []byte {
	c := w.colors(u.id * 7919)
	id := u.id
	// The member id is drawn as a barcode in the first row, so no two
	// avatars are the same even when their colours are.
	mask := func(x, y int) bool {
		if y == 0 && x < 32 {
			return id>>uint(x)&1 == 1
		}
		return (x/8+y/8)%2 == 0
	}
	return encodeMask(u.avatarImageKind(), 64, 64, c, mask)
}

// postImageBytes returns the body of a post image (nil for a dead one).
func (w *world) postImageBytes(im postImage) ([]byte, bool) {
	switch im.kind {
	case imgDead:
		return nil, false
	case imgHTML:
		return []byte("<!DOCTYPE html>\n<html><head><title>Image not found</title></head><body><h1>Sorry!</h1><p>This image has been moved or deleted.</p></body></html>\n"), true
	}
	c := w.colors(im.post*31 + int64(im.k))
	seq := im.post*8 + int64(im.k)
	mask := func(x, y int) bool {
		if y == 0 && x < 40 {
			return seq>>uint(x)&1 == 1
		}
		return (x/10)%2 == 0
	}
	return encodeMask(im.kind, 120, 80, c, mask), true
}

// colors returns two colours of one hue for an image key.
func (w *world) colors(key int64) [2]color.RGBA {
	h := hashFloat(w.seed, streamImage, key, 11)
	s := 0.45 + 0.5*hashFloat(w.seed, streamImage, key, 12)
	return [2]color.RGBA{hsv(h, s, 0.95), hsv(h, s, 0.55)}
}

func hsv(h, s, v float64) color.RGBA {
	i := math.Floor(h * 6)
	f := h*6 - i
	p, q, t := v*(1-s), v*(1-f*s), v*(1-(1-f)*s)
	var r, g, b float64
	switch int(i) % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{uint8(r * 255), uint8(g * 255), uint8(b * 255), 255}
}

// Patterns for two-colour pictures.
func stripes(x, y int) bool { return ((x+y)/6)%2 == 0 }
func checks(x, y int) bool  { return (x/4+y/4)%2 == 0 }

// encodeMask encodes a w×h picture in colour c[1] where mask is true and c[0]
// elsewhere, in the given format, with the standard encoders (deterministic).
func encodeMask(kind imageKind, w, h int, c [2]color.RGBA, mask func(x, y int) bool) []byte {
	if kind == imgWebP {
		return encodeWebP(w, h, c[0], c[1], mask)
	}
	if kind == imgSVG {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, w, h, w, h)
		fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#%02x%02x%02x"/>`, w, h, c[0].R, c[0].G, c[0].B)
		for x := 0; x < w; x++ {
			if mask(x, 1) {
				fmt.Fprintf(&b, `<rect x="%d" y="1" width="1" height="%d" fill="#%02x%02x%02x"/>`, x, h-1, c[1].R, c[1].G, c[1].B)
			}
		}
		b.WriteString("</svg>\n")
		return []byte(b.String())
	}
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{c[0], c[1]})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if mask(x, y) {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	var err error
	switch kind {
	case imgPNG:
		err = png.Encode(&buf, img)
	case imgJPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	case imgGIF:
		err = gif.Encode(&buf, img, &gif.Options{NumColors: 2})
	case imgBMP:
		err = bmp.Encode(&buf, img)
	default:
		panic("fakeforum: no raster encoder for image kind " + strconv.Itoa(int(kind)))
	}
	if err != nil { // encoders only fail on writer errors; bytes.Buffer has none
		panic(err)
	}
	return buf.Bytes()
}

// wrapICO puts a PNG into an ICO container (Windows Vista style).
func wrapICO(pngData []byte, size int) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint16(b, 0) // reserved
	b = binary.LittleEndian.AppendUint16(b, 1) // type: icon
	b = binary.LittleEndian.AppendUint16(b, 1) // one image
	b = append(b, byte(size), byte(size), 0, 0)
	b = binary.LittleEndian.AppendUint16(b, 1)  // colour planes
	b = binary.LittleEndian.AppendUint16(b, 32) // bits per pixel
	b = binary.LittleEndian.AppendUint32(b, uint32(len(pngData)))
	b = binary.LittleEndian.AppendUint32(b, 22) // offset: 6 + 16
	return append(b, pngData...)
}

// fnv is FNV-1a of s.
func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
