package autobahn

import "encoding/binary"

// utf8 validator states. Each non-accepting state says which bytes may
// come next (RFC 3629, Section 4).
const (
	u8Accept  = iota // between code points
	u8Cont1          // one more 80-BF
	u8Cont2          // two more 80-BF
	u8Cont3          // three more 80-BF
	u8AfterE0        // A0-BF, then one more
	u8AfterED        // 80-9F, then one more
	u8AfterF0        // 90-BF, then two more
	u8AfterF4        // 80-8F, then two more
	u8Reject         // sticky failure
)

// utf8Validator checks UTF-8 incrementally across any split of the input,
// the way the fuzzer checks incoming text and close reasons. The zero value
// is ready to use. It accepts exactly what utf8.Valid accepts, including
// non-characters such as U+FFFE.
type utf8Validator struct {
	state uint8
}

// Reset returns v to its initial state.
func (v *utf8Validator) Reset() { v.state = u8Accept }

// Write feeds p to the validator. It returns -1 while the input is a valid
// prefix, otherwise the index in p of the first byte that can no longer be
// part of valid UTF-8 (0 if the input was already invalid before p).
func (v *utf8Validator) Write(p []byte) int {
	s := v.state
	if s == u8Reject {
		return 0
	}
	for i := 0; i < len(p); i++ {
		if s == u8Accept {
			// Skip ASCII eight bytes at a time.
			for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:])&0x8080808080808080 == 0 {
				i += 8
			}
			if i == len(p) {
				break
			}
		}
		c := p[i]
		switch s {
		case u8Accept:
			switch {
			case c < 0x80:
			case c >= 0xC2 && c <= 0xDF:
				s = u8Cont1
			case c == 0xE0:
				s = u8AfterE0
			case c == 0xED:
				s = u8AfterED
			case c >= 0xE1 && c <= 0xEF:
				s = u8Cont2
			case c == 0xF0:
				s = u8AfterF0
			case c >= 0xF1 && c <= 0xF3:
				s = u8Cont3
			case c == 0xF4:
				s = u8AfterF4
			default:
				s = u8Reject
			}
		case u8Cont1, u8Cont2, u8Cont3:
			if c&0xC0 == 0x80 {
				s--
			} else {
				s = u8Reject
			}
		case u8AfterE0:
			s = nextIf(c >= 0xA0 && c <= 0xBF, u8Cont1)
		case u8AfterED:
			s = nextIf(c >= 0x80 && c <= 0x9F, u8Cont1)
		case u8AfterF0:
			s = nextIf(c >= 0x90 && c <= 0xBF, u8Cont2)
		case u8AfterF4:
			s = nextIf(c >= 0x80 && c <= 0x8F, u8Cont2)
		}
		if s == u8Reject {
			v.state = s
			return i
		}
	}
	v.state = s
	return -1
}

// Complete reports whether the input so far ends on a code point boundary
// and was valid throughout.
func (v *utf8Validator) Complete() bool { return v.state == u8Accept }

// nextIf returns next when ok, else the reject state.
func nextIf(ok bool, next uint8) uint8 {
	if ok {
		return next
	}
	return u8Reject
}

// validUTF8 reports whether b is valid UTF-8, using the validator.
func validUTF8(b []byte) bool {
	var v utf8Validator
	return v.Write(b) < 0 && v.Complete()
}
