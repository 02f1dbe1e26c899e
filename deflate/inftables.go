package deflate

import "math/bits"

// Decoding tables, after zlib's inflate_table: a root table indexed by the
// next litRoot (or distRoot) bits of input, least significant bit first,
// whose entries give a symbol or point to a subtable for longer codes.
//
// An entry is a uint32:
//
//	bits 0-4    n, the code length: bits to consume (for an invalid
//	            entry, the bits that make it invalid)
//	bits 5-7    kind
//	bits 8-11   extra bits (kindBase) or subtable index bits (kindLink)
//	bits 16-31  literal byte, base value, or subtable offset
const (
	kindLiteral = 0 << 5
	kindBase    = 1 << 5 // length or distance: base value plus extra bits
	kindEOB     = 2 << 5
	kindLink    = 3 << 5
	kindInvalid = 4 << 5
	kindMask    = 7 << 5
)

// Root table sizes and the largest tables a complete code can need with
// them (zlib's ENOUGH_LENS and ENOUGH_DISTS, computed by its enough.c for
// 286 and 30 symbols of at most 15 bits).
const (
	litRoot       = 9
	distRoot      = 6
	codeLenRoot   = maxCLenLen
	litTableSize  = 852
	distTableSize = 592
)

// Per-symbol entry contents without the length.
var (
	litInfo  [288]uint32
	distInfo [32]uint32
	clenInfo [numCodeLen]uint32
)

// Tables of the fixed Huffman codes (RFC 1951, Section 3.2.6).
var (
	fixedLitTable  [1 << litRoot]uint32
	fixedDistTable [1 << distRoot]uint32
)

func init() {
	for sym := range litInfo {
		switch {
		case sym < 256:
			litInfo[sym] = kindLiteral | uint32(sym)<<16
		case sym == endOfBlock:
			litInfo[sym] = kindEOB
		case sym < numLitLen:
			c := sym - 257
			litInfo[sym] = kindBase | uint32(lengthExtra[c])<<8 | uint32(lengthBase[c])<<16
		default:
			litInfo[sym] = kindInvalid
		}
	}
	for sym := range distInfo {
		if sym < numDist {
			distInfo[sym] = kindBase | uint32(distExtra[sym])<<8 | uint32(distBase[sym])<<16
		} else {
			distInfo[sym] = kindInvalid
		}
	}
	for sym := range clenInfo {
		clenInfo[sym] = kindLiteral | uint32(sym)<<16
	}
	var lens [288]uint8
	for i := range lens {
		lens[i] = uint8(fixedLitCodes[i].len())
	}
	if !buildTable(lens[:], litInfo[:], fixedLitTable[:], litRoot, false) {
		panic("deflate: bad fixed literal/length table")
	}
	for i := range lens[:32] {
		lens[i] = 5
	}
	if !buildTable(lens[:32], distInfo[:], fixedDistTable[:], distRoot, false) {
		panic("deflate: bad fixed distance table")
	}
}

// buildTable fills tab with the decoding table of the canonical code with
// code lengths lens (RFC 1951, Section 3.2.2), info giving each symbol's
// entry. It reports whether the lengths form a valid code: not
// over-subscribed, and complete unless it is a single code of one bit (or
// no code at all) and complete is false. An empty code gives a table of
// invalid entries.
func buildTable(lens []uint8, info, tab []uint32, root uint, complete bool) bool {
	count := tallyLengths(lens)
	count[0] = 0
	maxLen := maxCodeLen
	for maxLen > 0 && count[maxLen] == 0 {
		maxLen--
	}
	rootSize := 1 << root
	if maxLen == 0 {
		if complete {
			return false
		}
		for i := range tab[:rootSize] {
			tab[i] = kindInvalid | uint32(root)
		}
		return true
	}
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left <<= 1
		left -= int(count[l])
		if left < 0 {
			return false // over-subscribed
		}
	}
	if left > 0 {
		if complete || maxLen != 1 {
			return false // incomplete
		}
		for i := range tab[:rootSize] {
			tab[i] = kindInvalid | uint32(root)
		}
	}

	// Symbols sorted by code length, then by value: their canonical codes
	// are consecutive, and the codes sharing a root entry are adjacent.
	var offs [maxCodeLen + 2]uint16
	for l := 1; l <= maxCodeLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [288]uint16
	for sym, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(sym)
			offs[l]++
		}
	}

	rootMask := rootSize - 1
	rem := count // codes of each length not yet placed
	code, idx := 0, 0
	next := rootSize // where the next subtable goes
	low := -1        // root entry of the current subtable
	sub, subBits := 0, uint(0)
	for l := 1; l <= maxLen; l++ {
		if uint(l) <= root && l > 1 {
			// The root entries of the codes shorter than l repeat every
			// 1<<(l-1) entries: double what is placed so far.
			half := 1 << (l - 1)
			copy(tab[half:2*half], tab[:half])
		}
		for range count[l] {
			ent := info[sorted[idx]] | uint32(l)
			rev := reverse(code, l)
			if uint(l) <= root {
				tab[rev] = ent
			} else {
				if r := rev & rootMask; r != low {
					// A new subtable, as large as the longest code under
					// this root entry needs (zlib's inflate_table).
					curr := uint(l) - root
					left := 1 << curr
					for int(curr+root) < maxLen {
						left -= int(rem[curr+root])
						if left <= 0 {
							break
						}
						curr++
						left <<= 1
					}
					if next+1<<curr > len(tab) {
						return false
					}
					tab[r] = kindLink | uint32(curr)<<8 | uint32(next)<<16 | uint32(root)
					low, sub, subBits = r, next, curr
					next += 1 << curr
				}
				for i := rev >> root; i < 1<<subBits; i += 1 << (uint(l) - root) {
					tab[sub+i] = ent
				}
			}
			rem[l]--
			code++
			idx++
		}
		code <<= 1
	}
	// Codes all shorter than the root: repeat them through the table.
	for n := 1 << min(uint(maxLen), root); n < rootSize; n <<= 1 {
		copy(tab[n:2*n], tab[:n])
	}
	return true
}

// tallyLengths returns how many of lens have each length. Runs of equal
// lengths are the rule, and one counter incremented over and over waits
// on its own last store each time: four sets of counters, summed at the
// end, keep four increments in flight.
func tallyLengths(lens []uint8) [maxCodeLen + 1]uint16 {
	var c [4][maxCodeLen + 1]uint16
	i := 0
	for ; i+4 <= len(lens); i += 4 {
		c[0][lens[i]&maxCodeLen]++
		c[1][lens[i+1]&maxCodeLen]++
		c[2][lens[i+2]&maxCodeLen]++
		c[3][lens[i+3]&maxCodeLen]++
	}
	for ; i < len(lens); i++ {
		c[0][lens[i]&maxCodeLen]++
	}
	for l := range c[0] {
		c[0][l] += c[1][l] + c[2][l] + c[3][l]
	}
	return c[0]
}

// reverse returns the n low bits of code in reverse order.
func reverse(code, n int) int { return int(bits.Reverse16(uint16(code)) >> (16 - n)) }
