package mask_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/wirefast/websocket/mask"
)

// refApply is the byte-at-a-time reference: RFC 6455, Section 5.3, as
// written.
func refApply(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[pos]
		pos = (pos + 1) % 4
	}
	return pos
}

// impl is one implementation under test: the exported Apply or one of the
// internal paths it dispatches to.
type impl struct {
	name      string
	available bool // whether this CPU can run it
	apply     func(key [4]byte, pos int, b []byte) int
}

// allImpls returns Apply and every internal implementation of this build.
func allImpls() []impl {
	list := []impl{{"Apply", true, mask.Apply}}
	for _, im := range mask.Impls {
		list = append(list, impl{im.Name, im.Available, im.Apply})
	}
	return list
}

// availableImpls returns the implementations this CPU can run.
func availableImpls() []impl {
	var list []impl
	for _, im := range allImpls() {
		if im.available {
			list = append(list, im)
		}
	}
	return list
}

// forEachImpl runs f as a parallel subtest for each implementation,
// skipping those this CPU cannot run.
func forEachImpl(t *testing.T, f func(t *testing.T, im impl)) {
	for _, im := range allImpls() {
		t.Run(im.name, func(t *testing.T) {
			if !im.available {
				t.Skipf("%s: not supported by this CPU", im.name)
			}
			t.Parallel()
			f(t, im)
		})
	}
}

var testKeys = [][4]byte{
	{0x37, 0xfa, 0x21, 0x3d}, // RFC 6455, Section 5.7
	{0x01, 0x02, 0x04, 0x80},
	{0xff, 0xff, 0xff, 0xff},
}

const guard = 64 // bytes before and after the slice under test

// checkOne masks n bytes at offset off of a guarded buffer with im and
// with refApply and reports any difference, inside or outside the slice.
func checkOne(t *testing.T, im impl, key [4]byte, pos, off, n int, rng *rand.ChaCha8) {
	t.Helper()
	want := make([]byte, guard+off+n+guard)
	rng.Read(want)
	got := bytes.Clone(want)
	wantPos := refApply(key, pos, want[guard+off:guard+off+n])
	gotPos := im.apply(key, pos, got[guard+off:guard+off+n])
	if gotPos != wantPos {
		t.Errorf("%s(%x, %d, [%d bytes at offset %d]) = %d, want %d", im.name, key, pos, n, off, gotPos, wantPos)
	}
	if i, where := firstDiff(got, want, guard+off, n); i >= 0 {
		t.Fatalf("%s(%x, %d, [%d bytes at offset %d]): first wrong byte at %d (%s the slice): got %#02x, want %#02x",
			im.name, key, pos, n, off, i-guard-off, where, got[i], want[i])
	}
}

// firstDiff returns the index of the first byte where got and want, of
// equal length, differ, and whether it lies inside or outside the n bytes
// from start under test; -1 when they are equal.
func firstDiff(got, want []byte, start, n int) (int, string) {
	for i := range got {
		if got[i] != want[i] {
			if i < start || i >= start+n {
				return i, "outside"
			}
			return i, "inside"
		}
	}
	return -1, ""
}

// newRand returns a deterministic source of test bytes.
func newRand(seed byte) *rand.ChaCha8 {
	return rand.NewChaCha8([32]byte{seed})
}

// TestApplyShort checks every implementation against the byte loop for all
// lengths 0..300, key positions 0..3 and slice offsets 0..7, guard bytes
// included.
func TestApplyShort(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		rng := newRand(1)
		for _, key := range testKeys {
			for n := 0; n <= 300; n++ {
				for pos := range 4 {
					for off := range 8 {
						checkOne(t, im, key, pos, off, n, rng)
					}
				}
			}
		}
	})
}

// longLengths returns sampled lengths from 1000 to 5000 and the lengths
// around every dispatch threshold and every size the vector loops step by.
func longLengths() []int {
	var ns []int
	for n := 1000; n <= 5000; n += 97 {
		ns = append(ns, n)
	}
	edges := []int{16, 32, 64, 128, 256, 512, 1024, 4096}
	edges = append(edges, mask.Thresholds...)
	for _, e := range edges {
		for d := -33; d <= 33; d++ {
			if e+d >= 0 {
				ns = append(ns, e+d)
			}
		}
	}
	return ns
}

// TestApplyLong is TestApplyShort for long and threshold-adjacent lengths,
// with fewer offsets, and for a few lengths of 64 KiB and more.
func TestApplyLong(t *testing.T) {
	ns := longLengths()
	huge := []int{1<<16 - 1, 1<<16 + 5, 1<<20 + 7}
	if testing.Short() {
		ns, huge = ns[:len(ns)/4], huge[:1]
	}
	forEachImpl(t, func(t *testing.T, im impl) {
		rng := newRand(2)
		for pos := range 4 {
			for _, n := range ns {
				for _, off := range []int{0, 1, 3, 7, 8, 13, 31} {
					checkOne(t, im, testKeys[0], pos, off, n, rng)
				}
			}
			for _, n := range huge {
				for _, off := range []int{0, 5} {
					checkOne(t, im, testKeys[0], pos, off, n, rng)
				}
			}
		}
	})
}

