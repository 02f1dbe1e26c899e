package mask_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/wirefast/websocket/mask"
)

// copyImpl is one implementation of Copy under test, for equal lengths.
type copyImpl struct {
	name      string
	available bool
	copy      func(key [4]byte, pos int, dst, src []byte) int
}

// copyImpls returns Copy and every internal implementation of this build.
func copyImpls() []copyImpl {
	public := func(key [4]byte, pos int, dst, src []byte) int {
		_, next := mask.Copy(key, pos, dst, src)
		return next
	}
	list := []copyImpl{{"Copy", true, public}}
	for _, im := range mask.CopyImpls {
		list = append(list, copyImpl{im.Name, im.Available, im.Copy})
	}
	return list
}

// checkCopy copies n bytes from offset srcOff of a random source to
// offset dstOff of a guarded destination with im, and compares with copy
// followed by refApply: inside and outside the destination, the source
// untouched, the key position returned.
func checkCopy(t *testing.T, im copyImpl, key [4]byte, pos, srcOff, dstOff, n int, seed byte) {
	t.Helper()
	rng := newRand(seed)
	src := make([]byte, srcOff+n+guard)
	rng.Read(src)
	srcOrig := bytes.Clone(src)
	want := make([]byte, guard+dstOff+n+guard)
	rng.Read(want)
	got := bytes.Clone(want)
	copy(want[guard+dstOff:], src[srcOff:srcOff+n])
	wantPos := refApply(key, pos, want[guard+dstOff:guard+dstOff+n])
	gotPos := im.copy(key, pos, got[guard+dstOff:guard+dstOff+n], src[srcOff:srcOff+n])
	if gotPos != wantPos {
		t.Errorf("%s(%x, %d, %d bytes, offsets %d/%d) = %d, want %d", im.name, key, pos, n, srcOff, dstOff, gotPos, wantPos)
	}
	if !bytes.Equal(src, srcOrig) {
		t.Fatalf("%s(%x, %d, %d bytes, offsets %d/%d) changed the source", im.name, key, pos, n, srcOff, dstOff)
	}
	if i, where := firstDiff(got, want, guard+dstOff, n); i >= 0 {
		t.Fatalf("%s(%x, %d, %d bytes, offsets %d/%d): first wrong byte at %d (%s the destination): got %#02x, want %#02x",
			im.name, key, pos, n, srcOff, dstOff, i-guard-dstOff, where, got[i], want[i])
	}
}

// TestCopy checks every implementation of Copy against copy and the byte
// loop: lengths 0..300 with every key position and source and destination
// offsets 0..7 apart, then long lengths and those around the loops' steps.
func TestCopy(t *testing.T) {
	for _, im := range copyImpls() {
		t.Run(im.name, func(t *testing.T) {
			if !im.available {
				t.Skipf("%s: not supported by this CPU", im.name)
			}
			t.Parallel()
			for n := 0; n <= 300; n++ {
				for pos := range 4 {
					for off := range 8 {
						checkCopy(t, im, testKeys[n%len(testKeys)], pos, off, (off*5)%8, n, byte(n))
					}
				}
			}
			for _, n := range longLengths() {
				for pos := range 4 {
					checkCopy(t, im, testKeys[pos%len(testKeys)], pos, pos, 3, n, byte(pos))
				}
			}
		})
	}
}

// TestCopyInPlace checks Copy with the same slice as source and
// destination, which is Apply.
func TestCopyInPlace(t *testing.T) {
	for _, n := range []int{0, 1, 7, 31, 63, 64, 65, 127, 128, 129, 1000, 4096} {
		b := make([]byte, n)
		newRand(byte(n)).Read(b)
		want := bytes.Clone(b)
		wantPos := refApply(testKeys[0], 2, want)
		k, gotPos := mask.Copy(testKeys[0], 2, b, b)
		if k != n || gotPos != wantPos || !bytes.Equal(b, want) {
			t.Errorf("Copy in place of %d bytes = %d, %d; bytes equal %v; want %d, %d", n, k, gotPos, bytes.Equal(b, want), n, wantPos)
		}
	}
}

