package fakeforum

import (
	"bytes"
	"image/color"
	"testing"

	"golang.org/x/image/webp"
)

// TestWebPDecodes checks the hand-built VP8L encoder with x/image's decoder,
// pixel by pixel, for colours that share channels and colours that do not.
func TestWebPDecodes(t *testing.T) {
	cases := []struct {
		name string
		a, b color.RGBA
		w, h int
	}{
		{"all channels differ", color.RGBA{200, 10, 30, 255}, color.RGBA{20, 180, 90, 255}, 64, 64},
		{"green shared", color.RGBA{200, 77, 30, 255}, color.RGBA{20, 77, 90, 255}, 17, 5},
		{"one colour", color.RGBA{1, 2, 3, 255}, color.RGBA{1, 2, 3, 255}, 3, 9},
		{"second smaller", color.RGBA{250, 250, 250, 255}, color.RGBA{0, 1, 2, 255}, 31, 1},
	}
	for _, c := range cases {
		mask := func(x, y int) bool { return (x*7+y*3)%5 < 2 }
		data := encodeWebP(c.w, c.h, c.a, c.b, mask)
		img, err := webp.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%s: %v, want %dx%d", c.name, b, c.w, c.h)
		}
		for y := 0; y < c.h; y++ {
			for x := 0; x < c.w; x++ {
				want := c.a
				if mask(x, y) {
					want = c.b
				}
				r, g, b, a := img.At(x, y).RGBA()
				got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
				if got != want {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", c.name, x, y, got, want)
				}
			}
		}
	}
}
