package deflate

import (
	"bytes"
	"fmt"
	"testing"
)

// xorshift returns n pseudo-random bytes from seed.
func xorshift(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*0x9e3779b97f4a7c15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x >> 24)
	}
	return b
}

// TestEncoderMaxDistance inflates the encoder's output with the reference
// inflater, which records the longest distance, and checks that no
// distance exceeds the window (RFC 7692, Section 7.1.2: the peer's
// inflater may hold only 1<<w bytes) or reaches before the message
// without context takeover, and that a repeat exactly a window back is
// found: the whole window is used.
func TestEncoderMaxDistance(t *testing.T) {
	for w := minWindowBits; w <= maxWindowBits; w++ {
		size := 1 << w
		r := xorshift(size, uint64(w))
		msgs := [][]byte{
			append(append([]byte(nil), r...), r...),                    // repeat at exactly the window
			append(xorshift(size+1, 99), xorshift(size+1, 99)[:64]...), // repeat one byte too far
			corpusMessages("json", 3*size, 1)[0],
			r[:size/2], // only found in the history
			corpusMessages("logs", 5000, 1)[0],
		}
		for _, level := range []Level{BestSpeed, BetterCompression} {
			for _, takeover := range []bool{false, true} {
				t.Run(fmt.Sprintf("w%d/level%d/takeover=%v", w, level, takeover), func(t *testing.T) {
					e := NewEncoder(w, takeover, level)
					var hist []byte
					for i, m := range msgs {
						// In pieces, so matches also cross Append calls.
						var out []byte
						for p := m; len(p) > 0; {
							n := min(len(p), 1000+i*777)
							out = e.Append(out, p[:n])
							p = p[n:]
						}
						out = append(e.Flush(out), 0, 0, 0xff, 0xff)
						if !takeover {
							hist = nil
						}
						got, maxDist, err := refInflate(hist, out)
						if err != nil || !bytes.Equal(got, m) {
							t.Fatalf("message %d: reference inflate: %v, equal %v", i, err, bytes.Equal(got, m))
						}
						if maxDist > size {
							t.Errorf("message %d: distance %d beyond the %d-byte window", i, maxDist, size)
						}
						if i == 0 && maxDist != size && level == BestSpeed {
							t.Errorf("message 0: longest distance %d, want the repeat at %d", maxDist, size)
						}
						hist = append(hist, m...)
						if len(hist) > size {
							hist = hist[len(hist)-size:]
						}
					}
				})
			}
		}
	}
}

// TestStatePoolClean checks that a state returned to the pool has an
// all-zero hash table, so output never depends on another stream.
func TestStatePoolClean(t *testing.T) {
	for _, level := range []Level{BestSpeed, BetterCompression} {
		for _, n := range []int{10, 1000, 100000} {
			for _, whole := range []bool{false, true} {
				e := NewEncoder(12, false, level)
				e.append(nil, corpusMessages("chat", n, 1)[0], whole)
				st := e.st
				e.Flush(nil)
				for i, v := range st.tab {
					if v != 0 {
						t.Fatalf("level %d, %d bytes, whole %v: table entry %d = %d after release, want 0", level, n, whole, i, v)
					}
				}
			}
		}
	}
}

// TestLZ77Counts checks the symbol counts lz77 makes as it parses against
// histogram's count of the same sequences: a symbol counted too rarely
// would get no code, one counted too often a worse one. Inputs: the
// corpus, incompressible and constant bytes, short ones, whole messages
// (the wide table) and pieces that match into the window of a previous
// message (context takeover).
func TestLZ77Counts(t *testing.T) {
	inputs := map[string][]byte{
		"zeros":  make([]byte, 3000),
		"random": xorshift(5000, 7),
		"tiny":   []byte("abcabcab"),
		"short":  []byte("abcdabcdabcdabcd"),
	}
	for _, kind := range corpusKinds {
		for _, size := range []int{64, 1 << 10, 16 << 10, 40 << 10} {
			inputs[fmt.Sprintf("%s/%d", kind, size)] = corpusMessages(kind, size, 1)[0]
		}
	}
	for name, p := range inputs {
		for _, takeover := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/takeover=%v", name, takeover), func(t *testing.T) {
				e := NewEncoder(maxWindowBits, takeover, BestSpeed)
				whole := !takeover
				if takeover {
					e.Compress(nil, p[:len(p)/2]) // history to match into
				}
				if e.st == nil {
					e.st = getState(e.wbits, e.tableBits(len(p), whole))
					e.st.wide = whole
				}
				s := new(encScratch)
				for off := 0; off < len(p); off += maxBlock {
					end := min(off+maxBlock, len(p))
					e.lz77(s, p, off, end)
					lit, dist, nlits, nmatches := s.litFreq, s.distFreq, s.nlits, s.nmatches
					s.histogram(p, off)
					if lit != s.litFreq || dist != s.distFreq || nlits != s.nlits || nmatches != s.nmatches {
						t.Fatalf("block at %d: lz77 counted %d literals, %d matches; histogram %d, %d (or the frequencies differ)",
							off, nlits, nmatches, s.nlits, s.nmatches)
					}
					if nmatches == 0 && len(p) > 1000 && name != "random" {
						t.Errorf("block at %d: no matches found", off)
					}
				}
			})
		}
	}
}
