package autobahn

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHeaderRoundTrip(t *testing.T) {
	lengths := []uint64{0, 1, 125, 126, 127, 65535, 65536, 65537, 1<<32 + 5, 1<<63 - 1}
	for _, l := range lengths {
		for _, masked := range []bool{false, true} {
			h := Header{Fin: l%2 == 0, Rsv: byte(l % 8), Opcode: byte(l % 16), Masked: masked, Key: [4]byte{1, 2, 3, 4}, Length: l}
			if !masked {
				h.Key = [4]byte{}
			}
			b := AppendHeader(nil, h)
			got, n, err := ParseHeader(b)
			if err != nil || n != len(b) {
				t.Fatalf("ParseHeader(%x) = %v, %d, %v; want %d bytes", b, got, n, err, len(b))
			}
			if diff := cmp.Diff(h, got); diff != "" {
				t.Errorf("length %d masked %v (-want +got):\n%s", l, masked, diff)
			}
			for i := range b {
				if _, _, err := ParseHeader(b[:i]); !errors.Is(err, ErrShortFrame) {
					t.Errorf("ParseHeader(%x) prefix %d: err = %v, want ErrShortFrame", b, i, err)
				}
			}
		}
	}
}

func TestHeaderSizes(t *testing.T) {
	tests := []struct {
		length uint64
		masked bool
		want   int
	}{
		{0, false, 2}, {125, false, 2}, {126, false, 4}, {65535, false, 4},
		{65536, false, 10}, {125, true, 6}, {126, true, 8}, {65536, true, 14},
	}
	for _, tc := range tests {
		if got := len(AppendHeader(nil, Header{Length: tc.length, Masked: tc.masked})); got != tc.want {
			t.Errorf("AppendHeader(length %d, masked %v) = %d bytes, want %d", tc.length, tc.masked, got, tc.want)
		}
	}
}

func TestParseHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"16-bit length 125", []byte{0x81, 126, 0, 125}, ErrNonMinimalLength},
		{"16-bit length 0", []byte{0x81, 126, 0, 0}, ErrNonMinimalLength},
		{"64-bit length 65535", []byte{0x82, 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, ErrNonMinimalLength},
		{"64-bit top bit", []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, ErrLengthTopBit},
		{"empty", nil, ErrShortFrame},
		{"masked without key", []byte{0x81, 0x85, 1, 2}, ErrShortFrame},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := ParseHeader(tc.in); !errors.Is(err, tc.want) {
				t.Errorf("ParseHeader(%x) err = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

// TestRFCExamples decodes the frames of RFC 6455, Section 5.7.
func TestRFCExamples(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Frame
	}{
		{"unmasked Hello", []byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, Frame{Fin: true, Opcode: OpText, Payload: []byte("Hello")}},
		{"masked Hello", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, Frame{Fin: true, Opcode: OpText, Masked: true, Payload: []byte("Hello")}},
		{"first fragment Hel", []byte{0x01, 0x03, 0x48, 0x65, 0x6c}, Frame{Opcode: OpText, Payload: []byte("Hel")}},
		{"ping Hello", []byte{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, Frame{Fin: true, Opcode: OpPing, Payload: []byte("Hello")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadFrame(bufio.NewReader(bytes.NewReader(tc.in)), 1<<20)
			if err != nil {
				t.Fatalf("ReadFrame(%x): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ReadFrame(%x) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestReadFrame(t *testing.T) {
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	for _, l := range []int{0, 125, 126, 65535, 65536, 3 << 20} {
		f := Frame{Fin: true, Opcode: OpBinary, Masked: true, Payload: pat5(l)}
		wire := AppendFrame(nil, f, key)
		got, err := ReadFrame(bufio.NewReader(bytes.NewReader(wire)), 4<<20)
		if err != nil {
			t.Fatalf("ReadFrame(length %d): %v", l, err)
		}
		if !bytes.Equal(got.Payload, f.Payload) {
			t.Errorf("ReadFrame(length %d): payload differs", l)
		}
	}
	wire := AppendFrame(nil, Frame{Fin: true, Opcode: OpText, Payload: rep('a', 200)}, key)
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(wire)), 100); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("ReadFrame over limit: err = %v, want ErrFrameTooLarge", err)
	}
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(wire[:50])), 1000); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("ReadFrame truncated: err = %v, want io.ErrUnexpectedEOF", err)
	}
	if _, err := ReadFrame(bufio.NewReader(strings.NewReader("")), 1000); !errors.Is(err, io.EOF) {
		t.Errorf("ReadFrame empty: err = %v, want io.EOF", err)
	}
	// A huge announced length allocates only what arrives.
	huge := AppendHeader(nil, Header{Fin: true, Opcode: OpBinary, Length: 60 << 20})
	huge = append(huge, "short"...)
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(huge)), 64<<20); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("ReadFrame huge truncated: err = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestMaskBytes(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for n := 0; n <= 300; n++ {
		for pos := range 4 {
			b := pat5(n)
			want := append([]byte(nil), b...)
			p := pos
			for i := range want {
				want[i] ^= key[p]
				p = (p + 1) & 3
			}
			gotPos := maskBytes(key, pos, b)
			if !bytes.Equal(b, want) || gotPos != p {
				t.Fatalf("maskBytes(len %d, pos %d) = %x, %d; want %x, %d", n, pos, b, gotPos, want, p)
			}
		}
	}
}

func TestOpcodeClasses(t *testing.T) {
	for op := range byte(16) {
		wantReserved := (op >= 3 && op <= 7) || op >= 11
		if got := isReserved(op); got != wantReserved {
			t.Errorf("isReserved(%d) = %v, want %v", op, got, wantReserved)
		}
		if got := isControl(op); got != (op >= 8) {
			t.Errorf("isControl(%d) = %v, want %v", op, got, op >= 8)
		}
	}
}
