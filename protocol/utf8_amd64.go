//go:build !purego

package protocol

import "github.com/wirefast/websocket/internal/cpu"

// useUTF8AVX2 is set once at start-up: the CPU has AVX2 and the operating
// system saves the YMM registers.
var useUTF8AVX2 = cpu.X86.HasAVX2

// utf8AVX2Min is the length from which the AVX2 validator runs; shorter
// texts go to the DFA, which needs no set-up.
const utf8AVX2Min = 16 // bytes

// validAVX2 is [validGeneric] using 32-byte AVX2 vectors: the lookup
// algorithm of Keiser and Lemire, "Validating UTF-8 in less than one
// instruction per byte" (Software: Practice and Experience, 2021). It
// needs AVX2 and never reads outside p.
//
//go:noescape
func validAVX2(p []byte) bool

// feedUTF8 returns the DFA state after s and p; see [UTF8Validator.Feed].
func feedUTF8(s uint64, p []byte) uint64 {
	if useUTF8AVX2 && len(p) >= utf8AVX2Min {
		return feedSplit(s, p, validAVX2)
	}
	return feedGeneric(s, p)
}

// validUTF8 is [ValidUTF8].
func validUTF8(p []byte) bool {
	if useUTF8AVX2 && len(p) >= utf8AVX2Min {
		return validAVX2(p)
	}
	return validGeneric(p)
}
