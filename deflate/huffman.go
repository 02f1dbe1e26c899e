package deflate

import "math/bits"

// A hcode is one entry of an encoding table: the code, bit-reversed so it
// can be written least significant bit first, in the low 16 bits and its
// length in bits above them. A symbol that does not occur has length 0.
type hcode uint32

func newHcode(code uint16, n uint8) hcode { return hcode(code) | hcode(n)<<16 }

func (c hcode) code() uint64 { return uint64(c & 0xffff) }
func (c hcode) len() uint    { return uint(c >> 16) }

// huffBuilder holds the scratch space for building codes, so that
// building one allocates nothing.
type huffBuilder struct {
	keys  [numLitLen]uint32 // freq<<9 | symbol, then weights and depths
	tmp   [numLitLen]uint32 // the other half of sortKeys's passes
	syms  [numLitLen]uint16 // the symbols of keys, sorted
	freqs [numLitLen]uint32 // their frequencies
	count [maxCodeLen + 1]uint16
}

// build computes a length-limited canonical Huffman code for freq into
// codes (len(codes) == len(freq)), with no code longer than maxBits. At
// least two symbols get codes: zlib does the same, since some inflaters
// reject a code with a single symbol. It returns the number of symbols up
// to and including the last one with a code, and the size in bits of the
// symbols of freq coded with it.
func (hb *huffBuilder) build(freq []uint32, codes []hcode, maxBits int) (n, bits int) {
	keys := hb.keys[:0]
	var high uint32 // the bits set in any frequency
	for sym, f := range freq {
		if f != 0 {
			keys = append(keys, f<<9|uint32(sym))
			high |= f
		}
	}
	for len(keys) < 2 {
		// Add a dummy symbol 0 or 1 with the smallest frequency.
		sym := uint32(0)
		if len(keys) == 1 && keys[0]&511 == 0 {
			sym = 1
		}
		keys = append(keys, sym)
	}
	keys = hb.sortKeys(keys, high >= 1<<8)
	for i, k := range keys {
		hb.syms[i] = uint16(k & 511)
		hb.freqs[i] = k >> 9
	}
	hb.lengths(keys, maxBits)

	// keys are in ascending frequency, so they take the lengths from the
	// longest down.
	clear(codes)
	last := 0
	i := 0
	for l := maxBits; l >= 1; l-- {
		for c := hb.count[l]; c > 0; c-- {
			sym := int(hb.syms[i])
			codes[sym] = hcode(l) << 16
			last = max(last, sym)
			bits += int(hb.freqs[i]) * l
			i++
		}
	}
	assignCodes(codes[:last+1], &hb.count)
	return last + 1, bits
}

// sortKeys sorts keys, which are in ascending order of symbol, by
// frequency (bits 9 and up, under 1<<16: a block has fewer symbols),
// keeping the symbols' order among equal frequencies: a stable counting
// sort on the frequency's low byte, then on its high byte if wide. The
// result is keys sorted as numbers, in keys or hb.tmp.
//
// A comparison sort of the hundred or so keys of a small block
// mispredicts a branch at nearly every step; this takes two passes over
// them and one over 256 counters per byte.
func (hb *huffBuilder) sortKeys(keys []uint32, wide bool) []uint32 {
	out := hb.tmp[:len(keys)]
	countingSort(out, keys, 9)
	if !wide {
		return out
	}
	countingSort(keys, out, 17)
	return keys
}

// countingSort stores src into dst ordered by the byte at bit shift of
// each key, stably.
func countingSort(dst, src []uint32, shift uint) {
	var pos [256]uint16
	for _, k := range src {
		pos[uint8(k>>shift)]++
	}
	sum := uint16(0)
	for b, c := range pos {
		pos[b] = sum
		sum += c
	}
	for _, k := range src {
		b := uint8(k >> shift)
		dst[pos[b]] = k
		pos[b]++
	}
}

