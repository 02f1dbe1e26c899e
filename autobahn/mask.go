package autobahn

import "encoding/binary"

// maskBytes XORs b with the masking key starting at key position pos
// (RFC 6455, Section 5.3) and returns the key position after b, so that a
// payload can be masked in pieces.
func maskBytes(key [4]byte, pos int, b []byte) int {
	pos &= 3
	for len(b) > 0 && pos != 0 {
		b[0] ^= key[pos]
		b = b[1:]
		pos = (pos + 1) & 3
	}
	k32 := uint64(binary.LittleEndian.Uint32(key[:]))
	k := k32 | k32<<32
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= key[pos]
		pos = (pos + 1) & 3
	}
	return pos
}
