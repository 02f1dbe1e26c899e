//go:build !amd64 || purego

package mask

// mask is [Apply] without the check of pos, with the key as a
// little-endian word; see [maskGeneric].
//
// It is kept out of line so that [Apply] stays within the inlining budget
// on every platform; the number of calls is the same either way.
//
//go:noinline
func mask(key uint32, pos int, b []byte) int {
	return maskGeneric(key, pos, b)
}
