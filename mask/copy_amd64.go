//go:build !purego

package mask

// copyAVX2Min is the length from which copyMask runs the fused AVX2 loop.
// Below it, copy and the in-place mask are as fast: both are a few
// instructions for short buffers, and the fused loop has no short path.
const copyAVX2Min = 64 // bytes

// copyMask is [Copy] for len(dst) == len(src), without the check of pos:
// one fused AVX2 pass when the CPU has it and the buffer is long enough,
// otherwise the runtime's copy and then [mask] in place.
func copyMask(key uint32, pos int, dst, src []byte) int {
	if useAVX2 && len(src) >= copyAVX2Min {
		return copyMaskAVX2(key, pos, dst, src)
	}
	copy(dst, src)
	return mask(key, pos, dst)
}

// copyMaskAVX2 is [copyGeneric] with 32-byte AVX2 vectors: each block is
// loaded from src, XORed and stored to dst. It needs AVX2 and
// len(dst) >= len(src).
//
//go:noescape
func copyMaskAVX2(key uint32, pos int, dst, src []byte) int
