package protocol_test

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirefast/websocket/protocol"
)

var utf8Seed = flag.Uint64("utf8.seed", 0, "seed of the random UTF-8 tests; 0 picks one from the clock")

// utf8Rand returns a generator seeded by -utf8.seed or the clock, and logs
// the seed so that a failure can be replayed.
func utf8Rand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := *utf8Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -utf8.seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// randomUTF8 returns n bytes of one of several kinds of random input:
// valid text from every range, valid text with a few bytes changed, and
// bytes drawn mostly from the non-ASCII representatives.
func randomUTF8(r *rand.Rand, n int) []byte {
	var p []byte
	switch r.IntN(3) {
	case 0, 1:
		for len(p) < n {
			var c rune
			switch r.IntN(4) {
			case 0:
				c = r.Int32N(0x80)
			case 1:
				c = 0x80 + r.Int32N(0x800-0x80)
			case 2:
				c = 0x800 + r.Int32N(0x10000-0x800)
			default:
				c = 0x10000 + r.Int32N(utf8.MaxRune+1-0x10000)
			}
			p = utf8.AppendRune(p, c) // surrogates become U+FFFD
		}
		p = p[:n]
		if len(p) > 0 && r.IntN(2) == 0 {
			for range 1 + r.IntN(3) {
				p[r.IntN(len(p))] = byte(r.Uint32())
			}
		}
	default:
		for range n {
			p = append(p, utf8Representatives[r.IntN(len(utf8Representatives))])
		}
	}
	return p
}

// TestUTF8Random compares every implementation with the reference on
// random inputs split at random points into several pieces.
func TestUTF8Random(t *testing.T) {
	r := utf8Rand(t)
	impls := utf8Impls(t)
	rounds := 20000
	if testing.Short() {
		rounds = 2000
	}
	for range rounds {
		p := randomUTF8(r, r.IntN(300))
		valid := utf8.Valid(p)
		fb := utf8FirstBad(p)
		var cuts []int
		for range r.IntN(5) {
			cuts = append(cuts, r.IntN(len(p)+1))
		}
		cuts = append(cuts, len(p))
		for _, impl := range impls {
			if got := impl.Valid(p); got != valid {
				t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
			}
			s, at := protocol.UTF8Accept, 0
			for _, c := range cuts {
				c = max(c, at)
				s = impl.Feed(s, p[at:c])
				if got, want := s != protocol.UTF8Reject, c <= fb; got != want {
					t.Fatalf("%s: Feed of %x in pieces ending at %v: %v after %d bytes, want %v", impl.Name, p, cuts, got, c, want)
				}
				at = c
			}
			if got := s == protocol.UTF8Accept; got != valid {
				t.Fatalf("%s: Done after %x in pieces ending at %v = %v, want %v", impl.Name, p, cuts, got, valid)
			}
		}
	}
}

// TestUTF8LongInputs checks texts from a few bytes to past 1 KiB around
// every dispatch threshold, with a bad byte near the start, the middle
// and the end.
func TestUTF8LongInputs(t *testing.T) {
	impls := utf8Impls(t)
	base := bytes.Repeat([]byte("ab€😀é世 "), 200)
	lengths := []int{0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1500}
	for _, th := range protocol.UTF8Thresholds {
		lengths = append(lengths, th-1, th, th+1)
	}
	for _, n := range lengths {
		for cut := n; cut <= n+3 && cut <= len(base); cut++ {
			for _, at := range []int{-1, 0, cut / 2, cut - 1} {
				p := bytes.Clone(base[:cut])
				if at >= 0 && at < len(p) {
					p[at] = 0xff
				}
				checkUTF8Whole(t, impls, p)
			}
		}
	}
}

func checkUTF8Whole(t *testing.T, impls []protocol.UTF8Impl, p []byte) {
	t.Helper()
	valid := utf8.Valid(p)
	fb := utf8FirstBad(p)
	for _, impl := range impls {
		if got := impl.Valid(p); got != valid {
			t.Fatalf("%s: ValidUTF8(%d bytes %x) = %v, want %v", impl.Name, len(p), p, got, valid)
		}
		s := impl.Feed(protocol.UTF8Accept, p)
		if got, want := s != protocol.UTF8Reject, fb == len(p); got != want {
			t.Fatalf("%s: Feed(%d bytes %x) = %v, want %v", impl.Name, len(p), p, got, want)
		}
	}
}
