package protocol_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/protocol"
)

// FuzzDecodeHeader checks that DecodeHeader never panics, that what it
// accepts encodes back to exactly the bytes it consumed, and that what it
// rejects is ErrNeedMore or a documented violation with close code 1002.
func FuzzDecodeHeader(f *testing.F) {
	for _, tc := range headerCases {
		f.Add(tc.wire)
	}
	f.Add([]byte{0x82, 0x7e, 0x00, 0x01})
	f.Add([]byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := protocol.DecodeHeader(b)
		used := protocol.Header{RSV: protocol.RSV1, Masked: true, Key: [4]byte{9, 9, 9, 9}, Length: 99}
		if m, uerr := used.Decode(b); used != h || m != n || uerr != err {
			t.Fatalf("Decode(%x) into a used Header = %+v, %d, %v; DecodeHeader = %+v, %d, %v", b, used, m, uerr, h, n, err)
		}
		switch {
		case err == protocol.ErrNeedMore:
			if n != 0 || len(b) >= protocol.MaxHeaderSize {
				t.Fatalf("DecodeHeader(%x) = _, %d, ErrNeedMore with a full header's bytes", b, n)
			}
			return
		case errors.Is(err, protocol.ErrNonMinimalLength), errors.Is(err, protocol.ErrLengthOverflow):
			return
		case err != nil:
			t.Fatalf("DecodeHeader(%x): undocumented error %v", b, err)
		}
		var buf [protocol.MaxHeaderSize]byte
		m := protocol.EncodeHeader(&buf, h)
		if !bytes.Equal(buf[:m], b[:n]) {
			t.Fatalf("EncodeHeader(DecodeHeader(%x)) = %x, want %x", b, buf[:m], b[:n])
		}
		if h.HeaderSize() != n {
			t.Fatalf("HeaderSize() = %d, want %d", h.HeaderSize(), n)
		}
	})
}

// FuzzClosePayload checks that DecodeClosePayload never panics, that
// accepted payloads encode back to the same bytes, and that rejected ones
// carry the documented close codes.
func FuzzClosePayload(f *testing.F) {
	for _, p := range [][]byte{nil, {0x03}, {0x03, 0xe8}, []byte("\x03\xe8bye"), []byte("\x0f\xa0κόσμε"),
		{0x03, 0xed}, {0x13, 0x88}, []byte("\x03\xe8\xff"), bytes.Repeat([]byte{'a'}, 126)} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		code, reason, err := protocol.DecodeClosePayload(p)
		if err != nil {
			want := protocol.CloseProtocolError
			if errors.Is(err, protocol.ErrInvalidCloseReason) {
				want = protocol.CloseInvalidPayload
			}
			if got, ok := protocol.CloseCodeOf(err); !ok || got != want {
				t.Fatalf("DecodeClosePayload(%x) error %v has close code %d, want %d", p, err, got, want)
			}
			return
		}
		if !utf8.ValidString(reason) {
			t.Fatalf("DecodeClosePayload(%x) accepted invalid UTF-8 %q", p, reason)
		}
		got, err := protocol.AppendClosePayload(nil, code, reason)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("AppendClosePayload(%d, %q) = %x, %v, want %x", code, reason, got, err, p)
		}
	})
}

// FuzzChecker feeds the Checker a stream of decoded headers and checks it
// never panics and only returns documented 1002 violations.
func FuzzChecker(f *testing.F) {
	f.Add([]byte{0x01, 0x81, 1, 2, 3, 4, 0x89, 0x80, 1, 2, 3, 4, 0x80, 0x80, 1, 2, 3, 4}, byte(0), false)
	f.Add([]byte{0xc1, 0x00, 0xc0, 0x00}, protocol.RSV1, true)
	f.Fuzz(func(t *testing.T, stream []byte, allowedRSV byte, client bool) {
		c := protocol.Checker{AllowedRSV: allowedRSV & (protocol.RSV1 | protocol.RSV2 | protocol.RSV3)}
		if client {
			c.Role = protocol.RoleClient
		}
		for len(stream) > 0 {
			h, n, err := protocol.DecodeHeader(stream)
			if err != nil {
				return
			}
			stream = stream[n:]
			if err := c.Check(&h); err != nil {
				if code, ok := protocol.CloseCodeOf(err); !ok || code != protocol.CloseProtocolError {
					t.Fatalf("Check(%+v) = %v without close code 1002", h, err)
				}
				return
			}
			if h.Opcode.IsReserved() || (h.Opcode.IsControl() && (!h.Fin || h.Length > protocol.MaxControlPayload)) {
				t.Fatalf("Check accepted %+v", h)
			}
		}
	})
}
