// Package clitest helps the tools' tests check the cli conventions: input
// with a line longer than any tool reads, made on the fly, and the memory
// a run allocates.
package clitest

import (
	"io"
	"runtime"
)

// LongLineInput returns a reader of before, then size bytes "x", then
// after: with before ending and after starting a line, a line longer
// than size. The x's are made as they are read, never held, so there may
// be far more than memory holds.
func LongLineInput(before string, size int64, after string) io.Reader {
	return &genReader{parts: []genPart{{lit: []byte(before)}, {b: 'x', n: size}, {lit: []byte(after)}}}
}

// genReader produces its parts in order: a part is literal bytes or n
// copies of one byte.
type genReader struct{ parts []genPart }

type genPart struct {
	lit []byte
	b   byte
	n   int64
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.parts) > 0 {
		pt := &g.parts[0]
		switch {
		case len(pt.lit) > 0:
			n := copy(p, pt.lit)
			pt.lit = pt.lit[n:]
			return n, nil
		case pt.n > 0:
			k := len(p)
			if int64(k) > pt.n {
				k = int(pt.n)
			}
			for i := range p[:k] {
				p[i] = pt.b
			}
			pt.n -= int64(k)
			return k, nil
		}
		g.parts = g.parts[1:]
	}
	return 0, io.EOF
}

// Allocated returns the bytes allocated (by every goroutine) while f runs.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
