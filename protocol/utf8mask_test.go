package protocol_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// feedMaskedRef is what FeedMasked must do: mask.Copy, then Feed.
func feedMaskedRef(v *protocol.UTF8Validator, key [4]byte, pos int, dst, src []byte) (int, int, bool) {
	n, next := mask.Copy(key, pos, dst, src)
	return n, next, v.Feed(dst[:n])
}

// checkFeedMasked feeds text, masked with key from key byte pos, in
// pieces cut at cuts, to FeedMasked and to feedMaskedRef, both in place
// and into a longer buffer, and requires the same bytes (none written
// past the text), counts, key positions and results after every piece,
// and the same Done at the end. It then checks ValidUTF8Masked on the
// whole text against ValidUTF8.
func checkFeedMasked(t *testing.T, text []byte, key [4]byte, pos int, cuts ...int) {
	t.Helper()
	masked := bytes.Clone(text)
	mask.Apply(key, pos, masked)
	for _, inPlace := range []bool{true, false} {
		src := bytes.Clone(masked)
		got, want := src, bytes.Clone(masked)
		if !inPlace {
			// Room past the text, which must stay as it is.
			got = bytes.Repeat([]byte{0xee}, len(text)+70)
		}
		var vGot, vWant protocol.UTF8Validator
		pGot, pWant := pos, pos
		start := 0
		for _, end := range append(cuts, len(text)) {
			end = min(max(end, start), len(text))
			nGot, next, okGot := vGot.FeedMasked(key, pGot, got[start:], src[start:end])
			nWant, nextWant, okWant := feedMaskedRef(&vWant, key, pWant, want[start:end], want[start:end])
			if !bytes.Equal(got[start:end], want[start:end]) {
				t.Fatalf("%d bytes, key %x pos %d, in place %v, piece [%d:%d]: unmasked bytes differ from mask.Copy's",
					len(text), key, pos, inPlace, start, end)
			}
			if nGot != nWant || next != nextWant || okGot != okWant {
				t.Fatalf("%d bytes, key %x pos %d, in place %v, piece [%d:%d]: FeedMasked = %d, %d, %v; want %d, %d, %v (text %q)",
					len(text), key, pos, inPlace, start, end, nGot, next, okGot, nWant, nextWant, okWant, text)
			}
			pGot, pWant = next, nextWant
			start = end
		}
		if !inPlace && !bytes.Equal(got[len(text):], bytes.Repeat([]byte{0xee}, 70)) {
			t.Fatalf("%d bytes, key %x pos %d: FeedMasked wrote past the text", len(text), key, pos)
		}
		if vGot.Done() != vWant.Done() {
			t.Fatalf("%d bytes, in place %v: Done = %v, want %v", len(text), inPlace, vGot.Done(), vWant.Done())
		}

		// The whole text through ValidUTF8Masked.
		src = bytes.Clone(masked)
		got = src
		if !inPlace {
			got = bytes.Repeat([]byte{0xee}, len(text)+70)
		}
		n, ok := protocol.ValidUTF8Masked(key, pos, got, src)
		if n != len(text) || !bytes.Equal(got[:n], text) || (!inPlace && !bytes.Equal(got[n:], bytes.Repeat([]byte{0xee}, 70))) {
			t.Fatalf("%d bytes, key %x pos %d, in place %v: ValidUTF8Masked wrote %d bytes, not the text unmasked", len(text), key, pos, inPlace, n)
		}
		if want := protocol.ValidUTF8(text); ok != want {
			t.Fatalf("%d bytes, key %x pos %d, in place %v: ValidUTF8Masked = %v, want %v (text %q)", len(text), key, pos, inPlace, ok, want, text)
		}
	}
}

// TestFeedMasked compares FeedMasked with mask.Copy and Feed, and
// ValidUTF8Masked with mask.Copy and ValidUTF8, on valid and corrupted
// texts of every length up to 700 bytes (the one-pass path takes 128
// and up: its first block, second block, loop and last 1 to 63 bytes),
// at each key position, whole and in pieces whose cuts
// fall inside sequences.
func TestFeedMasked(t *testing.T) {
	key := [4]byte{0xa5, 0x0f, 0x3c, 0xf0}
	var long []byte
	for _, text := range utf8Texts() {
		long = append(long, text...)
	}
	maxLen := 700
	if testing.Short() {
		maxLen = 300
	}
	for n := 0; n <= maxLen; n++ {
		text := long[len(long)-n:]
		for pos := range 4 {
			checkFeedMasked(t, text, key, pos)
			checkFeedMasked(t, text, key, pos, 1, n/2, n-2)
			bad := bytes.Clone(text)
			if n > 0 {
				bad[(n*7+pos)%n] = 0xff
				checkFeedMasked(t, bad, key, pos)
				checkFeedMasked(t, bad, key, pos, n/3)
			}
		}
	}
}

