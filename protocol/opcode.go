package protocol

import "strconv"

// Opcode is the 4-bit frame type of RFC 6455, Section 5.2.
type Opcode uint8

// Opcodes defined by RFC 6455, Section 5.2 and 11.8. Values 0x3-0x7 are
// reserved for future data frames and 0xB-0xF for future control frames.
const (
	OpContinuation Opcode = 0x0 // continues a fragmented message
	OpText         Opcode = 0x1 // first frame of a UTF-8 text message
	OpBinary       Opcode = 0x2 // first frame of a binary message
	OpClose        Opcode = 0x8 // close handshake (control)
	OpPing         Opcode = 0x9 // ping (control)
	OpPong         Opcode = 0xA // pong (control)
)

// IsControl reports whether op is a control opcode (0x8-0xF), reserved or
// not. Control frames may interleave with the frames of a fragmented
// message and must not themselves be fragmented.
func (op Opcode) IsControl() bool { return op&0x8 != 0 }

// IsReserved reports whether op is one of the opcodes RFC 6455 leaves
// undefined (0x3-0x7 and 0xB-0xF). Receiving one fails the connection
// with [CloseProtocolError].
func (op Opcode) IsReserved() bool {
	switch op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return false
	}
	return true
}

// String returns the opcode's name, or "reserved(0xN)".
func (op Opcode) String() string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "reserved(0x" + strconv.FormatUint(uint64(op), 16) + ")"
}
