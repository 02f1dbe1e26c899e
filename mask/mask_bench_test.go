package mask_test

import (
	"fmt"
	"testing"

	"github.com/wirefast/websocket/mask"
)

// benchSizes are the payload sizes benchmarked: a short message, the
// largest control frame payload, and typical, large and huge messages.
var benchSizes = []struct {
	name string
	n    int
}{
	{"16B", 16},
	{"125B", 125},
	{"1KiB", 1 << 10},
	{"16KiB", 16 << 10},
	{"1MiB", 1 << 20},
}

// benchKey is the key of RFC 6455, Section 5.7.
var benchKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// BenchmarkMask measures each implementation at each size, masking in
// place, next to copy() of a buffer of the same size as the ceiling to
// compare with. Sizes from 1 KiB up also run on a buffer starting 3 bytes
// past an aligned address (off3), as a payload behind a frame header does.
// Each size runs all variants one after the other, so that they see the
// same machine load.
//
// The internal implementations are called through a function value, which
// adds about a nanosecond; BenchmarkApply measures the public entry point.
func BenchmarkMask(b *testing.B) {
	for _, size := range benchSizes {
		for _, off := range []int{0, 3} {
			if off != 0 && size.n < 1<<10 {
				continue
			}
			suffix := ""
			if off != 0 {
				suffix = fmt.Sprintf("/off%d", off)
			}
			for _, im := range mask.Impls {
				b.Run(im.Name+"/"+size.name+suffix, func(b *testing.B) {
					if !im.Available {
						b.Skipf("%s: not supported by this CPU", im.Name)
					}
					buf := make([]byte, off+size.n)[off:]
					b.SetBytes(int64(size.n))
					b.ReportAllocs()
					for b.Loop() {
						im.Apply(benchKey, 1, buf)
					}
				})
			}
			if off == 0 {
				b.Run("copy/"+size.name, func(b *testing.B) {
					src := make([]byte, size.n)
					dst := make([]byte, size.n)
					b.SetBytes(int64(size.n))
					b.ReportAllocs()
					for b.Loop() {
						copy(dst, src)
					}
				})
			}
		}
	}
}

// BenchmarkApply measures the public, dispatching function, inlined into
// the loop as into any caller, from a 2-byte close payload up.
func BenchmarkApply(b *testing.B) {
	sizes := append([]struct {
		name string
		n    int
	}{{"2B", 2}, {"7B", 7}}, benchSizes...)
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			buf := make([]byte, size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				mask.Apply(benchKey, 0, buf)
			}
		})
	}
}
