//go:build !amd64 || purego

package mask

// copyMask is [Copy] for len(dst) == len(src), without the check of pos;
// see [copyGeneric].
func copyMask(key uint32, pos int, dst, src []byte) int {
	copy(dst, src)
	return mask(key, pos, dst)
}
