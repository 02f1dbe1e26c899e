package deflate

import (
	"bytes"
	"testing"
)

// TestWriteSeqsLongCodes checks writeSeqs, which packs up to three codes
// between flushes, against writing each code in turn with bitWriter.write,
// with codes of the longest length (15 bits) and literal runs of every
// length up to 8 between matches: the case where unflushed bits could
// overflow the 64-bit buffer.
func TestWriteSeqsLongCodes(t *testing.T) {
	var lit [numLitLen]hcode
	var dist [numDist]hcode
	for sym := range lit {
		lit[sym] = newHcode(uint16(0x5a5a^sym*0x9e3)&0x7fff, maxCodeLen)
	}
	for sym := range dist {
		dist[sym] = newHcode(uint16(0x3c3c^sym*0x7f1)&0x7fff, maxCodeLen)
	}
	s := new(encScratch)
	var p []byte
	for run := 0; run <= 8; run++ {
		for _, m := range []struct{ mlen, dist int }{{258, 32768}, {4, 1}, {0, 0}} {
			for k := range run {
				p = append(p, byte(run*31+k*7))
			}
			s.seqs = append(s.seqs, seq{lits: uint32(run), mlen: uint16(m.mlen), dist: uint16(m.dist)})
			for range m.mlen {
				p = append(p, 'm')
			}
		}
	}

	for pending := range uint(48) {
		got := bitWriter{out: make([]byte, 4096), bits: 1<<pending - 1, nbits: pending}
		s.writeSeqs(&got, p, 0, lit[:], dist[:])
		got.flush()

		want := bitWriter{out: make([]byte, 4096), bits: 1<<pending - 1, nbits: pending}
		i := 0
		for _, q := range s.seqs {
			for _, b := range p[i : i+int(q.lits)] {
				want.write(lit[b].code(), lit[b].len())
			}
			i += int(q.lits)
			if q.mlen == 0 {
				continue
			}
			lc := lenCode[q.mlen]
			want.write(lit[257+int(lc)].code(), lit[257+int(lc)].len())
			want.write(uint64(int(q.mlen)-int(lengthBase[lc])), uint(lengthExtra[lc]))
			dc := distCode(int(q.dist))
			want.write(dist[dc].code(), dist[dc].len())
			want.write(uint64(int(q.dist)-int(distBase[dc])), uint(distExtra[dc]))
			i += int(q.mlen)
		}
		want.write(lit[endOfBlock].code(), lit[endOfBlock].len())
		want.flush()

		if got.nbits != want.nbits || !bytes.Equal(got.out[:got.n], want.out[:want.n]) || got.bits != want.bits {
			t.Errorf("%d bits pending before: writeSeqs wrote %d bytes (+%d bits), writing code by code %d (+%d); first difference at byte %d",
				pending, got.n, got.nbits, want.n, want.nbits, firstDiff(got.out[:got.n], want.out[:want.n]))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
