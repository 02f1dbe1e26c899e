package deflate

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHuffmanBuild checks that codes are length-limited, complete (the
// Kraft sum is exactly 1) and canonical, on frequencies that push the
// optimal code past the limit.
func TestHuffmanBuild(t *testing.T) {
	fib := make([]uint32, numLitLen)
	a, b := uint32(1), uint32(1)
	for i := range 30 {
		fib[i] = a
		a, b = b, a+b
	}
	flat := make([]uint32, numLitLen)
	for i := range flat {
		flat[i] = 1
	}
	tests := []struct {
		name    string
		freq    []uint32
		maxBits int
	}{
		{"fibonacci", fib, maxCodeLen},
		{"fibonacci-7", fib[:numCodeLen], maxCLenLen},
		{"flat", flat, maxCodeLen},
		{"one", []uint32{0, 0, 5, 0}, maxCodeLen},
		{"none", []uint32{0, 0, 0}, maxCodeLen},
		{"two", []uint32{9, 0, 0, 1}, maxCodeLen},
	}
	var hb huffBuilder
	for _, tc := range tests {
		codes := make([]hcode, len(tc.freq))
		n, bits := hb.build(tc.freq, codes, tc.maxBits)
		kraft, used, want := 0, 0, 0
		for sym, c := range codes {
			l := int(c.len())
			if l > tc.maxBits {
				t.Errorf("%s: symbol %d has length %d > %d", tc.name, sym, l, tc.maxBits)
			}
			if l > 0 {
				kraft += 1 << (maxCodeLen - l)
				used++
				if sym >= n {
					t.Errorf("%s: symbol %d coded beyond n = %d", tc.name, sym, n)
				}
			} else if tc.freq[sym] != 0 {
				t.Errorf("%s: symbol %d occurs but has no code", tc.name, sym)
			}
			want += int(tc.freq[sym]) * l
		}
		if kraft != 1<<maxCodeLen {
			t.Errorf("%s: Kraft sum %d/%d, want 1", tc.name, kraft, 1<<maxCodeLen)
		}
		if used < 2 {
			t.Errorf("%s: %d codes, want at least 2", tc.name, used)
		}
		if bits != want {
			t.Errorf("%s: build reported %d bits, codes give %d", tc.name, bits, want)
		}
		// The decoder's table builder must accept the code.
		lens := make([]uint8, len(codes))
		for i, c := range codes {
			lens[i] = uint8(c.len())
		}
		info := make([]uint32, len(codes))
		tab := make([]uint32, litTableSize)
		if !buildTable(lens, info, tab, litRoot, true) {
			t.Errorf("%s: decoder rejects the code", tc.name)
		}
	}
}

// TestSortKeys checks the counting sort of build against slices.Sort:
// frequencies under 256 (one pass) and up to a whole block's (two),
// with ties, whose symbols must stay in ascending order.
func TestSortKeys(t *testing.T) {
	tests := []struct {
		name    string
		symbols int
		maxFreq uint32
	}{
		{"narrow", numLitLen, 255},
		{"ties", numLitLen, 3},
		{"wide", numLitLen, maxBlock + 1},
		{"wide-ties", numLitLen, 1<<8 + 2},
		{"distances", numDist, 1 << 12},
		{"two", 2, 1 << 15},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var hb huffBuilder
	for _, tc := range tests {
		for range 20 {
			var keys []uint32
			var high uint32
			for sym := range tc.symbols {
				f := rng.Uint32N(tc.maxFreq + 1)
				if f == 0 {
					continue
				}
				keys = append(keys, f<<9|uint32(sym))
				high |= f
			}
			want := slices.Sorted(slices.Values(keys))
			copy(hb.keys[:], keys)
			got := hb.sortKeys(hb.keys[:len(keys)], high >= 1<<8)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: sortKeys(%v) = %v, want %v", tc.name, keys, got, want)
			}
		}
	}
}
