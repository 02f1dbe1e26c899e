package interop_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"unicode/utf8"

	"github.com/wirefast/websocket"
)

// sizes are the message sizes every peer round-trips, in bytes: the
// frame length encodings' boundaries (7-bit, 16-bit, 64-bit) and large
// messages.
var sizes = []int{0, 1, 125, 126, 65535, 65536, 1 << 20, 8 << 20}

// textRunes mixes 1- to 4-byte UTF-8 sequences.
var textRunes = []rune("wirefast é ß ü € 中文 𝄞 😀 ∑ ñ 0123456789")

// textOf returns valid UTF-8 of exactly n bytes, most of it multi-byte,
// varying with seed.
func textOf(n int, seed uint64) []byte {
	b := make([]byte, 0, n)
	for i := int(seed % uint64(len(textRunes))); len(b) < n; i++ {
		r := textRunes[(i*7)%len(textRunes)]
		if utf8.RuneLen(r) > n-len(b) {
			r = 'a' + rune(len(b)%26) // fill the tail with ASCII
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// binaryOf returns n pseudo-random bytes, varying with seed.
func binaryOf(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	b := make([]byte, n+7)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64())
	}
	return b[:n]
}

// payloadOf returns a message of type typ and n bytes.
func payloadOf(typ websocket.MessageType, n int, seed uint64) []byte {
	if typ == websocket.MessageText {
		return textOf(n, seed)
	}
	return binaryOf(n, seed)
}

// describeDiff says how got differs from want without printing megabytes.
func describeDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return "equal"
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return fmt.Sprintf("got %d bytes, want %d; first difference at offset %d: got %q, want %q",
		len(got), len(want), i, window(got, i), window(want, i))
}

func window(b []byte, i int) []byte {
	return b[min(i, len(b)):min(i+16, len(b))]
}
