package deflate

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"
)

// maxBlock is the most input bytes one block covers. It keeps a stored
// block within the 65535 bytes its LEN field can hold, and bounds the
// sequences a block needs (each match covers at least minMatch bytes).
const maxBlock = 1 << 15

// A seq is a run of literal bytes, taken from the input, followed by a
// match (mlen 0 when the run ends the block without one).
type seq struct {
	lits uint32
	mlen uint16
	dist uint16
}

// encScratch is the per-call working state of an encoder: the block's
// sequences, histograms and codes. It is borrowed from a pool for the
// length of one call, so it costs nothing between calls.
type encScratch struct {
	seqs      []seq
	litFreq   [numLitLen]uint32 // the block's symbols, counted by the parser
	distFreq  [numDist]uint32
	nlits     int // literals in the block
	nmatches  int // matches in the block
	litCodes  [numLitLen]hcode
	distCodes [numDist]hcode
	clFreq    [numCodeLen]uint32
	clCodes   [numCodeLen]hcode
	clTokens  [numLitLen + numDist]uint16 // code length symbol | repeat extra<<5
	ntokens   int                         // used entries of clTokens
	hb        huffBuilder
}

var scratchPool = sync.Pool{New: func() any {
	return &encScratch{seqs: make([]seq, 0, maxBlock/minMatch+1)}
}}

// bitWriter writes bits least significant first into out[n:], which has
// room for the whole block plus 8 bytes of slack, so a flush may always
// store 8 bytes. Fewer than 8 bits stay pending between blocks.
type bitWriter struct {
	out   []byte
	n     int
	bits  uint64
	nbits uint
}

// flush stores the complete bytes of w.bits.
func (w *bitWriter) flush() {
	w.n, w.bits, w.nbits = flushBits(w.out, w.n, w.bits, w.nbits)
}

// flushBits stores the complete bytes of bits (nbits of them valid) at
// out[n:], which has 8 bytes of room, and returns the new n and the
// fewer than 8 bits left. It is bitWriter.flush on values a hot loop
// keeps in locals.
func flushBits(out []byte, n int, bits uint64, nbits uint) (int, uint64, uint) {
	binary.LittleEndian.PutUint64(out[n:], bits)
	k := nbits >> 3
	return n + int(k), bits >> (k << 3), nbits & 7
}

// write adds the n low bits of v (n <= 16).
func (w *bitWriter) write(v uint64, n uint) {
	w.bits |= v << w.nbits
	w.nbits += n
	if w.nbits >= 48 {
		w.flush()
	}
}

// Block types (RFC 1951, Section 3.2.3), BFINAL clear.
const (
	blockStored  = 0
	blockFixed   = 1
	blockDynamic = 2
)

