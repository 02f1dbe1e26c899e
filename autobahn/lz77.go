package autobahn

// lz77Encoder is a small DEFLATE encoder for windows below 32 KiB, which
// compress/flate cannot produce. It finds matches with a one-entry hash
// table and writes them with the fixed Huffman code (RFC 1951, Section
// 3.2.6). Match distances never exceed maxDist, which is 2^bits - 262 as in
// zlib's deflate (its MAX_DIST), so any inflater with a 2^bits window can
// decode the output. Each message ends with a sync flush whose trailing
// 00 00 ff ff is dropped (RFC 7692, Section 7.2.1).
type lz77Encoder struct {
	maxDist   int
	noContext bool
	hist      []byte // the last maxDist bytes of earlier messages
	head      [1 << lzHashBits]int32
	bits      uint64
	nbits     uint
	out       []byte
}

const (
	lzHashBits = 13
	lzMinMatch = 3
	lzMaxMatch = 258
)

// newLZ77Encoder returns an encoder for a 2^bits window.
func newLZ77Encoder(bits int, noContext bool) *lz77Encoder {
	d := 1<<bits - 262
	if d < 128 {
		d = 128
	}
	return &lz77Encoder{maxDist: d, noContext: noContext}
}

// fixed Huffman code of a literal/length symbol: bit-reversed code and
// length, ready to be written LSB first.
func fixedLitCode(sym int) (uint64, uint) {
	var code, n int
	switch {
	case sym < 144:
		code, n = 0x30+sym, 8
	case sym < 256:
		code, n = 0x190+sym-144, 9
	case sym < 280:
		code, n = sym-256, 7
	default:
		code, n = 0xC0+sym-280, 8
	}
	return reverseBits(uint64(code), uint(n)), uint(n)
}

// reverseBits reverses the low n bits of v.
func reverseBits(v uint64, n uint) uint64 {
	var r uint64
	for i := uint(0); i < n; i++ {
		r = r<<1 | v>>i&1
	}
	return r
}

// fixedLit holds the precomputed fixed codes of all 286 symbols.
var fixedLitTable = func() (t [286]struct {
	code uint64
	n    uint
}) {
	for i := range t {
		t[i].code, t[i].n = fixedLitCode(i)
	}
	return t
}()

// put writes the low n bits of v.
func (e *lz77Encoder) put(v uint64, n uint) {
	e.bits |= v << e.nbits
	e.nbits += n
	for e.nbits >= 8 {
		e.out = append(e.out, byte(e.bits))
		e.bits >>= 8
		e.nbits -= 8
	}
}

// literal writes one literal byte.
func (e *lz77Encoder) literal(b byte) {
	c := fixedLitTable[b]
	e.put(c.code, c.n)
}

// match writes a length/distance pair.
func (e *lz77Encoder) match(length, dist int) {
	li := 28
	for li > 0 && int(lengthBase[li]) > length {
		li--
	}
	c := fixedLitTable[257+li]
	e.put(c.code, c.n)
	e.put(uint64(length-int(lengthBase[li])), uint(lengthExtra[li]))
	di := 29
	for di > 0 && int(distBase[di]) > dist {
		di--
	}
	e.put(reverseBits(uint64(di), 5), 5)
	e.put(uint64(dist-int(distBase[di])), uint(distExtra[di]))
}

// hash3 hashes the three bytes at b[i:].
func hash3(b []byte, i int) uint32 {
	v := uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16
	return (v * 2654435761) >> (32 - lzHashBits)
}

// Compress returns the compressed form of msg without the sync-flush tail.
// The returned slice is valid until the next call.
func (e *lz77Encoder) Compress(msg []byte) []byte {
	if e.noContext {
		e.hist = e.hist[:0]
	}
	data := append(e.hist, msg...)
	for i := range e.head {
		e.head[i] = -1
	}
	for i := 0; i+lzMinMatch <= len(e.hist); i++ {
		e.head[hash3(data, i)] = int32(i)
	}
	e.out, e.bits, e.nbits = e.out[:0], 0, 0
	e.put(0b010, 3) // BFINAL=0, BTYPE=01 (fixed Huffman)
	for i := len(e.hist); i < len(data); {
		if i+lzMinMatch > len(data) {
			e.literal(data[i])
			i++
			continue
		}
		h := hash3(data, i)
		cand := int(e.head[h])
		e.head[h] = int32(i)
		if cand >= 0 && i-cand <= e.maxDist {
			n := 0
			for n < lzMaxMatch && i+n < len(data) && data[cand+n] == data[i+n] {
				n++
			}
			if n >= lzMinMatch {
				e.match(n, i-cand)
				for j := i + 1; j < i+n && j+lzMinMatch <= len(data); j++ {
					e.head[hash3(data, j)] = int32(j)
				}
				i += n
				continue
			}
		}
		e.literal(data[i])
		i++
	}
	e.put(fixedLitTable[256].code, fixedLitTable[256].n) // end of block
	e.put(0, 3)                                          // BFINAL=0, BTYPE=00: sync flush
	if e.nbits > 0 {
		e.put(0, 8-e.nbits)
	}
	// The stored block's LEN/NLEN, 00 00 ff ff, is the tail RFC 7692 drops.
	if !e.noContext {
		keep := min(len(data), e.maxDist)
		e.hist = append(e.hist[:0], data[len(data)-keep:]...)
	}
	return e.out
}
