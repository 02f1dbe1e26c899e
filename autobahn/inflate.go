package autobahn

import (
	"fmt"
	"sync"
)

// inflater decodes raw DEFLATE (RFC 1951) with a strict window: a match
// whose distance exceeds 2^window bytes is an error, which is how the
// fuzzer notices a peer that ignores a negotiated max_window_bits below 15.
// compress/flate cannot enforce a window below 32 KiB, hence this decoder.
type inflater struct {
	src   []byte
	pos   int    // next byte of src
	bits  uint64 // bit buffer, LSB first
	nbits uint
	lit   huffman
	dist  huffman
}

// huffman is a single-level canonical Huffman decoding table indexed by
// the next maxLen input bits. An entry is sym<<4 | codeLength; 0 means no
// code.
type huffman struct {
	table  []uint16
	maxLen uint
}

// Length and distance bases and extra bits (RFC 1951, Section 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clenOrder   = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

var (
	fixedOnce          sync.Once
	fixedLit, fixedDis huffman
)

// fixedLengths returns the code lengths of the fixed literal/length code.
func fixedLengths() []uint8 {
	l := make([]uint8, 288)
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	return l
}

// build fills h from code lengths; it rejects over-subscribed codes.
func (h *huffman) build(lengths []uint8) error {
	var count [16]int
	maxLen := uint(0)
	for _, l := range lengths {
		count[l]++
		if uint(l) > maxLen {
			maxLen = uint(l)
		}
	}
	count[0] = 0
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return fmt.Errorf("%w: over-subscribed huffman code", ErrInflate)
		}
	}
	var next [16]int
	code := 0
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	if maxLen == 0 {
		maxLen = 1
	}
	size := 1 << maxLen
	if cap(h.table) >= size {
		h.table = h.table[:size]
		clear(h.table)
	} else {
		h.table = make([]uint16, size)
	}
	h.maxLen = maxLen
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		rev := 0
		for i := uint8(0); i < l; i++ {
			rev = rev<<1 | (c>>i)&1
		}
		for j := rev; j < size; j += 1 << l {
			h.table[j] = uint16(sym)<<4 | uint16(l)
		}
	}
	return nil
}

// need makes sure at least n bits are buffered, padding with zeros past the
// end of input; it reports whether the real input had n bits.
func (f *inflater) need(n uint) bool {
	for f.nbits < n {
		if f.pos >= len(f.src) {
			return false
		}
		f.bits |= uint64(f.src[f.pos]) << f.nbits
		f.pos++
		f.nbits += 8
	}
	return true
}

