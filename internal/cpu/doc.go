// Package cpu reports the x86 instruction-set extensions that the
// assembly in mask and protocol may use.
//
// The standard library's internal/cpu cannot be imported and
// golang.org/x/sys/cpu is not a standard-library package, so this package
// runs CPUID and XGETBV itself, the way internal/cpu does: a vector
// extension counts as present only when the CPU has it and the operating
// system saves its registers across context switches.
//
// Under the purego build tag, or on other architectures, every feature
// reports false so callers fall back to their portable code.
package cpu
