package fakeforum

import (
	"encoding/binary"
	"image/color"
)

// encodeWebP encodes a picture of at most two colours, given as a mask
// (true = colour b), as a lossless WebP (VP8L) file.
//
// The standard library has no WebP encoder, but a two-colour image is easy
// in VP8L: no transforms, no colour cache, one group of five prefix codes,
// each a "simple code" of one or two 8-bit symbols. A channel that has one
// value costs no bits per pixel; a channel with two values costs one bit,
// 0 for the smaller value (canonical Huffman order). See the WebP Lossless
// Bitstream Specification (RFC 9649), sections 3 to 6.
func encodeWebP(width, height int, a, b color.RGBA, mask func(x, y int) bool) []byte {
	var bw bitWriter
	bw.write(0x2f, 8) // VP8L signature
	bw.write(uint32(width-1), 14)
	bw.write(uint32(height-1), 14)
	bw.write(0, 1) // alpha_is_used: every pixel is opaque
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes

	// The five codes: green, red, blue, alpha, distance.
	chans := [4][2]uint8{{a.G, b.G}, {a.R, b.R}, {a.B, b.B}, {255, 255}}
	for _, c := range chans {
		writeSimpleCode(&bw, c[0], c[1])
	}
	writeSimpleCode(&bw, 0, 0) // distance: never used

	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			pix := a
			if mask(x, y) {
				pix = b
			}
			for i, v := range [4]uint8{pix.G, pix.R, pix.B, 255} {
				lo, hi := chans[i][0], chans[i][1]
				if lo == hi {
					continue // a one-symbol code has zero-length codes
				}
				bit := uint32(0)
				if v == max(lo, hi) {
					bit = 1
				}
				bw.write(bit, 1)
			}
		}
	}
	data := bw.bytes()

	out := make([]byte, 0, 20+len(data)+1)
	out = append(out, "RIFF"...)
	size := 4 + 8 + len(data) + len(data)%2
	out = binary.LittleEndian.AppendUint32(out, uint32(size))
	out = append(out, "WEBPVP8L"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0) // RIFF chunks are padded to even sizes
	}
	return out
}

// writeSimpleCode writes a VP8L simple prefix code for the symbols s0 and s1
// (one symbol when they are equal).
func writeSimpleCode(bw *bitWriter, s0, s1 uint8) {
	bw.write(1, 1) // simple code
	if s0 == s1 {
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // stored in 8 bits
		bw.write(uint32(s0), 8)
		return
	}
	// The smaller symbol first: libwebp gives code 0 to the smaller symbol
	// (canonical order), x/image/webp to the first listed; this way both agree.
	s0, s1 = min(s0, s1), max(s0, s1)
	bw.write(1, 1) // two symbols
	bw.write(1, 1) // the first in 8 bits
	bw.write(uint32(s0), 8)
	bw.write(uint32(s1), 8)
}

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint32, n uint) {
	w.acc |= uint64(v&(1<<n-1)) << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc, w.nbits = 0, 0
	}
	return w.buf
}