// TestApplyWithoutAVX2 runs the dispatch in Apply as on a CPU without
// AVX2, where the SSE2 loop serves every length.
func TestApplyWithoutAVX2(t *testing.T) {
	if mask.UseAVX2 == nil {
		t.Skip("no assembly in this build")
	}
	defer func(saved bool) { *mask.UseAVX2 = saved }(*mask.UseAVX2)
	*mask.UseAVX2 = false
	im := impl{"Apply without AVX2", true, mask.Apply}
	rng := newRand(3)
	for n := 0; n <= 600; n++ {
		for pos := range 4 {
			for _, off := range []int{0, 3} {
				checkOne(t, im, testKeys[0], pos, off, n, rng)
			}
		}
	}
}

// TestApplyChunks masks a payload in chunks of every split, carrying the
// returned position, and compares with masking it whole.
func TestApplyChunks(t *testing.T) {
	key := testKeys[0]
	payload := make([]byte, 200)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	forEachImpl(t, func(t *testing.T, im impl) {
		for startPos := range 4 {
			want := bytes.Clone(payload)
			wantEnd := refApply(key, startPos, want)
			for split1 := 0; split1 <= len(payload); split1 += 3 {
				for split2 := split1; split2 <= len(payload); split2 += 41 {
					got := bytes.Clone(payload)
					pos := im.apply(key, startPos, got[:split1])
					pos = im.apply(key, pos, got[split1:split2])
					pos = im.apply(key, pos, got[split2:])
					if pos != wantEnd || !bytes.Equal(got, want) {
						t.Fatalf("%s in chunks [:%d] [%d:%d] [%d:] from pos %d: got %x (end pos %d), want %x (end pos %d)",
							im.name, split1, split1, split2, split2, startPos, got, pos, want, wantEnd)
					}
				}
			}
		}
	})
}

// TestApplyInvolution checks that masking twice restores the input.
func TestApplyInvolution(t *testing.T) {
	orig := []byte("The quick brown fox jumps over the lazy dog, twice over for length.")
	for _, im := range availableImpls() {
		b := bytes.Clone(orig)
		im.apply(testKeys[1], 2, b)
		if bytes.Equal(b, orig) {
			t.Fatalf("%s left the input unchanged", im.name)
		}
		im.apply(testKeys[1], 2, b)
		if !bytes.Equal(b, orig) {
			t.Errorf("%s twice = %q, want %q", im.name, b, orig)
		}
	}
}

// TestApplyBadPos checks that a key position outside 0..3 panics, naming
// the function, before touching the buffer.
func TestApplyBadPos(t *testing.T) {
	for _, pos := range []int{-1, 4, 5, math.MaxInt, math.MinInt} {
		t.Run(fmt.Sprint(pos), func(t *testing.T) {
			b := []byte{1, 2, 3}
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "mask.Apply: pos out of range") {
					t.Errorf("Apply(key, %d, b) panicked with %v, want \"mask.Apply: pos out of range ...\"", pos, r)
				}
				if !bytes.Equal(b, []byte{1, 2, 3}) {
					t.Errorf("Apply(key, %d, b) changed b to %x before panicking", pos, b)
				}
			}()
			mask.Apply(testKeys[0], pos, b)
			t.Errorf("Apply(key, %d, b) did not panic", pos)
		})
	}
}

// TestApplyNil checks that empty and nil slices are accepted.
func TestApplyNil(t *testing.T) {
	for _, im := range availableImpls() {
		for pos := range 4 {
			if got := im.apply(testKeys[0], pos, nil); got != pos {
				t.Errorf("%s(key, %d, nil) = %d, want %d", im.name, pos, got, pos)
			}
		}
	}
}

// TestApplyAllocs checks that Apply does not allocate at any size.
func TestApplyAllocs(t *testing.T) {
	for _, n := range []int{0, 2, 16, 125, 1024, 16 << 10} {
		b := make([]byte, n)
		if allocs := testing.AllocsPerRun(100, func() { mask.Apply(testKeys[0], 1, b) }); allocs != 0 {
			t.Errorf("Apply on %d bytes: %v allocations, want 0", n, allocs)
		}
	}
}

// TestApplyInlinable checks that the compiler can inline Apply, which keeps
// masking a control frame's few bytes cheap for callers.

// TestApplyInlinable checks that the compiler can inline Apply, in the
// assembly and the purego build, which keeps masking a close frame's few
// bytes down to one call for the callers in other packages.
func TestApplyInlinable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the compiler; skipped in -short mode")
	}
	// go test puts its own GOROOT/bin first in PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	for _, tags := range []string{"", "purego"} {
		out, err := exec.Command(goTool, "build", "-tags="+tags, "-gcflags=-m", ".").CombinedOutput()
		if err != nil {
			t.Fatalf("go build -tags=%q -gcflags=-m: %v\n%s", tags, err, out)
		}
		if !strings.Contains(string(out), "can inline Apply") {
			t.Errorf("go build -tags=%q -gcflags=-m: Apply is not inlinable; compiler said:\n%s", tags, out)
		}
	}
}
