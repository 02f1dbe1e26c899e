//go:build !purego

package mask

import "encoding/binary"

var asmImpls = []Impl{
	{"sse2", true, applySSE2},
	{"avx2", useAVX2, applyAVX2},
}

var thresholds = []int{avx2Min}

// UseAVX2 points at the flag the dispatch in [Apply] reads, so a test can
// run it as on a CPU without AVX2.
var UseAVX2 = &useAVX2

func applySSE2(key [4]byte, pos int, b []byte) int {
	return maskSSE2(binary.LittleEndian.Uint32(key[:]), pos, b)
}

func applyAVX2(key [4]byte, pos int, b []byte) int {
	return maskAVX2(binary.LittleEndian.Uint32(key[:]), pos, b)
}

var asmCopyImpls = []CopyImpl{{"avx2", useAVX2, copyAVX2Key}}

func copyAVX2Key(key [4]byte, pos int, dst, src []byte) int {
	return copyMaskAVX2(binary.LittleEndian.Uint32(key[:]), pos, dst, src)
}
