//go:build !purego

package protocol

var utf8AsmImpls = []UTF8Impl{
	splitImpl("avx2", useUTF8AVX2, validAVX2),
}

var utf8Thresholds = []int{utf8AVX2Min}
