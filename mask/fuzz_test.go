package mask_test

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// maxFuzzLen caps the payload a fuzz input may use, to keep each run fast.
const maxFuzzLen = 4 << 10 // bytes: past every threshold and loop unrolling

// FuzzMask checks every implementation, and Apply split in two chunks at
// an arbitrary point, against the byte-at-a-time reference for arbitrary
// payloads, keys, key positions and slice offsets, with guard bytes around
// the slice.
func FuzzMask(f *testing.F) {
	f.Add([]byte("Hello"), uint32(0x3d21fa37), uint8(0), uint8(0), uint16(0))
	f.Add([]byte{0x03, 0xe8}, uint32(0x12345678), uint8(1), uint8(3), uint16(1))
	f.Add(bytes.Repeat([]byte{0xaa}, 300), uint32(0xffffffff), uint8(2), uint8(7), uint16(129))
	f.Add(bytes.Repeat([]byte("0123456789abcdef"), 64), uint32(0x80402010), uint8(3), uint8(5), uint16(513))
	f.Add([]byte{}, uint32(0), uint8(3), uint8(1), uint16(0))

	list := availableImpls()
	f.Fuzz(func(t *testing.T, data []byte, key32 uint32, pos8, off8 uint8, split16 uint16) {
		if len(data) > maxFuzzLen {
			data = data[:maxFuzzLen]
		}
		var key [4]byte
		binary.LittleEndian.PutUint32(key[:], key32)
		pos := int(pos8 % 4)
		off := int(off8 % 64)
		split := int(split16) % (len(data) + 1)

		want := make([]byte, guard+off+len(data)+guard)
		for i := range want {
			want[i] = byte(i*31 + 7)
		}
		copy(want[guard+off:], data)
		orig := bytes.Clone(want)
		wantPos := refApply(key, pos, want[guard+off:guard+off+len(data)])

		check := func(name string, got []byte, gotPos int) {
			t.Helper()
			if gotPos != wantPos {
				t.Errorf("%s(%x, %d, [%d bytes at offset %d]) = %d, want %d", name, key, pos, len(data), off, gotPos, wantPos)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s(%x, %d, [%d bytes at offset %d]):\ngot  %x\nwant %x", name, key, pos, len(data), off, got, want)
			}
		}
		for _, im := range list {
			got := bytes.Clone(orig)
			check(im.name, got, im.apply(key, pos, got[guard+off:guard+off+len(data)]))

			got = bytes.Clone(orig)
			p := im.apply(key, pos, got[guard+off:guard+off+split])
			check(im.name+" in two chunks", got, im.apply(key, p, got[guard+off+split:guard+off+len(data)]))
		}
	})
}
