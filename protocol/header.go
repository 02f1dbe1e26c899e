package protocol

import (
	"bufio"
	"encoding/binary"
	"math"
)

// Frame header sizes and limits, in bytes (RFC 6455, Section 5.2 and 5.5).
const (
	MinHeaderSize     = 2   // FIN/RSV/opcode byte and MASK/length byte
	MaxHeaderSize     = 14  // 2 + 8-byte extended length + 4-byte masking key
	MaxControlPayload = 125 // payload limit of close, ping and pong frames
)

// Reserved bits of the first header byte, as they sit on the wire. An
// extension may give them meaning; permessage-deflate (RFC 7692) uses RSV1
// to mark a compressed message.
const (
	RSV1 byte = 0x40
	RSV2 byte = 0x20
	RSV3 byte = 0x10
)

// Header is a decoded frame header (RFC 6455, Section 5.2).
type Header struct {
	Fin    bool    // final fragment of a message
	RSV    byte    // RSV1|RSV2|RSV3 bits as on the wire; 0 without extensions
	Opcode Opcode  // frame type
	Masked bool    // payload is masked with Key (client-to-server frames)
	Key    [4]byte // masking key, meaningful only when Masked
	Length int64   // payload length in bytes, 0 to 1<<63-1
}

// HeaderSize returns the encoded size of h in bytes: 2 to 14.
func (h Header) HeaderSize() int {
	n := MinHeaderSize
	switch {
	case h.Length > math.MaxUint16:
		n += 8
	case h.Length > 125:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// DecodeHeader decodes the frame header at the start of b and returns it
// with the number of bytes it took. When b holds only part of a header it
// returns [ErrNeedMore]; the caller reads more and decodes again.
//
// Lengths must use the minimal encoding, as RFC 6455, Section 5.2 requires
// ("the minimal number of bytes MUST be used"): a 16-bit length under 126
// or a 64-bit length under 65536 is [ErrNonMinimalLength], and a 64-bit
// length with the most significant bit set is [ErrLengthOverflow]. Rules
// that depend on the connection (opcodes, RSV bits, masking, fragmentation)
// are checked by [Checker].
func DecodeHeader(b []byte) (h Header, n int, err error) {
	n, err = h.Decode(b)
	return h, n, err
}

// Decode is [DecodeHeader] decoding into h, for a loop that decodes a
// header per frame into a Header it keeps. It is the faster of the two
// there: a returned Header goes through memory and is copied whole right
// after its fields were stored one by one, and the CPU stalls on a wide
// load of narrower stores still pending. On error h is the zero Header
// and n is 0.
func (h *Header) Decode(b []byte) (n int, err error) {
	n, err = h.decode(b)
	if err != nil {
		*h, n = Header{}, 0
	}
	return n, err
}

// decode is Decode, leaving h partly written on error.
func (h *Header) decode(b []byte) (n int, err error) {
	if len(b) < MinHeaderSize {
		return 0, ErrNeedMore
	}
	b0, b1 := b[0], b[1]
	h.Fin = b0&0x80 != 0
	h.RSV = b0 & (RSV1 | RSV2 | RSV3)
	h.Opcode = Opcode(b0 & 0x0f)
	h.Masked = b1&0x80 != 0
	n = MinHeaderSize
	switch length := b1 & 0x7f; length {
	case 126:
		if len(b) < 4 {
			return 0, ErrNeedMore
		}
		v := binary.BigEndian.Uint16(b[2:4])
		if v < 126 {
			return 0, ErrNonMinimalLength
		}
		h.Length = int64(v)
		n = 4
	case 127:
		if len(b) < 10 {
			return 0, ErrNeedMore
		}
		v := binary.BigEndian.Uint64(b[2:10])
		if v > math.MaxInt64 {
			return 0, ErrLengthOverflow
		}
		if v <= math.MaxUint16 {
			return 0, ErrNonMinimalLength
		}
		h.Length = int64(v)
		n = 10
	default:
		h.Length = int64(length)
	}
	h.Key = [4]byte{}
	if h.Masked {
		if len(b) < n+4 {
			return 0, ErrNeedMore
		}
		h.Key = [4]byte(b[n : n+4])
		n += 4
	}
	return n, nil
}

// ReadHeader reads and decodes one frame header from r. It peeks at r's
// buffer, so it does not allocate. A stream that ends inside a header
// returns io.ErrUnexpectedEOF; one that ends before it returns io.EOF.
func ReadHeader(r *bufio.Reader) (Header, error) {
	b, err := r.Peek(MinHeaderSize)
	if err != nil {
		return Header{}, eofErr(err, len(b))
	}
	size := headerSizeFromPrefix(b[0], b[1])
	if size > MinHeaderSize {
		if b, err = r.Peek(size); err != nil {
			return Header{}, eofErr(err, len(b))
		}
	}
	h, n, err := DecodeHeader(b)
	if err != nil {
		return Header{}, err
	}
	_, _ = r.Discard(n) // cannot fail: n bytes were peeked
	return h, nil
}

// headerSizeFromPrefix returns the full header size implied by its first
// two bytes.
func headerSizeFromPrefix(b0, b1 byte) int {
	n := MinHeaderSize
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// EncodeHeader writes h into dst and returns the number of bytes used.
// It encodes h.Length minimally and writes Key only when h.Masked. It
// panics if h.Length is negative or h.Opcode does not fit in 4 bits.
func EncodeHeader(dst *[MaxHeaderSize]byte, h Header) int {
	return h.Encode(dst)
}

// Encode is [EncodeHeader] reading h through a pointer, for a caller that
// has just set h's fields one by one: passing such a Header by value
// copies it whole, and the CPU stalls on that wide load of narrower
// stores still pending, as [Header.Decode] explains.
func (h *Header) Encode(dst *[MaxHeaderSize]byte) int {
	if h.Length < 0 || h.Opcode > 0xf {
		panic("protocol: cannot encode a header with a negative length or an opcode over 15")
	}
	b0 := h.RSV&(RSV1|RSV2|RSV3) | byte(h.Opcode)
	if h.Fin {
		b0 |= 0x80
	}
	var maskBit byte
	if h.Masked {
		maskBit = 0x80
	}
	dst[0] = b0
	n := MinHeaderSize
	switch {
	case h.Length > math.MaxUint16:
		dst[1] = maskBit | 127
		binary.BigEndian.PutUint64(dst[2:10], uint64(h.Length))
		n = 10
	case h.Length > 125:
		dst[1] = maskBit | 126
		binary.BigEndian.PutUint16(dst[2:4], uint16(h.Length))
		n = 4
	default:
		dst[1] = maskBit | byte(h.Length)
	}
	if h.Masked {
		copy(dst[n:n+4], h.Key[:])
		n += 4
	}
	return n
}

// AppendHeader appends the encoding of h to dst and returns the extended
// slice. It panics as [EncodeHeader] does.
func AppendHeader(dst []byte, h Header) []byte {
	var buf [MaxHeaderSize]byte
	n := EncodeHeader(&buf, h)
	return append(dst, buf[:n]...)
}
