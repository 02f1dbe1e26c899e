//go:build !purego

package cpu

// cpuid executes CPUID with the given leaf and subleaf.
//
//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads extended control register 0 (XCR0).
//
//go:noescape
func xgetbv() (eax, edx uint32)

// Bits of CPUID and XCR0 used below (Intel SDM, Volume 2A, CPUID).
const (
	cpuid1ECXOSXSAVE = 1 << 27
	cpuid1ECXAVX     = 1 << 28

	cpuid7EBXAVX2       = 1 << 5
	cpuid7EBXBMI2       = 1 << 8
	cpuid7EBXAVX512F    = 1 << 16
	cpuid7EBXAVX512BW   = 1 << 30
	cpuid7ECXAVX512VBMI = 1 << 1

	xcr0SSE    = 1 << 1
	xcr0AVX    = 1 << 2
	xcr0Opmask = 1 << 5
	xcr0ZMMHi  = 1 << 6
	xcr0HiZMM  = 1 << 7
)

func init() {
	X86.HasSSE2 = true // part of the amd64 baseline

	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return
	}
	_, _, ecx1, _ := cpuid(1, 0)
	_, ebx7, ecx7, _ := cpuid(7, 0)

	X86.HasBMI2 = ebx7&cpuid7EBXBMI2 != 0

	if ecx1&cpuid1ECXOSXSAVE == 0 || ecx1&cpuid1ECXAVX == 0 {
		return
	}
	xcr0, _ := xgetbv()
	osYMM := xcr0&(xcr0SSE|xcr0AVX) == xcr0SSE|xcr0AVX
	osZMM := osYMM && xcr0&(xcr0Opmask|xcr0ZMMHi|xcr0HiZMM) == xcr0Opmask|xcr0ZMMHi|xcr0HiZMM

	X86.HasAVX2 = osYMM && ebx7&cpuid7EBXAVX2 != 0
	X86.HasAVX512 = osZMM && ebx7&cpuid7EBXAVX512F != 0 && ebx7&cpuid7EBXAVX512BW != 0
	X86.HasAVX512VBMI = X86.HasAVX512 && ecx7&cpuid7ECXAVX512VBMI != 0
}
