package protocol_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/protocol"
)

// headerCases are valid encodings; each must decode to header and encode
// back to the same bytes.
var headerCases = []struct {
	name   string
	wire   []byte
	header protocol.Header
}{
	// RFC 6455, Section 5.7.
	{"rfc unmasked Hello", []byte{0x81, 0x05}, protocol.Header{Fin: true, Opcode: protocol.OpText, Length: 5}},
	{"rfc masked Hello", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d},
		protocol.Header{Fin: true, Opcode: protocol.OpText, Masked: true, Key: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Length: 5}},
	{"rfc first fragment", []byte{0x01, 0x03}, protocol.Header{Opcode: protocol.OpText, Length: 3}},
	{"rfc last fragment", []byte{0x80, 0x02}, protocol.Header{Fin: true, Opcode: protocol.OpContinuation, Length: 2}},
	{"rfc ping", []byte{0x89, 0x05}, protocol.Header{Fin: true, Opcode: protocol.OpPing, Length: 5}},
	{"rfc 256 bytes binary", []byte{0x82, 0x7e, 0x01, 0x00}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 256}},
	{"rfc 64 KiB binary", []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 65536}},
	// Length boundaries.
	{"length 0", []byte{0x82, 0x00}, protocol.Header{Fin: true, Opcode: protocol.OpBinary}},
	{"length 125", []byte{0x82, 0x7d}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 125}},
	{"length 126", []byte{0x82, 0x7e, 0x00, 0x7e}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 126}},
	{"length 127", []byte{0x82, 0x7e, 0x00, 0x7f}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 127}},
	{"length 65535", []byte{0x82, 0x7e, 0xff, 0xff}, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 65535}},
	{"length max", []byte{0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: math.MaxInt64}},
	{"masked 64-bit", []byte{0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4},
		protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: 65536}},
	// Every bit of the first byte is carried, valid or not: the Checker
	// judges them.
	{"rsv bits", []byte{0xf1, 0x00}, protocol.Header{Fin: true, RSV: protocol.RSV1 | protocol.RSV2 | protocol.RSV3, Opcode: protocol.OpText}},
	{"reserved opcode", []byte{0x0b, 0x00}, protocol.Header{Opcode: 0xb}},
}

func TestDecodeHeader(t *testing.T) {
	for _, tc := range headerCases {
		t.Run(tc.name, func(t *testing.T) {
			got, n, err := protocol.DecodeHeader(tc.wire)
			if err != nil || n != len(tc.wire) {
				t.Fatalf("DecodeHeader(%x) = _, %d, %v, want _, %d, nil", tc.wire, n, err, len(tc.wire))
			}
			if diff := cmp.Diff(tc.header, got); diff != "" {
				t.Errorf("DecodeHeader(%x) mismatch (-want +got):\n%s", tc.wire, diff)
			}
			// Trailing payload bytes are not consumed.
			withPayload := append(bytes.Clone(tc.wire), 0xaa, 0xbb)
			if _, n, err := protocol.DecodeHeader(withPayload); err != nil || n != len(tc.wire) {
				t.Errorf("DecodeHeader(%x) = _, %d, %v, want _, %d, nil", withPayload, n, err, len(tc.wire))
			}
			// Every strict prefix needs more input.
			for i := range len(tc.wire) {
				if _, n, err := protocol.DecodeHeader(tc.wire[:i]); err != protocol.ErrNeedMore || n != 0 {
					t.Errorf("DecodeHeader(%x) = _, %d, %v, want _, 0, ErrNeedMore", tc.wire[:i], n, err)
				}
			}
		})
	}
}

