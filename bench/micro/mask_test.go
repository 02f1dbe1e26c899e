package micro

import (
	"fmt"
	"testing"

	"github.com/gobwas/ws"

	"github.com/wirefast/websocket/mask"
)

// Maskers reachable through a library's public API, each masking b in
// place with key from key position 0. gorilla (maskBytes), coder (mask),
// gws (internal.MaskXOR) and x/net (in its frame reader) keep theirs
// unexported, so they are left out rather than reached with go:linkname.
var maskers = []struct {
	name string
	mask func(key [4]byte, b []byte)
}{
	{"wirefast", func(key [4]byte, b []byte) { mask.Apply(key, 0, b) }},
	{"gobwas", func(key [4]byte, b []byte) { ws.Cipher(b, key, 0) }},
}

// maskSizes are the payload sizes of BenchmarkMask.
var maskSizes = []struct {
	name string
	n    int
}{{"16B", 16}, {"125B", 125}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"1MiB", 1 << 20}}

// TestMask checks every masker against a byte loop, so that BenchmarkMask
// measures correct work.
func TestMask(t *testing.T) {
	key := [4]byte{0xDE, 0xAD, 0xBE, 0xEF}
	for _, m := range maskers {
		for n := range 300 {
			b := make([]byte, n)
			want := make([]byte, n)
			for i := range b {
				b[i] = byte(i * 7)
				want[i] = b[i] ^ key[i%4]
			}
			m.mask(key, b)
			for i := range b {
				if b[i] != want[i] {
					t.Fatalf("%s: length %d: byte %d = %#x, want %#x", m.name, n, i, b[i], want[i])
				}
			}
		}
	}
}

// BenchmarkMask measures masking in place through each library's public
// API, with copy() of the same size as the ceiling.
func BenchmarkMask(b *testing.B) {
	key := [4]byte{0xDE, 0xAD, 0xBE, 0xEF}
	for _, size := range maskSizes {
		for _, m := range maskers {
			b.Run(fmt.Sprintf("%s/%s", m.name, size.name), func(b *testing.B) {
				buf := make([]byte, size.n)
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					m.mask(key, buf)
				}
			})
		}
		b.Run("copy/"+size.name, func(b *testing.B) {
			src, dst := make([]byte, size.n), make([]byte, size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				copy(dst, src)
			}
		})
	}
}
