//go:build !amd64 || purego

package protocol

var utf8AsmImpls []UTF8Impl

var utf8Thresholds []int