// TestDecodeReusedHeader decodes every case into a Header that holds
// another frame's fields, as a read loop reuses one: each field must be
// overwritten, the key of an unmasked frame too, and an error must leave
// the zero Header.
func TestDecodeReusedHeader(t *testing.T) {
	used := protocol.Header{RSV: protocol.RSV1, Opcode: protocol.OpPing, Masked: true, Key: [4]byte{9, 9, 9, 9}, Length: 99}
	for _, tc := range headerCases {
		h := used
		n, err := h.Decode(tc.wire)
		if err != nil || n != len(tc.wire) {
			t.Fatalf("%s: Decode(%x) = %d, %v, want %d, nil", tc.name, tc.wire, n, err, len(tc.wire))
		}
		if diff := cmp.Diff(tc.header, h); diff != "" {
			t.Errorf("%s: Decode into a used Header (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, wire := range [][]byte{{0x82}, {0x82, 0x7e, 0x00, 0x7d}, {0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1}} {
		h := used
		if n, err := h.Decode(wire); err == nil || n != 0 || h != (protocol.Header{}) {
			t.Errorf("Decode(%x) = %d, %v and %+v, want 0, an error and the zero Header", wire, n, err, h)
		}
	}
}

func TestEncodeHeader(t *testing.T) {
	for _, tc := range headerCases {
		t.Run(tc.name, func(t *testing.T) {
			var buf [protocol.MaxHeaderSize]byte
			n := protocol.EncodeHeader(&buf, tc.header)
			if !bytes.Equal(buf[:n], tc.wire) {
				t.Errorf("EncodeHeader(%+v) = %x, want %x", tc.header, buf[:n], tc.wire)
			}
			if size := tc.header.HeaderSize(); size != n {
				t.Errorf("HeaderSize() = %d, want %d", size, n)
			}
			if got := protocol.AppendHeader([]byte{0xee}, tc.header); !bytes.Equal(got[1:], tc.wire) || got[0] != 0xee {
				t.Errorf("AppendHeader(ee, %+v) = %x, want ee%x", tc.header, got, tc.wire)
			}
			h := tc.header
			buf = [protocol.MaxHeaderSize]byte{}
			if n := h.Encode(&buf); !bytes.Equal(buf[:n], tc.wire) {
				t.Errorf("(%+v).Encode = %x, want %x", tc.header, buf[:n], tc.wire)
			}
		})
	}
}

func TestEncodeHeaderPanics(t *testing.T) {
	for _, h := range []protocol.Header{{Length: -1}, {Opcode: 0x10}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("EncodeHeader(%+v) did not panic", h)
				}
			}()
			var buf [protocol.MaxHeaderSize]byte
			protocol.EncodeHeader(&buf, h)
		}()
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("(%+v).Encode did not panic", h)
				}
			}()
			var buf [protocol.MaxHeaderSize]byte
			h.Encode(&buf)
		}()
	}
}

func TestDecodeHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want error
	}{
		{"16-bit length 0", []byte{0x82, 0x7e, 0x00, 0x00}, protocol.ErrNonMinimalLength},
		{"16-bit length 125", []byte{0x82, 0x7e, 0x00, 0x7d}, protocol.ErrNonMinimalLength},
		{"64-bit length 125", []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x7d}, protocol.ErrNonMinimalLength},
		{"64-bit length 65535", []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, protocol.ErrNonMinimalLength},
		{"64-bit top bit", []byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0}, protocol.ErrLengthOverflow},
		{"64-bit all ones", []byte{0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, protocol.ErrLengthOverflow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := protocol.DecodeHeader(tc.wire)
			if !errors.Is(err, tc.want) {
				t.Fatalf("DecodeHeader(%x) error = %v, want %v", tc.wire, err, tc.want)
			}
			if code, ok := protocol.CloseCodeOf(err); !ok || code != protocol.CloseProtocolError {
				t.Errorf("CloseCodeOf(%v) = %v, %v, want 1002, true", err, code, ok)
			}
		})
	}
}

func TestReadHeader(t *testing.T) {
	var stream []byte
	for _, tc := range headerCases {
		stream = append(stream, tc.wire...)
	}
	// One byte per Read forces ReadHeader to wait for the rest of each header.
	r := bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(stream)), 16)
	for _, tc := range headerCases {
		got, err := protocol.ReadHeader(r)
		if err != nil {
			t.Fatalf("ReadHeader for %s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.header, got); diff != "" {
			t.Errorf("ReadHeader for %s mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
	if _, err := protocol.ReadHeader(r); err != io.EOF {
		t.Errorf("ReadHeader at end = %v, want io.EOF", err)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want error
	}{
		{"empty", nil, io.EOF},
		{"one byte", []byte{0x81}, io.ErrUnexpectedEOF},
		{"cut in 16-bit length", []byte{0x82, 0x7e, 0x01}, io.ErrUnexpectedEOF},
		{"cut in masking key", []byte{0x82, 0x81, 1, 2}, io.ErrUnexpectedEOF},
		{"non-minimal", []byte{0x82, 0x7e, 0x00, 0x01}, protocol.ErrNonMinimalLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := protocol.ReadHeader(bufio.NewReader(bytes.NewReader(tc.wire)))
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadHeader(%x) error = %v, want %v", tc.wire, err, tc.want)
			}
		})
	}
}

func TestHeaderZeroAllocs(t *testing.T) {
	wire := []byte{0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}
	r := bytes.NewReader(nil)
	br := bufio.NewReader(r)
	allocs := testing.AllocsPerRun(100, func() {
		h, _, _ := protocol.DecodeHeader(wire)
		var buf [protocol.MaxHeaderSize]byte
		protocol.EncodeHeader(&buf, h)
		if _, err := h.Decode(wire); err != nil {
			t.Fatal(err)
		}
		r.Reset(wire)
		br.Reset(r)
		if _, err := protocol.ReadHeader(br); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("DecodeHeader+EncodeHeader+Decode+ReadHeader: %v allocs, want 0", allocs)
	}
}
