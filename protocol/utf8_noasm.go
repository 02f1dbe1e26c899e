//go:build !amd64 || purego

package protocol

// feedUTF8 returns the DFA state after s and p; see [UTF8Validator.Feed].
func feedUTF8(s uint64, p []byte) uint64 {
	return feedGeneric(s, p)
}

// validUTF8 is [ValidUTF8].
func validUTF8(p []byte) bool {
	return validGeneric(p)
}
