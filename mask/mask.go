package mask

import (
	"encoding/binary"
	"math/bits"
)

// Apply XORs b in place with the masking key, starting at key byte pos
// (0..3), as RFC 6455, Section 5.3 defines: b[i] ^= key[(pos+i)%4]. It
// returns the key position for the byte after b, (pos+len(b))%4, so masking
// can continue across buffer chunks:
//
//	pos := 0
//	for _, chunk := range chunks {
//		pos = mask.Apply(key, pos, chunk)
//	}
//
// Applying the same key twice restores the input. Apply does not allocate
// and touches no byte outside b. It panics if pos is not in [0, 3].
func Apply(key [4]byte, pos int, b []byte) int {
	if uint(pos) > 3 {
		panic("mask.Apply: pos out of range [0, 3]")
	}
	return mask(binary.LittleEndian.Uint32(key[:]), pos, b)
}

// maskGeneric is [Apply] without the check of pos, with the key as a
// little-endian word, masking eight bytes at a time. It is the portable
// implementation, compiled on every platform so that the assembly can be
// tested against it.
func maskGeneric(key uint32, pos int, b []byte) int {
	end := (pos + len(b)) & 3
	// Rotate the key so that its low byte masks b[0]; then byte i of b is
	// masked by byte i%4 of k, and by byte i%8 of k64.
	k := bits.RotateLeft32(key, -8*pos)
	k64 := uint64(k) | uint64(k)<<32
	for len(b) >= 32 {
		// Four independent words per round keep several loads in flight;
		// the constant indexes let the compiler drop the bounds checks.
		w := b[:32]
		binary.LittleEndian.PutUint64(w[0:], binary.LittleEndian.Uint64(w[0:])^k64)
		binary.LittleEndian.PutUint64(w[8:], binary.LittleEndian.Uint64(w[8:])^k64)
		binary.LittleEndian.PutUint64(w[16:], binary.LittleEndian.Uint64(w[16:])^k64)
		binary.LittleEndian.PutUint64(w[24:], binary.LittleEndian.Uint64(w[24:])^k64)
		b = b[32:]
	}
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k64)
		b = b[8:]
	}
	if len(b) >= 4 {
		binary.LittleEndian.PutUint32(b, binary.LittleEndian.Uint32(b)^k)
		b = b[4:]
	}
	for i := range b {
		b[i] ^= byte(k)
		k >>= 8
	}
	return end
}
