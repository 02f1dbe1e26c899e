package autobahn

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// Opcodes of RFC 6455, Section 5.2. Values 3-7 and 11-15 are reserved; the
// fuzzer sends them on purpose in section 4.
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// Frame header limits.
const (
	// MaxHeaderSize is the longest frame header: 2 bytes, an 8-byte
	// length and a 4-byte masking key.
	MaxHeaderSize = 14 // bytes

	// MaxControlPayload is the longest payload a control frame may carry
	// (RFC 6455, Section 5.5).
	MaxControlPayload = 125 // bytes
)

// Header is a decoded frame header. Rsv holds the three RSV bits with RSV1
// as the most significant (value 4), as the catalogue's "rsv=n" does.
type Header struct {
	Fin    bool
	Rsv    byte
	Opcode byte
	Masked bool
	Key    [4]byte
	Length uint64
}

// Frame is a frame with its payload already unmasked.
type Frame struct {
	Fin     bool
	Rsv     byte
	Opcode  byte
	Masked  bool
	Payload []byte
}

// isControl reports whether op is a control opcode (8-15).
func isControl(op byte) bool { return op&0x8 != 0 }

// isReserved reports whether op is one of the reserved opcodes 3-7, 11-15.
func isReserved(op byte) bool {
	return (op >= 3 && op <= 7) || op >= 11
}

// ParseHeader decodes the frame header at the start of b. It returns the
// header and the number of bytes it occupies, [ErrShortFrame] when b is too
// short, [ErrNonMinimalLength] or [ErrLengthTopBit] for a length the RFC
// forbids. The opcode and RSV bits are returned as found; judging them is
// the caller's business.
func ParseHeader(b []byte) (Header, int, error) {
	var h Header
	if len(b) < 2 {
		return h, 0, ErrShortFrame
	}
	h.Fin = b[0]&0x80 != 0
	h.Rsv = (b[0] >> 4) & 0x7
	h.Opcode = b[0] & 0xF
	h.Masked = b[1]&0x80 != 0
	n := 2
	switch l := b[1] & 0x7F; l {
	case 126:
		if len(b) < 4 {
			return h, 0, ErrShortFrame
		}
		h.Length = uint64(binary.BigEndian.Uint16(b[2:]))
		n = 4
		if h.Length < 126 {
			return h, 0, ErrNonMinimalLength
		}
	case 127:
		if len(b) < 10 {
			return h, 0, ErrShortFrame
		}
		h.Length = binary.BigEndian.Uint64(b[2:])
		n = 10
		if h.Length>>63 != 0 {
			return h, 0, ErrLengthTopBit
		}
		if h.Length < 65536 {
			return h, 0, ErrNonMinimalLength
		}
	default:
		h.Length = uint64(l)
	}
	if h.Masked {
		if len(b) < n+4 {
			return h, 0, ErrShortFrame
		}
		copy(h.Key[:], b[n:n+4])
		n += 4
	}
	return h, n, nil
}

// AppendHeader appends the encoding of h to dst with the minimal length
// encoding and returns the extended slice.
func AppendHeader(dst []byte, h Header) []byte {
	b0 := h.Rsv&0x7<<4 | h.Opcode&0xF
	if h.Fin {
		b0 |= 0x80
	}
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	switch {
	case h.Length <= 125:
		dst = append(dst, b0, b1|byte(h.Length))
	case h.Length <= 0xFFFF:
		dst = append(dst, b0, b1|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(h.Length))
	default:
		dst = append(dst, b0, b1|127)
		dst = binary.BigEndian.AppendUint64(dst, h.Length)
	}
	if h.Masked {
		dst = append(dst, h.Key[:]...)
	}
	return dst
}

// AppendFrame appends a complete frame to dst: the header for f with the
// payload length filled in, then the payload, masked with key when
// f.Masked is set. It returns the extended slice.
func AppendFrame(dst []byte, f Frame, key [4]byte) []byte {
	dst = AppendHeader(dst, Header{Fin: f.Fin, Rsv: f.Rsv, Opcode: f.Opcode,
		Masked: f.Masked, Key: key, Length: uint64(len(f.Payload))})
	start := len(dst)
	dst = append(dst, f.Payload...)
	if f.Masked {
		maskBytes(key, 0, dst[start:])
	}
	return dst
}

// ReadFrame reads one frame from r and unmasks its payload. A payload
// longer than limit bytes returns [ErrFrameTooLarge] before anything is
// allocated for it; the payload buffer grows as bytes arrive, so a peer
// announcing a huge length costs only what it sends. Header errors are
// those of [ParseHeader]; a stream ending inside a frame returns
// io.ErrUnexpectedEOF and a stream ending between frames io.EOF.
func ReadFrame(r *bufio.Reader, limit int64) (Frame, error) {
	var f Frame
	head, err := r.Peek(2)
	if err != nil {
		if err == io.EOF && len(head) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return f, err
	}
	need := 2
	switch head[1] & 0x7F {
	case 126:
		need += 2
	case 127:
		need += 8
	}
	if head[1]&0x80 != 0 {
		need += 4
	}
	buf, err := r.Peek(need)
	if err != nil {
		return f, unexpected(err)
	}
	h, n, err := ParseHeader(buf)
	if err != nil {
		return f, err
	}
	if _, err := r.Discard(n); err != nil {
		return f, unexpected(err)
	}
	if h.Length > uint64(limit) {
		return f, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, h.Length)
	}
	f = Frame{Fin: h.Fin, Rsv: h.Rsv, Opcode: h.Opcode, Masked: h.Masked}
	f.Payload, err = readPayload(r, int(h.Length))
	if err != nil {
		return f, unexpected(err)
	}
	if h.Masked {
		maskBytes(h.Key, 0, f.Payload)
	}
	return f, nil
}

// payloadChunk is how much readPayload allocates ahead of the bytes that
// have arrived.
const payloadChunk = 1 << 20 // bytes

// readPayload reads exactly n bytes, growing its buffer chunk by chunk.
func readPayload(r io.Reader, n int) ([]byte, error) {
	if n <= payloadChunk {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	b := make([]byte, 0, payloadChunk)
	for len(b) < n {
		step := min(n-len(b), payloadChunk)
		if cap(b)-len(b) < step {
			nb := make([]byte, len(b), min(n, 2*cap(b)+step))
			copy(nb, b)
			b = nb
		}
		m, err := io.ReadFull(r, b[len(b):len(b)+step])
		b = b[:len(b)+m]
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// unexpected turns io.EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