// lengths sets hb.count[l] to the number of codes of length l, 1 <= l <=
// maxBits, for the symbols in keys (ascending by frequency, at least two),
// using the in-place algorithm of Moffat and Katajainen ("In-Place
// Calculation of Minimum-Redundancy Codes", 1995) and then, if a code is
// too long, moving codes up the tree until the Kraft sum is exact again.
func (hb *huffBuilder) lengths(keys []uint32, maxBits int) {
	n := len(keys)
	a := keys
	for i := range a {
		a[i] >>= 9
	}
	// Phase 1: internal node weights, leaves consumed in order.
	a[0] += a[1]
	root, leaf := 0, 2
	for next := 1; next < n-1; next++ {
		if leaf >= n || a[root] < a[leaf] {
			a[next] = a[root]
			a[root] = uint32(next)
			root++
		} else {
			a[next] = a[leaf]
			leaf++
		}
		if leaf >= n || (root < next && a[root] < a[leaf]) {
			a[next] += a[root]
			a[root] = uint32(next)
			root++
		} else {
			a[next] += a[leaf]
			leaf++
		}
	}
	// Phase 2: depths of the internal nodes.
	a[n-2] = 0
	for next := n - 3; next >= 0; next-- {
		a[next] = a[a[next]] + 1
	}
	// Phase 3: number of leaves at each depth.
	clear(hb.count[:])
	avail, used, depth := 1, 0, 0
	r := n - 2
	overflow := 0
	for avail > 0 {
		for r >= 0 && int(a[r]) == depth {
			used++
			r--
		}
		for avail > used {
			if depth > maxBits {
				overflow++
			} else {
				hb.count[depth]++
			}
			avail--
		}
		avail = 2 * used
		depth++
		used = 0
	}
	if overflow == 0 {
		return
	}
	// Clamp the deep leaves to maxBits, then restore the Kraft equality:
	// each step removes one code of maxBits and splits a shorter one.
	hb.count[maxBits] += uint16(overflow)
	total := 0
	for l := maxBits; l >= 1; l-- {
		total += int(hb.count[l]) << (maxBits - l)
	}
	for total != 1<<maxBits {
		hb.count[maxBits]--
		for l := maxBits - 1; l >= 1; l-- {
			if hb.count[l] != 0 {
				hb.count[l]--
				hb.count[l+1] += 2
				break
			}
		}
		total--
	}
}

// assignCodes fills in the canonical codes (RFC 1951, Section 3.2.2) of
// codes, whose lengths are set, with count[l] the number of codes of
// length l.
func assignCodes(codes []hcode, count *[maxCodeLen + 1]uint16) {
	var next [maxCodeLen + 2]uint16
	code := uint16(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for sym, c := range codes {
		l := c.len()
		if l == 0 {
			continue
		}
		codes[sym] = newHcode(bits.Reverse16(next[l])>>(16-l), uint8(l))
		next[l]++
	}
}

// countLengths counts the codes of each length in codes.
func countLengths(codes []hcode, count *[maxCodeLen + 1]uint16) {
	clear(count[:])
	for _, c := range codes {
		count[c.len()]++
	}
	count[0] = 0
}

// Fixed Huffman codes (RFC 1951, Section 3.2.6).
var (
	fixedLitCodes  [288]hcode
	fixedDistCodes [32]hcode
)

func init() {
	for i := range fixedLitCodes {
		var l hcode
		switch {
		case i < 144:
			l = 8
		case i < 256:
			l = 9
		case i < 280:
			l = 7
		default:
			l = 8
		}
		fixedLitCodes[i] = l << 16
	}
	var count [maxCodeLen + 1]uint16
	countLengths(fixedLitCodes[:], &count)
	assignCodes(fixedLitCodes[:], &count)
	for i := range fixedDistCodes {
		fixedDistCodes[i] = 5 << 16
	}
	countLengths(fixedDistCodes[:], &count)
	assignCodes(fixedDistCodes[:], &count)
}