// writeBlock appends to dst, after the encoder's pending bits, the block
// that codes p[start:end] as the sequences in s.seqs, choosing the
// smallest of a stored, a fixed Huffman and a dynamic Huffman block.
func (e *Encoder) writeBlock(dst []byte, s *encScratch, p []byte, start, end int) []byte {
	n := end - start
	nlits, nmatches := s.nlits, s.nmatches

	// Bits common to the fixed and dynamic codes: the block type and the
	// extra bits of lengths and distances.
	common := 3
	for c, f := range s.litFreq[257:] {
		common += int(f) * int(lengthExtra[c])
	}
	for c, f := range s.distFreq {
		common += int(f) * int(distExtra[c])
	}
	// Fixed code: literals 0-143 take 8 bits, 144-255 9; end of block and
	// lengths 7 (symbols 256-279) or 8 (280-287); distances 5.
	fixedBits := common + 8*nlits + 5*nmatches + 7
	for _, f := range s.litFreq[144:256] {
		fixedBits += int(f)
	}
	for sym, f := range s.litFreq[257:] {
		fixedBits += int(f) * int(fixedLitCodes[257+sym].len())
	}
	pad := (8 - (int(e.nbits)+3)&7) & 7
	storedBits := 3 + pad + 32 + 8*n

	typ, bits := blockFixed, fixedBits
	var nlit, ndist, ncl int
	if n >= dynamicMin {
		var litBits, distBits, hdr int
		nlit, litBits = s.hb.build(s.litFreq[:], s.litCodes[:], maxCodeLen)
		ndist, distBits = s.hb.build(s.distFreq[:], s.distCodes[:], maxCodeLen)
		ncl, hdr = s.codeLengthCode(nlit, ndist)
		if dynBits := common + hdr + litBits + distBits; dynBits < bits {
			typ, bits = blockDynamic, dynBits
		}
	}
	if storedBits <= bits {
		typ, bits = blockStored, storedBits
	}

	start0 := len(dst)
	dst = slices.Grow(dst, (int(e.nbits)+bits)/8+16)
	w := bitWriter{out: dst[:cap(dst)], n: start0, bits: e.bits, nbits: e.nbits}
	w.write(uint64(typ)<<1, 3)
	switch typ {
	case blockStored:
		w.nbits += uint(pad)
		w.flush()
		binary.LittleEndian.PutUint16(w.out[w.n:], uint16(n))
		binary.LittleEndian.PutUint16(w.out[w.n+2:], ^uint16(n))
		w.n += 4
		w.n += copy(w.out[w.n:], p[start:end])
	case blockFixed:
		s.writeSeqs(&w, p, start, fixedLitCodes[:], fixedDistCodes[:])
	case blockDynamic:
		w.write(uint64(nlit-257), 5)
		w.write(uint64(ndist-1), 5)
		w.write(uint64(ncl-4), 4)
		for _, sym := range codeLenOrder[:ncl] {
			w.write(uint64(s.clCodes[sym].len()), 3)
		}
		for _, t := range s.clTokens[:s.ntokens] {
			c := s.clCodes[t&31]
			w.write(c.code(), c.len())
			switch t & 31 {
			case 16:
				w.write(uint64(t>>5), 2)
			case 17:
				w.write(uint64(t>>5), 3)
			case 18:
				w.write(uint64(t>>5), 7)
			}
		}
		s.writeSeqs(&w, p, start, s.litCodes[:], s.distCodes[:])
	}
	w.flush()
	e.bits, e.nbits = w.bits, w.nbits
	return dst[:w.n]
}

// dynamicMin is the smallest block, in input bytes, for which a dynamic
// Huffman code is worth building: below it the code's header outweighs
// what it saves over the fixed code.
const dynamicMin = 64

// histogram counts the symbols of the sequences in s.seqs, whose
// literals start at p[start], including one end of block, and sets
// s.nlits and s.nmatches. lz77 counts as it parses instead.
//
// Most runs of literals between matches are short, and a loop over each
// would mispredict its exit at nearly every sequence: the first three
// literals of a run are counted without a branch on the run's length
// (adding 0 for the ones it does not have), and a loop counts the rest.
func (s *encScratch) histogram(p []byte, start int) {
	nlits, nmatches := 0, 0
	clear(s.litFreq[:])
	clear(s.distFreq[:])
	lit := &s.litFreq
	last := len(p) - 1
	i := start
	for _, q := range s.seqs {
		nl := int(q.lits)
		lit[p[min(i, last)]] += atLeast(nl, 1)
		lit[p[min(i+1, last)]] += atLeast(nl, 2)
		lit[p[min(i+2, last)]] += atLeast(nl, 3)
		if nl > 3 {
			for _, b := range p[i+3 : i+nl] {
				lit[b]++
			}
		}
		i += nl
		nlits += nl
		if q.mlen != 0 {
			lit[257+int(lenCode[q.mlen])]++
			s.distFreq[distCode(int(q.dist))]++
			i += int(q.mlen)
			nmatches++
		}
	}
	lit[endOfBlock]++
	s.nlits, s.nmatches = nlits, nmatches
}

// atLeast returns 1 if n >= k, else 0, without a branch.
func atLeast(n, k int) uint32 {
	return uint32(uint(k-1-n) >> (bits.UintSize - 1))
}

