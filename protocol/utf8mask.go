package protocol

import (
	"encoding/binary"
	"math/bits"

	"github.com/wirefast/websocket/mask"
)

// FeedMasked copies src into dst, unmasking it, and feeds the unmasked
// bytes to v: it does what
//
//	n, next = mask.Copy(key, pos, dst, src)
//	ok = v.Feed(dst[:n])
//
// do, in one pass over the bytes where the CPU allows (AVX-512 with VBMI
// on amd64, for 128 bytes or more) instead of one to unmask and another
// to validate. dst and src may be the same slice, to unmask in place, but
// must not otherwise overlap. A server reads every text frame's payload
// this way. FeedMasked writes all n bytes whatever it reports. Like
// mask.Copy, it panics if pos is not in [0, 3].
func (v *UTF8Validator) FeedMasked(key [4]byte, pos int, dst, src []byte) (n, next int, ok bool) {
	n = min(len(dst), len(src))
	if v.state == utf8Reject || n < unmaskPrefixMin+3 || !haveUnmaskPrefix {
		n, next = mask.Copy(key, pos, dst, src)
		return n, next, v.Feed(dst[:n])
	}
	if uint(pos) > 3 {
		panic("protocol: FeedMasked: pos out of range [0, 3]")
	}
	next = (pos + n) & 3
	dst, src = dst[:n], src[:n]
	// Finish the sequence carried over from the previous piece, a byte
	// at a time: three bytes at most.
	s := uint64(v.state)
	i := 0
	for ; s != utf8Accept && s != utf8Reject; i++ {
		dst[i] = src[i] ^ key[(pos+i)&3]
		s = utf8Table[dst[i]] >> s & 63
	}
	pos = (pos + i) & 3
	dst, src = dst[i:], src[i:]
	if s == utf8Reject {
		mask.Copy(key, pos, dst, src)
		v.state = utf8Reject
		return n, next, false
	}
	// Rotate the key so that its low byte masks src[0], as mask does.
	k := bits.RotateLeft32(binary.LittleEndian.Uint32(key[:]), -8*pos)
	if !unmaskPrefix(k, dst, src) {
		v.state = utf8Reject
		return n, next, false
	}
	v.state = uint8(feedEnd(dst))
	return n, next, v.state != utf8Reject
}

// ValidUTF8Masked copies src into dst, unmasking it, and reports
// whether the bytes copied are entirely valid UTF-8: it does what
//
//	n = mask.Copy(key, pos, dst, src)
//	ok = ValidUTF8(dst[:n])
//
// do, in one pass where the CPU allows, as [UTF8Validator.FeedMasked]
// does for a text that arrives in pieces. A server reads a text message
// that is one frame already whole in its buffer this way. dst and src
// may be the same slice but must not otherwise overlap. It writes all n
// bytes whatever it reports, and panics if pos is not in [0, 3].
func ValidUTF8Masked(key [4]byte, pos int, dst, src []byte) (n int, ok bool) {
	n = min(len(dst), len(src))
	if n < unmaskPrefixMin || !haveUnmaskPrefix {
		n, _ = mask.Copy(key, pos, dst, src)
		return n, validUTF8(dst[:n])
	}
	if uint(pos) > 3 {
		panic("protocol: ValidUTF8Masked: pos out of range [0, 3]")
	}
	dst, src = dst[:n], src[:n]
	k := bits.RotateLeft32(binary.LittleEndian.Uint32(key[:]), -8*pos)
	return n, unmaskPrefix(k, dst, src) && feedEnd(dst) == utf8Accept
}

// unmaskPrefixMin is the shortest input unmaskPrefix takes, in bytes:
// shorter ones are unmasked, then validated.
const unmaskPrefixMin = 128

// feedEnd returns the DFA state after p, given that no byte of p but its
// last three is wrong after the bytes before it, p starting a text: the
// state after p's last sequence, which starts in its final four bytes if
// p is a valid prefix. Those bytes also show what a check of each byte
// against the ones before cannot: a byte that is wrong whatever follows
// (C0, C1, F5 to FF) at the very end.
func feedEnd(p []byte) uint64 {
	n := len(p)
	j := n - 1
	for j > 0 && j > n-4 && p[j]&0xC0 == 0x80 {
		j--
	}
	if p[j]&0xC0 == 0x80 {
		return utf8Reject // four continuation bytes in a row
	}
	return feedGeneric(utf8Accept, p[j:])
}
