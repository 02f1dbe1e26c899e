package protocol_test

import (
	"sync"
	"unicode/utf8"
)

// The reference for the tests: where a text stops being a prefix of valid
// UTF-8, worked out from the standard library alone (utf8.DecodeRune and
// utf8.EncodeRune), independently of the validator's DFA.

// utf8Prefixes holds every proper prefix of a valid encoded code point
// that is not itself one: the lead bytes C2..F4 and what may follow them
// before the sequence is complete.
var utf8Prefixes = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	var buf [utf8.UTFMax]byte
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		for k := 1; k < n; k++ {
			m[string(buf[:k])] = true
		}
	}
	return m
})

// utf8FirstBad returns the index of the first byte of p at which p stops
// being a prefix of some valid UTF-8 text, or len(p) if it never does.
func utf8FirstBad(p []byte) int {
	prefixes := utf8Prefixes()
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		// No complete sequence starts at i. The bytes that still begin
		// one are fine; the byte after them is the bad one.
		k := 0
		for k < utf8.UTFMax-1 && i+k < len(p) && prefixes[string(p[i:i+k+1])] {
			k++
		}
		return i + k
	}
	return len(p)
}
