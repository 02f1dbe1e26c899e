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

// haveUnmaskPrefix reports whether unmaskPrefix runs in one pass: it
// never does here, and FeedMasked unmasks, then validates.
const haveUnmaskPrefix = false

// unmaskPrefix is never called here.
func unmaskPrefix(key uint32, dst, src []byte) bool {
	panic("protocol: unmaskPrefix without a one-pass implementation")
}
