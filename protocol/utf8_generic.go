package protocol

import (
	"encoding/binary"
	"math/bits"
)

// The portable validator is a deterministic finite automaton over bytes
// with nine states, one per set of bytes that may come next (The Unicode
// Standard, Table 3-7, "Well-Formed UTF-8 Byte Sequences"). It rejects a
// byte as soon as no valid text can continue with it, so a state other
// than utf8Reject always has a valid completion.
//
// The transitions use the shift-based encoding of Per Vognsen: a state is
// a bit offset, a multiple of 6 below 64, and utf8Table[b] packs the next
// state for every current state s into bits s to s+5. One step is then
//
//	s = utf8Table[b] >> (s & 63)
//
// whose table load does not depend on s, so the loop-carried chain is a
// single shift. The bits of s above the low six hold junk from the packed
// row; only s&63 is the state.

// DFA states, as bit offsets into a row of utf8Table.
const (
	utf8Accept  = 0  // between sequences: the text so far is complete
	utf8Need1   = 6  // one continuation byte 80..BF left
	utf8Need2   = 12 // two continuation bytes left
	utf8Need3   = 18 // three continuation bytes left (after F1..F3)
	utf8AfterE0 = 24 // after E0: A0..BF, then one more (no overlong form)
	utf8AfterED = 30 // after ED: 80..9F, then one more (no surrogate)
	utf8AfterF0 = 36 // after F0: 90..BF, then two more (no overlong form)
	utf8AfterF4 = 42 // after F4: 80..8F, then two more (nothing above U+10FFFF)
	utf8Reject  = 48 // invalid; absorbing
)

// utf8Table holds the packed transitions of the DFA, one row per byte.
var utf8Table = utf8BuildTable()

// utf8Next returns the state that follows s on byte b. It defines the
// DFA; utf8Table is built from it.
func utf8Next(s int, b byte) int {
	cont := 0x80 <= b && b <= 0xBF
	switch s {
	case utf8Accept:
		switch {
		case b < 0x80:
			return utf8Accept
		case 0xC2 <= b && b <= 0xDF:
			return utf8Need1
		case b == 0xE0:
			return utf8AfterE0
		case b == 0xED:
			return utf8AfterED
		case 0xE1 <= b && b <= 0xEF:
			return utf8Need2
		case b == 0xF0:
			return utf8AfterF0
		case 0xF1 <= b && b <= 0xF3:
			return utf8Need3
		case b == 0xF4:
			return utf8AfterF4
		}
	case utf8Need1:
		if cont {
			return utf8Accept
		}
	case utf8Need2:
		if cont {
			return utf8Need1
		}
	case utf8Need3:
		if cont {
			return utf8Need2
		}
	case utf8AfterE0:
		if 0xA0 <= b && b <= 0xBF {
			return utf8Need1
		}
	case utf8AfterED:
		if 0x80 <= b && b <= 0x9F {
			return utf8Need1
		}
	case utf8AfterF0:
		if 0x90 <= b && b <= 0xBF {
			return utf8Need2
		}
	case utf8AfterF4:
		if 0x80 <= b && b <= 0x8F {
			return utf8Need2
		}
	}
	return utf8Reject
}

func utf8BuildTable() *[256]uint64 {
	var t [256]uint64
	for b := range 256 {
		for s := utf8Accept; s <= utf8Reject; s += 6 {
			t[b] |= uint64(utf8Next(s, byte(b))) << s
		}
	}
	return &t
}

// utf8HiBits has the high bit of every byte of a word set: a word of ASCII
// bytes has none of them.
const utf8HiBits = 0x8080808080808080

// feedGeneric runs the DFA from state s over p and returns the state
// after it. It steps eight bytes at a time, stopping early once the state
// is utf8Reject, and skips ASCII a word at a time between sequences.
func feedGeneric(s uint64, p []byte) uint64 {
	t := utf8Table
	if s == utf8Accept {
		p = skipASCII(p)
	}
	for len(p) >= 8 {
		q := p[:8:8]
		s = t[q[0]] >> (s & 63)
		s = t[q[1]] >> (s & 63)
		s = t[q[2]] >> (s & 63)
		s = t[q[3]] >> (s & 63)
		s = t[q[4]] >> (s & 63)
		s = t[q[5]] >> (s & 63)
		s = t[q[6]] >> (s & 63)
		s = t[q[7]] >> (s & 63)
		p = p[8:]
		if s&63 == utf8Reject {
			return utf8Reject
		}
		// After an ASCII byte the state is utf8Accept (or utf8Reject,
		// ruled out above), and more ASCII is likely. Testing the byte
		// rather than the state keeps text without ASCII, such as
		// Chinese, from paying for a word test every eight bytes.
		if q[7] < 0x80 {
			p = skipASCII(p)
		}
	}
	for _, b := range p {
		s = t[b] >> (s & 63)
	}
	return s & 63
}

// skipASCII returns p without its leading ASCII bytes, or with all but at
// most seven of them when they run to its end.
func skipASCII(p []byte) []byte {
	// As in unicode/utf8.Valid: with cap(p) == len(p) slicing need not
	// track the capacity, and testing len(p) > 32 rather than >= 32 keeps
	// p[32:] from pointing past the end, which would need a fix-up.
	p = p[:len(p):len(p)]
	for len(p) > 32 {
		w := binary.LittleEndian.Uint64(p) | binary.LittleEndian.Uint64(p[8:]) |
			binary.LittleEndian.Uint64(p[16:]) | binary.LittleEndian.Uint64(p[24:])
		if w&utf8HiBits != 0 {
			break
		}
		p = p[32:]
	}
	for len(p) >= 8 {
		if w := binary.LittleEndian.Uint64(p) & utf8HiBits; w != 0 {
			return p[bits.TrailingZeros64(w)>>3:]
		}
		p = p[8:]
	}
	return p
}

// validGeneric reports whether p is entirely valid UTF-8, using the DFA.
func validGeneric(p []byte) bool {
	return feedGeneric(utf8Accept, p) == utf8Accept
}
