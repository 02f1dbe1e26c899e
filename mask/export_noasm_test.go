//go:build !amd64 || purego

package mask

var asmImpls []Impl

var thresholds []int

// UseAVX2 is nil: this build has no assembly to choose between.
var UseAVX2 *bool

var asmCopyImpls []CopyImpl
