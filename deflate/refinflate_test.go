package deflate

import "errors"

// refInflate is a plain, bit-at-a-time inflater (RFC 1951), written after
// the structure of zlib's puff.c, that serves the tests as an oracle
// independent of Decoder: it inflates data, whose distances may reach
// into hist, and reports the longest distance used. It stops at the end
// of data (at a block boundary) or after a final block.
func refInflate(hist, data []byte) (out []byte, maxDist int, err error) {
	r := refReader{data: data}
	out = append([]byte(nil), hist...)
	start := len(hist)
	for {
		if r.pos == len(r.data) && r.nbit == 0 {
			return out[start:], maxDist, nil
		}
		final, err := r.bits(1)
		if err != nil {
			return nil, 0, err
		}
		typ, err := r.bits(2)
		if err != nil {
			return nil, 0, err
		}
		switch typ {
		case 0:
			r.nbit, r.bitbuf = 0, 0
			if r.pos+4 > len(r.data) {
				return nil, 0, errRef
			}
			n := int(r.data[r.pos]) | int(r.data[r.pos+1])<<8
			nn := int(r.data[r.pos+2]) | int(r.data[r.pos+3])<<8
			r.pos += 4
			if n != ^nn&0xffff || r.pos+n > len(r.data) {
				return nil, 0, errRef
			}
			out = append(out, r.data[r.pos:r.pos+n]...)
			r.pos += n
		case 1, 2:
			var lit, dist refHuff
			if typ == 1 {
				var lens [288 + 30]int
				for i := range 288 {
					lens[i] = int(fixedLitCodes[i].len())
				}
				for i := range 30 {
					lens[288+i] = 5
				}
				lit, dist = newRefHuff(lens[:288]), newRefHuff(lens[288:])
			} else if lit, dist, err = r.dynamic(); err != nil {
				return nil, 0, err
			}
			for {
				sym, err := r.decode(&lit)
				if err != nil {
					return nil, 0, err
				}
				if sym < 256 {
					out = append(out, byte(sym))
					continue
				}
				if sym == 256 {
					break
				}
				sym -= 257
				if sym >= 29 {
					return nil, 0, errRef
				}
				x, err := r.bits(uint(lengthExtra[sym]))
				if err != nil {
					return nil, 0, err
				}
				length := int(lengthBase[sym]) + x
				ds, err := r.decode(&dist)
				if err != nil || ds >= 30 {
					return nil, 0, errRef
				}
				x, err = r.bits(uint(distExtra[ds]))
				if err != nil {
					return nil, 0, err
				}
				d := int(distBase[ds]) + x
				if d > len(out) {
					return nil, 0, errRef
				}
				maxDist = max(maxDist, d)
				for range length {
					out = append(out, out[len(out)-d])
				}
			}
		default:
			return nil, 0, errRef
		}
		if final == 1 {
			return out[start:], maxDist, nil
		}
	}
}

var errRef = errors.New("refInflate: invalid stream")

type refReader struct {
	data   []byte
	pos    int
	bitbuf int
	nbit   uint
}

func (r *refReader) bits(n uint) (int, error) {
	for r.nbit < n {
		if r.pos == len(r.data) {
			return 0, errRef
		}
		r.bitbuf |= int(r.data[r.pos]) << r.nbit
		r.pos++
		r.nbit += 8
	}
	v := r.bitbuf & (1<<n - 1)
	r.bitbuf >>= n
	r.nbit -= n
	return v, nil
}

// refHuff is a canonical code as puff.c keeps it: the count of codes of
// each length and the symbols ordered by code.
type refHuff struct {
	count  [16]int
	symbol []int
}

func newRefHuff(lens []int) refHuff {
	var h refHuff
	for _, l := range lens {
		h.count[l]++
	}
	var offs [16]int
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	h.symbol = make([]int, len(lens))
	for sym, l := range lens {
		if l != 0 {
			h.symbol[offs[l]] = sym
			offs[l]++
		}
	}
	return h
}

func (r *refReader) decode(h *refHuff) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code |= b
		count := h.count[l]
		if code-count < first {
			return h.symbol[index+(code-first)], nil
		}
		index += count
		first += count
		first <<= 1
		code <<= 1
	}
	return 0, errRef
}

func (r *refReader) dynamic() (lit, dist refHuff, err error) {
	v, err := r.bits(14)
	if err != nil {
		return lit, dist, err
	}
	nlen, ndist, ncode := v&31+257, v>>5&31+1, v>>10+4
	var lens [320]int
	for _, sym := range codeLenOrder[:ncode] {
		if lens[sym], err = r.bits(3); err != nil {
			return lit, dist, err
		}
	}
	cl := newRefHuff(lens[:19])
	clear(lens[:])
	for i := 0; i < nlen+ndist; {
		sym, err := r.decode(&cl)
		if err != nil {
			return lit, dist, err
		}
		if sym < 16 {
			lens[i] = sym
			i++
			continue
		}
		var rep, val int
		switch sym {
		case 16:
			if i == 0 {
				return lit, dist, errRef
			}
			val = lens[i-1]
			rep, err = r.bits(2)
			rep += 3
		case 17:
			rep, err = r.bits(3)
			rep += 3
		default:
			rep, err = r.bits(7)
			rep += 11
		}
		if err != nil || i+rep > nlen+ndist {
			return lit, dist, errRef
		}
		for ; rep > 0; rep-- {
			lens[i] = val
			i++
		}
	}
	return newRefHuff(lens[:nlen]), newRefHuff(lens[nlen : nlen+ndist]), nil
}
