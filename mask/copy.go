package mask

import "encoding/binary"

// Copy copies src into dst, XORing each byte with the masking key as
// [Apply] does, starting at key byte pos: the same result as copy followed
// by Apply on the copied bytes, in one pass over memory instead of two. It
// copies min(len(dst), len(src)) bytes and returns how many and the key
// position for the byte after them. dst and src may be the same slice but
// must not otherwise overlap. It panics if pos is not in [0, 3].
func Copy(key [4]byte, pos int, dst, src []byte) (n, next int) {
	if uint(pos) > 3 {
		panic("mask.Copy: pos out of range [0, 3]")
	}
	n = min(len(dst), len(src))
	return n, copyMask(binary.LittleEndian.Uint32(key[:]), pos, dst[:n], src[:n])
}

// copyGeneric is [Copy] for len(dst) == len(src), without the check of
// pos: the portable copy, then the portable mask.
func copyGeneric(key uint32, pos int, dst, src []byte) int {
	copy(dst, src)
	return maskGeneric(key, pos, dst)
}
