package protocol

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// CloseCode is a close status code (RFC 6455, Section 7.4).
type CloseCode uint16

// Close codes registered with IANA (RFC 6455, Section 7.4.1 and 11.7).
// 1004 is reserved; 1005, 1006 and 1015 are never sent on the wire: they
// only report, locally, that no code was received, that the connection
// dropped, or that TLS failed.
const (
	CloseNormal              CloseCode = 1000 // normal closure
	CloseGoingAway           CloseCode = 1001 // server shutting down or page navigated away
	CloseProtocolError       CloseCode = 1002 // RFC 6455 violated
	CloseUnsupportedData     CloseCode = 1003 // message type not accepted
	CloseNoStatus            CloseCode = 1005 // close frame had no code (local only)
	CloseAbnormal            CloseCode = 1006 // connection dropped without close frame (local only)
	CloseInvalidPayload      CloseCode = 1007 // text not UTF-8, or data inconsistent with the type
	ClosePolicyViolation     CloseCode = 1008 // message violates the endpoint's policy
	CloseMessageTooBig       CloseCode = 1009 // message over the endpoint's limit
	CloseMandatoryExtension  CloseCode = 1010 // client needed an extension the server did not give
	CloseInternalError       CloseCode = 1011 // unexpected condition on the server
	CloseServiceRestart      CloseCode = 1012 // server restarting
	CloseTryAgainLater       CloseCode = 1013 // temporary overload
	CloseBadGateway          CloseCode = 1014 // gateway received an invalid upstream response
	CloseTLSHandshakeFailure CloseCode = 1015 // TLS handshake failed (local only)
)

// MaxCloseReason is the longest close reason in bytes: a control payload
// holds 125 bytes, two of which are the code.
const MaxCloseReason = MaxControlPayload - 2

// ValidOnWire reports whether c may be sent in a close frame: 1000-1003,
// 1007-1014 (registered), or 3000-4999 (libraries, frameworks and
// applications). A close frame with any other code fails the connection
// with [CloseProtocolError].
func (c CloseCode) ValidOnWire() bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1014:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// String returns the code's name from RFC 6455 and the IANA registry, or
// its number.
func (c CloseCode) String() string {
	if name, ok := closeCodeNames[c]; ok {
		return name
	}
	return strconv.Itoa(int(c))
}

var closeCodeNames = map[CloseCode]string{
	CloseNormal:              "normal closure",
	CloseGoingAway:           "going away",
	CloseProtocolError:       "protocol error",
	CloseUnsupportedData:     "unsupported data",
	CloseNoStatus:            "no status received",
	CloseAbnormal:            "abnormal closure",
	CloseInvalidPayload:      "invalid payload data",
	ClosePolicyViolation:     "policy violation",
	CloseMessageTooBig:       "message too big",
	CloseMandatoryExtension:  "mandatory extension",
	CloseInternalError:       "internal error",
	CloseServiceRestart:      "service restart",
	CloseTryAgainLater:       "try again later",
	CloseBadGateway:          "bad gateway",
	CloseTLSHandshakeFailure: "TLS handshake failure",
}

// DecodeClosePayload decodes the payload of a close frame (RFC 6455,
// Section 5.5.1). An empty payload gives [CloseNoStatus] and no reason. A
// one-byte payload is [ErrCloseLength], a code that is not
// [CloseCode.ValidOnWire] is [ErrInvalidCloseCode], a reason that is not
// valid UTF-8 is [ErrInvalidCloseReason] and a payload over 125 bytes is
// [ErrControlTooLong].
func DecodeClosePayload(p []byte) (code CloseCode, reason string, err error) {
	switch {
	case len(p) == 0:
		return CloseNoStatus, "", nil
	case len(p) == 1:
		return 0, "", ErrCloseLength
	case len(p) > MaxControlPayload:
		return 0, "", ErrControlTooLong
	}
	code = CloseCode(binary.BigEndian.Uint16(p))
	if !code.ValidOnWire() {
		return 0, "", ErrInvalidCloseCode
	}
	if !utf8.Valid(p[2:]) {
		return 0, "", ErrInvalidCloseReason
	}
	return code, string(p[2:]), nil
}

// AppendClosePayload appends the close payload for code and reason to dst.
// [CloseNoStatus] with an empty reason appends nothing: a close frame
// without a code. Otherwise code must be [CloseCode.ValidOnWire] (else
// [ErrInvalidCloseCode]) and reason valid UTF-8 (else
// [ErrInvalidCloseReason]) of at most [MaxCloseReason] bytes (else
// [ErrCloseReasonTooLong]); on error dst is returned unchanged.
func AppendClosePayload(dst []byte, code CloseCode, reason string) ([]byte, error) {
	switch {
	case code == CloseNoStatus && reason == "":
		return dst, nil
	case !code.ValidOnWire():
		return dst, ErrInvalidCloseCode
	case len(reason) > MaxCloseReason:
		return dst, ErrCloseReasonTooLong
	case !utf8.ValidString(reason):
		return dst, ErrInvalidCloseReason
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...), nil
}