// take returns the next n bits.
func (f *inflater) take(n uint) (uint32, error) {
	if !f.need(n) {
		return 0, errTruncated
	}
	v := uint32(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= n
	return v, nil
}

// sym decodes one symbol with h.
func (f *inflater) sym(h *huffman) (int, error) {
	f.need(h.maxLen)
	e := h.table[f.bits&(1<<h.maxLen-1)]
	l := uint(e & 15)
	if e == 0 {
		return 0, fmt.Errorf("%w: invalid huffman code", ErrInflate)
	}
	if l > f.nbits {
		return 0, errTruncated
	}
	f.bits >>= l
	f.nbits -= l
	return int(e >> 4), nil
}

// errTruncated reports input that ends inside a block.
var errTruncated = fmt.Errorf("%w: truncated stream", ErrInflate)

// inflateWindow decodes src, which must end on a block boundary (as a
// sync-flushed message with 00 00 ff ff appended does), appending the
// output to out. out already holds the history the stream may refer to;
// distances beyond 2^window or beyond the start of out are errors, and so
// is output past limit bytes.
func inflateWindow(out, src []byte, window, limit int) ([]byte, error) {
	f := &inflater{src: src}
	start := len(out)
	maxDist := 1 << window
	for {
		if f.pos >= len(src) && f.nbits < 8 && f.bits == 0 {
			return out, nil
		}
		hdr, err := f.take(3)
		if err != nil {
			// Only padding bits left after the last block.
			if f.pos >= len(src) {
				return out, nil
			}
			return out, err
		}
		final := hdr&1 != 0
		switch hdr >> 1 {
		case 0:
			f.bits, f.nbits = f.bits>>(f.nbits%8), f.nbits-f.nbits%8
			n, err := f.take(16)
			if err != nil {
				return out, err
			}
			nn, err := f.take(16)
			if err != nil {
				return out, err
			}
			if n != ^nn&0xFFFF {
				return out, fmt.Errorf("%w: stored block length mismatch", ErrInflate)
			}
			for ; n > 0 && f.nbits >= 8; n-- {
				out = append(out, byte(f.bits))
				f.bits >>= 8
				f.nbits -= 8
			}
			if int(n) > len(src)-f.pos {
				return out, errTruncated
			}
			out = append(out, src[f.pos:f.pos+int(n)]...)
			f.pos += int(n)
		case 1:
			fixedOnce.Do(func() {
				_ = fixedLit.build(fixedLengths())
				d := make([]uint8, 30)
				for i := range d {
					d[i] = 5
				}
				_ = fixedDis.build(d)
			})
			f.lit, f.dist = fixedLit, fixedDis
			if out, err = f.codes(out, maxDist, start+limit); err != nil {
				return out, err
			}
		case 2:
			if err := f.dynamic(); err != nil {
				return out, err
			}
			if out, err = f.codes(out, maxDist, start+limit); err != nil {
				return out, err
			}
		default:
			return out, fmt.Errorf("%w: reserved block type", ErrInflate)
		}
		if len(out)-start > limit {
			return out, fmt.Errorf("%w: output over %d bytes", ErrInflate, limit)
		}
		if final {
			return out, nil
		}
	}
}

// dynamic reads the code length tables of a dynamic block.
func (f *inflater) dynamic() error {
	v, err := f.take(14)
	if err != nil {
		return err
	}
	nlit, ndist, nclen := int(v&31)+257, int(v>>5&31)+1, int(v>>10)+4
	if nlit > 286 || ndist > 30 {
		return fmt.Errorf("%w: bad code counts", ErrInflate)
	}
	var clen [19]uint8
	for i := 0; i < nclen; i++ {
		b, err := f.take(3)
		if err != nil {
			return err
		}
		clen[clenOrder[i]] = uint8(b)
	}
	var ch huffman
	if err := ch.build(clen[:]); err != nil {
		return err
	}
	lengths := make([]uint8, nlit+ndist)
	for i := 0; i < len(lengths); {
		s, err := f.sym(&ch)
		if err != nil {
			return err
		}
		rep, val := 1, uint8(s)
		switch s {
		case 16:
			if i == 0 {
				return fmt.Errorf("%w: repeat with no previous length", ErrInflate)
			}
			n, err := f.take(2)
			rep, val = 3+int(n), lengths[i-1]
			if err != nil {
				return err
			}
		case 17:
			n, err := f.take(3)
			rep, val = 3+int(n), 0
			if err != nil {
				return err
			}
		case 18:
			n, err := f.take(7)
			rep, val = 11+int(n), 0
			if err != nil {
				return err
			}
		}
		if i+rep > len(lengths) {
			return fmt.Errorf("%w: code lengths overflow", ErrInflate)
		}
		for ; rep > 0; rep-- {
			lengths[i] = val
			i++
		}
	}
	if lengths[256] == 0 {
		return fmt.Errorf("%w: no end-of-block code", ErrInflate)
	}
	if err := f.lit.build(lengths[:nlit]); err != nil {
		return err
	}
	return f.dist.build(lengths[nlit:])
}

// codes decodes literal/length and distance codes up to end-of-block.
func (f *inflater) codes(out []byte, maxDist, limit int) ([]byte, error) {
	for {
		s, err := f.sym(&f.lit)
		if err != nil {
			return out, err
		}
		switch {
		case s < 256:
			out = append(out, byte(s))
			continue
		case s == 256:
			return out, nil
		case s > 285:
			return out, fmt.Errorf("%w: bad length code %d", ErrInflate, s)
		}
		e, err := f.take(uint(lengthExtra[s-257]))
		if err != nil {
			return out, err
		}
		n := int(lengthBase[s-257]) + int(e)
		ds, err := f.sym(&f.dist)
		if err != nil {
			return out, err
		}
		if ds >= 30 {
			return out, fmt.Errorf("%w: bad distance code %d", ErrInflate, ds)
		}
		de, err := f.take(uint(distExtra[ds]))
		if err != nil {
			return out, err
		}
		d := int(distBase[ds]) + int(de)
		if d > maxDist {
			return out, fmt.Errorf("%w: distance %d beyond the %d-byte window", ErrInflate, d, maxDist)
		}
		if d > len(out) {
			return out, fmt.Errorf("%w: distance %d before the start of the stream", ErrInflate, d)
		}
		if len(out)+n > limit {
			return out, fmt.Errorf("%w: output over the limit", ErrInflate)
		}
		from := len(out) - d
		if d >= n {
			out = append(out, out[from:from+n]...)
			continue
		}
		for i := 0; i < n; i++ {
			out = append(out, out[from+i])
		}
	}
}
