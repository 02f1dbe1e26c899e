package rawws

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Opcodes (RFC 6455, Section 5.2).
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// MaxHeaderSize is the largest frame header, in bytes.
const MaxHeaderSize = 14

// rsv1Bit is RSV1 in a frame's first byte: "per-message compressed"
// under permessage-deflate (RFC 7692, Section 6).
const rsv1Bit = 0x40

// Errors returned by ReadMessage.
var (
	// ErrClosed is returned by ReadMessage when the server sent a close
	// frame.
	ErrClosed = errors.New("rawws: close frame received")
	// ErrTooLarge is returned by ReadMessage when a message is longer
	// than the limit given to it.
	ErrTooLarge = errors.New("rawws: message too large")
	// ErrProtocol is returned by ReadMessage for a frame that breaks the
	// framing rules: a reserved opcode, a continuation out of place, a
	// fragmented or oversized control frame, a non-minimal or 64-bit
	// length with its top bit set.
	ErrProtocol = errors.New("rawws: protocol error")
)

// AppendFrame appends a final frame with opcode op and payload p to dst,
// masked with key when masked is true (as a client must send it).
func AppendFrame(dst []byte, op byte, p []byte, masked bool, key [4]byte) []byte {
	return appendFrame(dst, op, false, p, masked, key)
}

// appendFrame is AppendFrame with RSV1 set when rsv1 is true.
func appendFrame(dst []byte, op byte, rsv1 bool, p []byte, masked bool, key [4]byte) []byte {
	b1 := byte(0)
	if masked {
		b1 = 0x80
	}
	b0 := 0x80 | op
	if rsv1 {
		b0 |= rsv1Bit
	}
	dst = append(dst, b0)
	switch n := len(p); {
	case n < 126:
		dst = append(dst, b1|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b1|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b1|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if !masked {
		return append(dst, p...)
	}
	dst = append(dst, key[:]...)
	start := len(dst)
	dst = append(dst, p...)
	for i := range p {
		dst[start+i] ^= key[i&3]
	}
	return dst
}

// Header is a decoded frame header.
type Header struct {
	Fin    bool
	RSV    byte // the three reserved bits, 0 to 7
	Op     byte
	Masked bool
	Key    [4]byte
	Length int64
}

// ReadHeader reads one frame header from br.
func ReadHeader(br *bufio.Reader) (Header, error) {
	var h Header
	b, err := br.Peek(2)
	if err != nil {
		return h, err
	}
	h.Fin = b[0]&0x80 != 0
	h.RSV = b[0] >> 4 & 7
	h.Op = b[0] & 0x0F
	h.Masked = b[1]&0x80 != 0
	n := 2
	switch l := b[1] & 0x7F; l {
	case 126:
		n += 2
	case 127:
		n += 8
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		n += 4
	}
	if b, err = br.Peek(n); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, err
	}
	switch b[1] & 0x7F {
	case 126:
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		if h.Length < 126 {
			return h, fmt.Errorf("%w: non-minimal length", ErrProtocol)
		}
	case 127:
		u := binary.BigEndian.Uint64(b[2:])
		if u>>63 != 0 || u <= 0xFFFF {
			return h, fmt.Errorf("%w: bad 64-bit length", ErrProtocol)
		}
		h.Length = int64(u)
	}
	if h.Masked {
		copy(h.Key[:], b[n-4:n])
	}
	_, _ = br.Discard(n)
	return h, nil
}

// ReadMessage reads the next data message from br into dst's storage and
// returns its opcode (OpText or OpBinary) and payload, reassembling
// fragments and unmasking masked frames. Pings and pongs are skipped; a
// close frame ends with ErrClosed. A message longer than limit bytes
// fails with ErrTooLarge before its payload is read.
func ReadMessage(br *bufio.Reader, dst []byte, limit int64) (op byte, msg []byte, err error) {
	op, _, msg, err = readMessage(br, dst, limit, false)
	return op, msg, err
}

// ReadMessageRSV1 is ReadMessage on a connection with permessage-deflate:
// RSV1 is allowed on a message's first frame, and compressed reports it
// (the payload is then still compressed; see Inflater). RSV1 elsewhere,
// RSV2 and RSV3 are protocol errors. limit bounds the payload as sent.
func ReadMessageRSV1(br *bufio.Reader, dst []byte, limit int64) (op byte, compressed bool, msg []byte, err error) {
	return readMessage(br, dst, limit, true)
}

func readMessage(br *bufio.Reader, dst []byte, limit int64, allowRSV1 bool) (op byte, compressed bool, msg []byte, err error) {
	msg = dst[:0]
	for {
		h, err := ReadHeader(br)
		if err != nil {
			return 0, false, msg, err
		}
		rsv1OK := allowRSV1 && op == 0 && (h.Op == OpText || h.Op == OpBinary)
		switch {
		case h.RSV == rsv1Bit>>4 && rsv1OK:
			compressed = true
		case h.RSV != 0:
			return 0, false, msg, fmt.Errorf("%w: reserved bits %d", ErrProtocol, h.RSV)
		}
		switch {
		case h.Op >= OpClose:
			if !h.Fin || h.Length > 125 || h.Op > OpPong {
				return 0, false, msg, fmt.Errorf("%w: control frame opcode %#x", ErrProtocol, h.Op)
			}
			if _, err := br.Discard(int(h.Length)); err != nil {
				return 0, false, msg, err
			}
			if h.Op == OpClose {
				return 0, false, msg, ErrClosed
			}
			continue
		case h.Op == OpContinuation:
			if op == 0 {
				return 0, false, msg, fmt.Errorf("%w: continuation without a message", ErrProtocol)
			}
		case h.Op == OpText || h.Op == OpBinary:
			if op != 0 {
				return 0, false, msg, fmt.Errorf("%w: new message inside a fragmented one", ErrProtocol)
			}
			op = h.Op
		default:
			return 0, false, msg, fmt.Errorf("%w: reserved opcode %#x", ErrProtocol, h.Op)
		}
		if h.Length > limit-int64(len(msg)) {
			return 0, false, msg, ErrTooLarge
		}
		start := len(msg)
		msg = grow(msg, int(h.Length))
		if _, err := io.ReadFull(br, msg[start:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, false, msg[:start], err
		}
		if h.Masked {
			p := msg[start:]
			for i := range p {
				p[i] ^= h.Key[i&3]
			}
		}
		if h.Fin {
			return op, compressed, msg, nil
		}
	}
}

// grow extends b by n bytes, reusing its storage when it can.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, max(2*cap(b), len(b)+n))
	copy(nb, b)
	return nb
}