// TestFeedMaskedCorruptedEverywhere puts each bad sequence at every
// position of a 300-byte text, which the one-pass path covers with its
// first block, second block, loop and last bytes.
func TestFeedMaskedCorruptedEverywhere(t *testing.T) {
	text := bytes.Repeat([]byte("a é 世 😀 "), 25)[:300]
	bad := [][]byte{{0x80}, {0xc0}, {0xc1, 0x80}, {0xe0, 0x80}, {0xed, 0xa0}, {0xf0, 0x8f}, {0xf4, 0x90},
		{0xf5}, {0xff}, {0xc3}, {0xe2, 0x82}, {0xf0, 0x9f, 0x98}, {0x80, 0x80, 0x80, 0x80}}
	key := [4]byte{1, 2, 3, 4}
	for _, b := range bad {
		for i := 0; i+len(b) <= len(text); i++ {
			p := bytes.Clone(text)
			copy(p[i:], b)
			checkFeedMasked(t, p, key, i%4)
		}
	}
}

// TestFeedMaskedAfterFailure checks that a failed validator stays failed
// and that FeedMasked still unmasks what it is given.
func TestFeedMaskedAfterFailure(t *testing.T) {
	text := bytes.Repeat([]byte("grüße "), 50)
	key := [4]byte{9, 8, 7, 6}
	checkFeedMasked(t, append([]byte{0xff}, text...), key, 2, 1, 150)
}

// FuzzFeedMasked checks FeedMasked and ValidUTF8Masked against mask.Copy
// followed by Feed and ValidUTF8 on an
// input and on a valid text derived from it, with the fuzzer's key,
// starting key position and cut.
func FuzzFeedMasked(f *testing.F) {
	for _, text := range utf8Texts() {
		f.Add(text, uint32(0x12345678), uint8(1), uint16(len(text)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, key uint32, pos uint8, cut uint16) {
		if len(data) > maxFuzzUTF8 {
			data = data[:maxFuzzUTF8]
		}
		var k [4]byte
		binary.LittleEndian.PutUint32(k[:], key)
		checkFeedMasked(t, data, k, int(pos%4), int(cut))
		checkFeedMasked(t, bytes.ToValidUTF8(data, []byte("\uFFFD")), k, int(pos%4), int(cut))
	})
}

// BenchmarkFeedMasked measures a masked text frame's payload copied out
// of a buffer, unmasked and validated: FeedMasked against mask.Copy then
// Feed, and ValidUTF8Masked against mask.Copy then ValidUTF8.
func BenchmarkFeedMasked(b *testing.B) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for _, size := range utf8BenchSizes[1:3] {
		text := utf8BenchText("mixed", size.n)
		masked := bytes.Clone(text)
		mask.Apply(key, 0, masked)
		buf := make([]byte, len(text))
		for _, impl := range []struct {
			name  string
			valid func(dst, src []byte) bool
		}{
			{"copy-feed", func(dst, src []byte) bool {
				var v protocol.UTF8Validator
				_, _, ok := feedMaskedRef(&v, key, 0, dst, src)
				return ok && v.Done()
			}},
			{"feedmasked", func(dst, src []byte) bool {
				var v protocol.UTF8Validator
				_, _, ok := v.FeedMasked(key, 0, dst, src)
				return ok && v.Done()
			}},
			{"copy-valid", func(dst, src []byte) bool {
				mask.Copy(key, 0, dst, src)
				return protocol.ValidUTF8(dst)
			}},
			{"validmasked", func(dst, src []byte) bool {
				_, ok := protocol.ValidUTF8Masked(key, 0, dst, src)
				return ok
			}},
		} {
			b.Run(fmt.Sprintf("mixed/%s/%s", size.name, impl.name), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					if !impl.valid(buf, masked) {
						b.Fatal("invalid")
					}
				}
			})
		}
	}
}
