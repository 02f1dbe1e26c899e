//go:build !purego

package protocol

import "github.com/wirefast/websocket/internal/cpu"

// The vector validators are chosen once at start-up: AVX2 when the CPU
// has it and the operating system saves the YMM registers, AVX-512 (F and
// BW) on top of it when the ZMM registers are saved too and the CPU has
// VBMI as well: the CPUs with AVX-512 but without VBMI (Skylake-SP,
// Cascade Lake) lower the core's clock while 512-bit code runs, which
// would slow everything else on the core, so they keep the AVX2 loop.
var (
	useUTF8AVX2   = cpu.X86.HasAVX2
	useUTF8AVX512 = cpu.X86.HasAVX2 && cpu.X86.HasAVX512VBMI
)

// Lengths from which the vector validators run: shorter texts go to the
// DFA, which needs no set-up, or to the AVX2 validator, whose 16-byte
// steps suit texts too short for a 64-byte block. validAVX512 is as fast
// as validAVX2 from the first length it takes (BenchmarkUTF8Impls).
const (
	utf8AVX2Min   = 16 // bytes
	utf8AVX512Min = 64 // bytes
)

// validAVX2 is [validGeneric] using 32-byte AVX2 vectors: the lookup
// algorithm of Keiser and Lemire, "Validating UTF-8 in less than one
// instruction per byte" (Software: Practice and Experience, 2021). It
// needs AVX2 and never reads outside p.
//
//go:noescape
func validAVX2(p []byte) bool

// validAVX512 is validAVX2 with 64-byte AVX-512 blocks in its main loop.
// It needs AVX-512 F and BW and len(p) >= 64, and never reads outside p.
//
//go:noescape
func validAVX512(p []byte) bool

// feedUTF8 returns the DFA state after s and p; see [UTF8Validator.Feed].
func feedUTF8(s uint64, p []byte) uint64 {
	if useUTF8AVX2 && len(p) >= utf8AVX2Min {
		return feedSplit(s, p, validUTF8)
	}
	return feedGeneric(s, p)
}

// validUTF8 is [ValidUTF8].
func validUTF8(p []byte) bool {
	if useUTF8AVX2 && len(p) >= utf8AVX2Min {
		if len(p) >= utf8AVX512Min && useUTF8AVX512 {
			return validAVX512(p)
		}
		return validAVX2(p)
	}
	return validGeneric(p)
}

// unmaskPrefixAVX512 is unmaskPrefix in one pass, with AVX-512: see
// utf8_amd64.s. It needs AVX-512 F, BW and VBMI and len(src) >= 128.
//
//go:noescape
func unmaskPrefixAVX512(key uint32, dst, src []byte) bool

// haveUnmaskPrefix reports whether unmaskPrefix runs in one pass.
var haveUnmaskPrefix = useUTF8AVX512

// unmaskPrefix writes to dst[i] src[i] XORed with byte i%4 of key
// (little-endian), for len(src) <= len(dst) bytes, and reports whether no
// byte of the result but its last three is wrong after the bytes before
// it, the result starting a text; the caller checks the last three with
// the DFA (feedEnd). dst is src or does not overlap it. It needs
// haveUnmaskPrefix and len(src) >= unmaskPrefixMin, and writes every
// byte whatever it reports.
func unmaskPrefix(key uint32, dst, src []byte) bool {
	return unmaskPrefixAVX512(key, dst, src)
}
