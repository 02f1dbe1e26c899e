package mask

import "encoding/binary"

// Impl is one masking implementation. Apply has the signature and result
// of [Apply] but does not check pos.
type Impl struct {
	Name string
	// Available reports whether this CPU can run the implementation; tests
	// and benchmarks skip it otherwise.
	Available bool
	Apply     func(key [4]byte, pos int, b []byte) int
}

// Impls lists every implementation compiled into this build: the
// portable one first, then those from the build's asmImpls.
var Impls = append([]Impl{{"generic", true, applyGeneric}}, asmImpls...)

// Thresholds lists the lengths at which the dispatch in [Apply] switches
// between implementations, so tests can probe either side.
var Thresholds = thresholds

// The applyXxx functions adapt each implementation to the signature of
// [Apply]. They are plain functions, not closures, so that a benchmark
// calling one through Impl.Apply pays a single extra call.

func applyGeneric(key [4]byte, pos int, b []byte) int {
	return maskGeneric(binary.LittleEndian.Uint32(key[:]), pos, b)
}

// CopyImpl is one implementation of [Copy] for len(dst) == len(src),
// without the check of pos.
type CopyImpl struct {
	Name      string
	Available bool
	Copy      func(key [4]byte, pos int, dst, src []byte) int
}

// CopyImpls lists every implementation of Copy in this build: the
// portable one first, then those from the build's asmCopyImpls.
var CopyImpls = append([]CopyImpl{{"generic", true, copyGenericKey}}, asmCopyImpls...)

func copyGenericKey(key [4]byte, pos int, dst, src []byte) int {
	return copyGeneric(binary.LittleEndian.Uint32(key[:]), pos, dst, src)
}
