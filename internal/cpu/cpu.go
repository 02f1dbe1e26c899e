package cpu

// X86 holds the x86 features detected at start-up. The fields are set once,
// before main runs, and only read afterwards.
var X86 struct {
	// HasSSE2 reports SSE2 (always true on amd64 with assembly enabled).
	HasSSE2 bool
	// HasAVX2 reports AVX2 with YMM state saved by the operating system.
	HasAVX2 bool
	// HasAVX512 reports AVX-512 F and BW with ZMM and opmask state saved
	// by the operating system.
	HasAVX512 bool
	// HasAVX512VBMI reports AVX-512 VBMI on top of HasAVX512. It marks
	// the CPUs (Intel from Ice Lake, AMD from Zen 4) that run 512-bit
	// integer code without lowering the core's clock for it, as Skylake-SP
	// and Cascade Lake, which lack VBMI, do.
	HasAVX512VBMI bool
	// HasBMI2 reports BMI2 (PDEP, PEXT, SHLX and friends).
	HasBMI2 bool
}
