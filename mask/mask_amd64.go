//go:build !purego

package mask

import "github.com/wirefast/websocket/internal/cpu"

// useAVX2 is set once, before main runs: the CPU has AVX2 and the
// operating system saves the YMM registers. The assembly reads it.
var useAVX2 = cpu.X86.HasAVX2

// avx2Min is the length from which [mask] uses the AVX2 loop rather than
// the SSE2 one; the assembly reads it through go_asm.h. Below it the two
// run at the same speed (measured from 32 to 512 bytes on AMD EPYC), so
// the SSE2 loop is kept there: it skips VZEROUPPER and does not wake the
// upper vector lanes, which some Intel CPUs power down when idle.
//
// There is no AVX-512 path: a 64-byte version (byte-masked head and tail)
// measured no faster than AVX2 at 16 KiB and 1 MiB on a CPU with AVX-512,
// slower for unaligned 1 KiB buffers, and on some Intel CPUs 512-bit
// instructions lower the clock of the whole core.
const avx2Min = 256 // bytes

// mask is [Apply] without the check of pos, with the key as a
// little-endian word. It masks fewer than 32 bytes itself and otherwise
// runs maskAVX2 when useAVX2 is set and len(b) >= avx2Min, and maskSSE2
// when not.
//
// The choice is made in assembly rather than in Go so that [Apply] costs
// a single call and can be inlined: a Go function choosing between two
// assembly functions is too big to inline and would add a second call,
// which dominates for payloads of a few bytes such as close frames.
//
//go:noescape
func mask(key uint32, pos int, b []byte) int

// maskAVX2 is [maskGeneric] using 32-byte AVX2 vectors. It needs AVX2.
//
//go:noescape
func maskAVX2(key uint32, pos int, b []byte) int

// maskSSE2 is [maskGeneric] using 16-byte SSE2 vectors.
//
//go:noescape
func maskSSE2(key uint32, pos int, b []byte) int
