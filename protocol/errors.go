package protocol

import (
	"errors"
	"io"
)

// Error is a violation of RFC 6455 by the peer. Code is the close code the
// connection must be failed with (RFC 6455, Section 7.4.1) and Reason a
// short text that fits a close frame.
type Error struct {
	Code   CloseCode
	Reason string
}

func (e *Error) Error() string { return "protocol: " + e.Reason }

// CloseCodeOf returns the close code carried by the first [*Error] in
// err's chain, and whether there was one.
func CloseCodeOf(err error) (CloseCode, bool) {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code, true
	}
	return 0, false
}

// ErrNeedMore is returned by [DecodeHeader] when its input holds only
// the beginning of a frame header. It is not a protocol violation.
var ErrNeedMore = errors.New("protocol: need more input")

// Violations of the frame format, returned by [DecodeHeader] and
// [ReadHeader]; all fail the connection with [CloseProtocolError].
var (
	ErrNonMinimalLength = &Error{CloseProtocolError, "payload length not minimally encoded"}
	ErrLengthOverflow   = &Error{CloseProtocolError, "payload length has the most significant bit set"}
)

// Violations of the framing rules, returned by [Checker.Check]; all fail
// the connection with [CloseProtocolError].
var (
	ErrReservedOpcode         = &Error{CloseProtocolError, "reserved opcode"}
	ErrReservedBits           = &Error{CloseProtocolError, "reserved bits set without a negotiated extension"}
	ErrFragmentedControl      = &Error{CloseProtocolError, "fragmented control frame"}
	ErrControlTooLong         = &Error{CloseProtocolError, "control frame payload over 125 bytes"}
	ErrUnmaskedFrame          = &Error{CloseProtocolError, "unmasked frame from client"}
	ErrMaskedFrame            = &Error{CloseProtocolError, "masked frame from server"}
	ErrUnexpectedContinuation = &Error{CloseProtocolError, "continuation frame outside a fragmented message"}
	ErrExpectedContinuation   = &Error{CloseProtocolError, "new data frame inside a fragmented message"}
)

// Violations in close frames, returned by [DecodeClosePayload].
var (
	// ErrCloseLength reports a close payload of exactly one byte, which
	// cannot hold a status code (CloseProtocolError).
	ErrCloseLength = &Error{CloseProtocolError, "close payload of one byte"}
	// ErrInvalidCloseCode reports a status code that may not appear on
	// the wire (CloseProtocolError); see [CloseCode.ValidOnWire].
	ErrInvalidCloseCode = &Error{CloseProtocolError, "invalid close code"}
	// ErrInvalidCloseReason reports a close reason that is not valid
	// UTF-8 (CloseInvalidPayload).
	ErrInvalidCloseReason = &Error{CloseInvalidPayload, "close reason is not valid UTF-8"}
)

// Violations in message payloads, detected by the caller with
// [UTF8Validator] and its read limit.
var (
	// ErrInvalidUTF8 reports a text message that is not valid UTF-8
	// (CloseInvalidPayload).
	ErrInvalidUTF8 = &Error{CloseInvalidPayload, "invalid UTF-8 in text message"}
	// ErrMessageTooBig reports a message over the receiver's read limit
	// (CloseMessageTooBig).
	ErrMessageTooBig = &Error{CloseMessageTooBig, "message too big"}
)

// ErrCloseReasonTooLong is returned by [AppendClosePayload] for a reason
// over [MaxCloseReason] bytes. It is a caller error, not a violation.
var ErrCloseReasonTooLong = errors.New("protocol: close reason over 123 bytes")

// eofErr turns io.EOF after a partial read of got bytes into
// io.ErrUnexpectedEOF.
func eofErr(err error, got int) error {
	if err == io.EOF && got > 0 {
		return io.ErrUnexpectedEOF
	}
	return err
}