// TestCopyLengths checks that Copy copies min(len(dst), len(src)) bytes
// and leaves the rest of dst alone.
func TestCopyLengths(t *testing.T) {
	tests := []struct{ dst, src int }{{0, 5}, {5, 0}, {100, 70}, {70, 100}, {200, 200}}
	for _, tt := range tests {
		src := bytes.Repeat([]byte{0x55}, tt.src)
		dst := bytes.Repeat([]byte{0xee}, tt.dst)
		n, next := mask.Copy(testKeys[1], 1, dst, src)
		want := min(tt.dst, tt.src)
		if n != want || next != (1+want)%4 {
			t.Errorf("Copy(dst %d, src %d) = %d, %d; want %d, %d", tt.dst, tt.src, n, next, want, (1+want)%4)
		}
		for i := want; i < tt.dst; i++ {
			if dst[i] != 0xee {
				t.Fatalf("Copy(dst %d, src %d) wrote dst[%d]", tt.dst, tt.src, i)
			}
		}
	}
}

func TestCopyBadPos(t *testing.T) {
	for _, pos := range []int{-1, 4} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Copy with pos %d did not panic", pos)
				}
			}()
			mask.Copy(testKeys[0], pos, make([]byte, 8), make([]byte, 8))
		}()
	}
}

// FuzzCopy checks every implementation of Copy against copy and the
// byte-at-a-time reference for arbitrary payloads, keys, key positions
// and offsets.
func FuzzCopy(f *testing.F) {
	f.Add([]byte("Hello"), uint32(0x3d21fa37), uint8(0), uint8(0), uint8(0))
	f.Add(bytes.Repeat([]byte{0xaa}, 300), uint32(0xffffffff), uint8(2), uint8(7), uint8(3))
	f.Add(bytes.Repeat([]byte("0123456789abcdef"), 64), uint32(0x80402010), uint8(3), uint8(5), uint8(1))
	f.Add([]byte{}, uint32(0), uint8(3), uint8(1), uint8(6))
	var list []copyImpl
	for _, im := range copyImpls() {
		if im.available {
			list = append(list, im)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, key32 uint32, pos8, srcOff8, dstOff8 uint8) {
		if len(data) > maxFuzzLen {
			data = data[:maxFuzzLen]
		}
		var key [4]byte
		binary.LittleEndian.PutUint32(key[:], key32)
		pos, srcOff, dstOff := int(pos8%4), int(srcOff8%64), int(dstOff8%64)
		src := make([]byte, srcOff+len(data))
		copy(src[srcOff:], data)
		want := make([]byte, guard+dstOff+len(data)+guard)
		for i := range want {
			want[i] = byte(i*31 + 7)
		}
		orig := bytes.Clone(want)
		copy(want[guard+dstOff:], data)
		wantPos := refApply(key, pos, want[guard+dstOff:guard+dstOff+len(data)])
		for _, im := range list {
			got := bytes.Clone(orig)
			gotPos := im.copy(key, pos, got[guard+dstOff:guard+dstOff+len(data)], src[srcOff:])
			if gotPos != wantPos || !bytes.Equal(got, want) || !bytes.Equal(src[srcOff:], data) {
				t.Errorf("%s(%x, %d, %d bytes, offsets %d/%d) = %d (want %d):\ngot  %x\nwant %x",
					im.name, key, pos, len(data), srcOff, dstOff, gotPos, wantPos, got, want)
			}
		}
	})
}

// BenchmarkCopy measures Copy against its two-pass equivalent, copy()
// then Apply, and against copy() alone, the ceiling, at each size; the
// source starts 2 bytes past an aligned address, as a payload behind a
// short frame header in a read buffer does.
func BenchmarkCopy(b *testing.B) {
	variants := []struct {
		name string
		run  func(dst, src []byte)
	}{
		{"Copy", func(dst, src []byte) { mask.Copy(benchKey, 1, dst, src) }},
		{"copy+Apply", func(dst, src []byte) { copy(dst, src); mask.Apply(benchKey, 1, dst) }},
		{"copy", func(dst, src []byte) { copy(dst, src) }},
	}
	for _, size := range benchSizes {
		for _, v := range variants {
			b.Run(fmt.Sprintf("%s/%s", v.name, size.name), func(b *testing.B) {
				src := make([]byte, 2+size.n)[2:]
				dst := make([]byte, size.n)
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					v.run(dst, src)
				}
			})
		}
	}
}