// codeLengthCode run-length codes the code lengths of the first nlit
// literal/length and ndist distance codes (RFC 1951, Section 3.2.7) into
// s.clTokens, builds the code length code, and returns the number of code
// length code lengths to send (HCLEN+4) and the header's size in bits
// after the block type.
func (s *encScratch) codeLengthCode(nlit, ndist int) (ncl, bits int) {
	var lens [numLitLen + numDist]uint8
	for i, c := range s.litCodes[:nlit] {
		lens[i] = uint8(c.len())
	}
	for i, c := range s.distCodes[:ndist] {
		lens[nlit+i] = uint8(c.len())
	}
	clear(s.clFreq[:])
	nt := 0
	tok := func(sym, extra uint16) {
		s.clTokens[nt] = sym | extra<<5
		s.clFreq[sym]++
		nt++
	}
	total := nlit + ndist
	for i := 0; i < total; {
		l := uint16(lens[i])
		run := 1
		for i+run < total && uint16(lens[i+run]) == l {
			run++
		}
		i += run
		if l == 0 {
			for run >= 11 {
				r := min(run, 138)
				tok(18, uint16(r-11))
				run -= r
			}
			if run >= 3 {
				tok(17, uint16(run-3))
				run = 0
			}
		} else {
			tok(l, 0)
			run--
			for run >= 3 {
				r := min(run, 6)
				tok(16, uint16(r-3))
				run -= r
			}
		}
		for ; run > 0; run-- {
			tok(l, 0)
		}
	}
	s.ntokens = nt
	_, bits = s.hb.build(s.clFreq[:], s.clCodes[:], maxCLenLen)
	ncl = numCodeLen
	for ncl > 4 && s.clCodes[codeLenOrder[ncl-1]].len() == 0 {
		ncl--
	}
	bits += 5 + 5 + 4 + 3*ncl
	bits += int(s.clFreq[16])*2 + int(s.clFreq[17])*3 + int(s.clFreq[18])*7
	return ncl, bits
}

// writeSeqs writes the sequences in s.seqs, literals from p[start:], and
// the end of block with the codes lit and dist.
//
// As in histogram, the first three literals of each run are written
// without a branch on the run's length: the codes past its end are
// masked to nothing. The bits are flushed at fixed points rather than
// when enough have collected, for the same reason: a flush costs less
// than a mispredicted branch that skips it.
func (s *encScratch) writeSeqs(w *bitWriter, p []byte, start int, lit, dist []hcode) {
	out, n, bits, nbits := w.out, w.n, w.bits, w.nbits
	last := len(p) - 1
	i := start
	for _, q := range s.seqs {
		nl := int(q.lits)
		// At most 7 bits are pending after a flush; three 15-bit codes
		// bring them to at most 52.
		n, bits, nbits = flushBits(out, n, bits, nbits)
		c0 := lit[p[min(i, last)]] & hcodeIf(nl, 1)
		c1 := lit[p[min(i+1, last)]] & hcodeIf(nl, 2)
		c2 := lit[p[min(i+2, last)]] & hcodeIf(nl, 3)
		bits |= c0.code() << nbits
		nbits += c0.len()
		bits |= c1.code() << nbits
		nbits += c1.len()
		bits |= c2.code() << nbits
		nbits += c2.len()
		if nl > 3 {
			for _, b := range p[i+3 : i+nl] {
				if nbits >= 48 {
					n, bits, nbits = flushBits(out, n, bits, nbits)
				}
				c := lit[b]
				bits |= c.code() << nbits
				nbits += c.len()
			}
		}
		i += nl
		if q.mlen == 0 {
			continue
		}
		// A match takes at most 48 bits: a 15-bit length code with 5
		// extra bits, a 15-bit distance code with 13.
		n, bits, nbits = flushBits(out, n, bits, nbits)
		ml := int(q.mlen)
		lc := lenCode[ml]
		c := lit[257+int(lc)]
		bits |= c.code() << nbits
		nbits += c.len()
		bits |= uint64(ml-int(lengthBase[lc])) << nbits
		nbits += uint(lengthExtra[lc])
		d := int(q.dist)
		dc := distCode(d)
		c = dist[dc]
		bits |= c.code() << nbits
		nbits += c.len()
		bits |= uint64(d-int(distBase[dc])) << nbits
		nbits += uint(distExtra[dc])
		i += ml
	}
	w.n, w.bits, w.nbits = n, bits, nbits
	w.flush()
	c := lit[endOfBlock]
	w.write(c.code(), c.len())
}

// hcodeIf returns a mask that keeps an hcode (its code and its length)
// if n >= k and clears it otherwise, without a branch.
func hcodeIf(n, k int) hcode {
	return hcode(int32(k-1-n) >> 31)
}
