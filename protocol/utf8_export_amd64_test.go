//go:build !purego

package protocol

var utf8AsmImpls = []UTF8Impl{
	splitImpl("avx2", useUTF8AVX2, validAVX2),
	splitImpl("avx512", useUTF8AVX512, validAVX512Or2),
}

var utf8Thresholds = []int{utf8AVX2Min, utf8AVX512Min}

// validAVX512Or2 runs validAVX512 on every text it can take and
// validAVX2 on the shorter ones.
func validAVX512Or2(p []byte) bool {
	if len(p) < utf8AVX512Min {
		return validAVX2(p)
	}
	return validAVX512(p)
}
