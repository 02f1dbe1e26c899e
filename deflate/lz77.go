package deflate

import (
	"encoding/binary"
	"math/bits"
)

// The matcher works on the input p of one Append call, whose first byte is
// at stream position e.pos, and on the window, which holds the bytes
// before it. A position is named by its index relative to p: index c < 0
// is the window byte at stream position e.pos+c. An index may go back at
// most the window size and at most to the start of the stream.

// lz77 parses p[bs:be] into s.seqs with a single-probe hash table
// (Level 1, as flate's BestSpeed). Matches stay inside p[bs:be]. A wide
// table hashes 6 bytes of the 8 loaded, so no match starts in the last 7
// bytes of p.
//
// It also counts the block's symbols, as histogram would after it: the
// search waits on its table loads, and the counting, done while a run's
// literals are still in the cache, fills that time instead of a pass of
// its own.
func (e *Encoder) lz77(s *encScratch, p []byte, bs, be int) {
	seqs := s.seqs[:0]
	clear(s.litFreq[:])
	clear(s.distFreq[:])
	lit := &s.litFreq
	nlits := 0
	st := e.st
	tab := st.tab
	shift := 32 - st.tabBits
	wsize := len(st.ring)
	pos := e.pos
	hist := int(min(pos-e.start, uint64(wsize)))
	nextEmit := bs
	i := bs
	sLimit := be - minMatch
	wide := st.wide
	if wide {
		sLimit = min(sLimit, len(p)-8)
	}
	for i <= sLimit {
		// Look for a match, stepping faster the longer none is found.
		skip := 32
		u := probe(p, i, wide)
		cv := uint32(u)
		var cand int
		for {
			h := hashOf(u, shift, wide)
			cur := uint16(pos + uint64(i))
			d := int(cur - tab[h])
			tab[h] = cur
			if d != 0 && d <= wsize && d <= i+hist {
				cand = i - d
				if cand >= 0 {
					if load32(p, cand) == cv {
						break
					}
				} else if e.histLoad32(p, cand) == cv {
					break
				}
			}
			step := skip >> 5
			i += step
			skip += step
			if i > sLimit {
				goto done
			}
			u = probe(p, i, wide)
			cv = uint32(u)
		}

		maxLen := min(maxMatch, be-i)
		var l int
		if cand >= 0 {
			l = minMatch + matchLen(p[cand+minMatch:], p[i+minMatch:i+maxLen])
			for i > nextEmit && cand > 0 && l < maxMatch && p[cand-1] == p[i-1] {
				i--
				cand--
				l++
			}
		} else {
			l = minMatch + e.histMatchLen(p, cand+minMatch, i+minMatch, maxLen-minMatch)
		}
		// The first three literals of the run without a branch on its
		// length, as in histogram; i+2 is inside p. This is histogram's
		// loop body written out again: shared as a method, which is too
		// big to inline, the call per sequence made Compress 2.4 %
		// slower at 16 KiB (bench/micro, eight rounds, p = 0.015).
		nl := i - nextEmit
		lit[p[nextEmit]] += atLeast(nl, 1)
		lit[p[nextEmit+1]] += atLeast(nl, 2)
		lit[p[nextEmit+2]] += atLeast(nl, 3)
		if nl > 3 {
			for _, b := range p[nextEmit+3 : i] {
				lit[b]++
			}
		}
		nlits += nl
		lit[257+int(lenCode[l])]++
		s.distFreq[distCode(i-cand)]++
		seqs = append(seqs, seq{lits: uint32(nl), mlen: uint16(l), dist: uint16(i - cand)})
		i += l
		nextEmit = i
		if i > sLimit {
			break
		}
		// Index the position before the next search, inside the match.
		tab[hashOf(probe(p, i-1, wide), shift, wide)] = uint16(pos + uint64(i-1))
	}
done:
	for _, b := range p[nextEmit:be] {
		lit[b]++
	}
	lit[endOfBlock]++
	s.nlits = nlits + be - nextEmit
	s.nmatches = len(seqs)
	s.seqs = append(seqs, seq{lits: uint32(be - nextEmit)})
}

// histLoad32 returns the 4 bytes at index c < 0, which may run from the
// window into p.
func (e *Encoder) histLoad32(p []byte, c int) uint32 {
	x := e.pos + uint64(int64(c))
	if c <= -4 {
		return e.st.ringLoad32(x)
	}
	var v uint32
	for k := 3; k >= 0; k-- {
		b := byte(0)
		if c+k >= 0 {
			b = p[c+k]
		} else {
			b = e.st.ringByte(x + uint64(k))
		}
		v = v<<8 | uint32(b)
	}
	return v
}

// histMatchLen returns how many of the n bytes at p[i:] equal those from
// index c < i on, where c may be negative (in the window).
func (e *Encoder) histMatchLen(p []byte, c, i, n int) int {
	ring := e.st.ring
	mask := uint64(len(ring) - 1)
	k := 0
	for k < n && c+k < 0 {
		idx := int((e.pos + uint64(int64(c+k))) & mask)
		run := min(n-k, -(c + k), len(ring)-idx)
		m := matchLen(ring[idx:idx+run], p[i+k:i+k+run])
		k += m
		if m < run {
			return k
		}
	}
	if k < n {
		k += matchLen(p[c+k:], p[i+k:i+n])
	}
	return k
}

// matchLen returns the length of the common prefix of a and b, len(a) >=
// len(b).
func matchLen(a, b []byte) int {
	n := 0
	for len(b)-n >= 8 {
		if x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:]); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// lazyLimit is the match length from which BetterCompression takes a
// match at once instead of trying the next position.
const lazyLimit = 32

// lz77Lazy parses p[bs:be] into s.seqs (Level 2). The table is read as
// buckets of two entries, most recent first; each position takes the
// longer of its two candidates, and a match is deferred by a byte while
// the next position has a longer one. Every position is indexed.
func (e *Encoder) lz77Lazy(s *encScratch, p []byte, bs, be int) {
	seqs := s.seqs[:0]
	nextEmit := bs
	i := bs
	sLimit := be - minMatch
	skip := 64
	for i <= sLimit {
		c, l := e.best(p, i, be)
		if l == 0 {
			step := skip >> 6
			skip += step
			i += step
			continue
		}
		skip = 64
		for l < lazyLimit && i+1 <= sLimit {
			c2, l2 := e.best(p, i+1, be)
			if l2 <= l {
				break
			}
			i++
			c, l = c2, l2
		}
		seqs = append(seqs, seq{lits: uint32(i - nextEmit), mlen: uint16(l), dist: uint16(i - c)})
		// Index the positions inside the match; i+1 may already be.
		end := min(i+l, sLimit+1)
		for j := i + 2; j < end; j++ {
			e.insert2(p, j)
		}
		i += l
		nextEmit = i
	}
	s.seqs = append(seqs, seq{lits: uint32(be - nextEmit)})
	s.histogram(p, bs)
}

// bucket returns the index of the two-entry bucket for the 4 bytes u.
func (e *Encoder) bucket(u uint32) uint32 {
	return hash4(u, 32-e.st.tabBits+1) << 1
}

// insert2 indexes position i of p in its bucket.
func (e *Encoder) insert2(p []byte, i int) {
	b := e.bucket(load32(p, i))
	tab := e.st.tab
	tab[b+1] = tab[b]
	tab[b] = uint16(e.pos + uint64(i))
}

// best indexes position i of p and returns the longer match of its
// bucket's candidates, with length 0 if neither matches; matches end by
// be.
func (e *Encoder) best(p []byte, i, be int) (cand, length int) {
	cv := load32(p, i)
	b := e.bucket(cv)
	tab := e.st.tab
	cur := uint16(e.pos + uint64(i))
	e0, e1 := tab[b], tab[b+1]
	tab[b+1] = e0
	tab[b] = cur
	wsize := len(e.st.ring)
	limit := min(i+int(min(e.pos-e.start, uint64(wsize))), wsize)
	maxLen := min(maxMatch, be-i)
	for _, ent := range [2]uint16{e0, e1} {
		d := int(cur - ent)
		if d == 0 || d > limit {
			continue
		}
		c := i - d
		var l int
		if c >= 0 {
			if load32(p, c) != cv {
				continue
			}
			l = minMatch + matchLen(p[c+minMatch:], p[i+minMatch:i+maxLen])
		} else {
			if e.histLoad32(p, c) != cv {
				continue
			}
			l = minMatch + e.histMatchLen(p, c+minMatch, i+minMatch, maxLen-minMatch)
		}
		if l > length {
			cand, length = c, l
		}
	}
	return cand, length
}

// probe returns the bytes at index i of p that a position's hash covers,
// least significant first: 8 of them if wide (i+8 <= len(p)), else 4.
// The first 4 are the match candidate's test.
func probe(p []byte, i int, wide bool) uint64 {
	if wide {
		return load64(p, i)
	}
	return uint64(load32(p, i))
}

// hashOf returns the table index of a position whose probe is u: the
// hash of its 6 low bytes if wide, else of its 4.
func hashOf(u uint64, shift uint, wide bool) uint32 {
	if wide {
		return hash6(u, shift)
	}
	return hash4(uint32(u), shift)
}
