package handshake

import (
	"errors"
	"net/http"
)

// Error is a failed opening handshake that a server answers with an HTTP
// error response. Status is the HTTP status code of that response and
// Reason a short text for its body or a log.
//
// The Error values below are sentinels: compare with [errors.Is], read the
// status with [StatusOf].
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return "handshake: " + e.Reason }

// StatusOf returns the HTTP status carried by the first [*Error] in err's
// chain, and whether there was one. Client-side errors carry no status.
func StatusOf(err error) (int, bool) {
	var he *Error
	if errors.As(err, &he) {
		return he.Status, true
	}
	return 0, false
}

// Sentinel errors. The [*Error] values carry the HTTP status a server
// answers with; the others carry none.
var (
	// ErrNeedMore is returned by [ParseRequest] when its input holds only the
	// beginning of a request header block that is still under
	// [MaxRequestBytes]: the caller reads more and retries with the longer
	// input. It is not a failure and carries no status.
	ErrNeedMore = errors.New("handshake: need more input")

	// Malformed or oversized requests, returned by [ParseRequest] only: for
	// [CheckRequest] net/http has already parsed the request.

	// ErrMalformedRequestLine reports a request line that is not
	// "method SP request-target SP HTTP/d.d" followed by CRLF (400).
	ErrMalformedRequestLine = &Error{http.StatusBadRequest, "malformed request line"}
	// ErrMalformedHeader reports a header field line that is not
	// "token: value" followed by CRLF, with no control characters in the
	// value, no obs-fold and no bare LF or CR (400).
	ErrMalformedHeader = &Error{http.StatusBadRequest, "malformed header field"}
	// ErrRequestLineTooLong reports a request line over [MaxLineBytes]
	// (414).
	ErrRequestLineTooLong = &Error{http.StatusRequestURITooLong, "request line over 8192 bytes"}
	// ErrHeaderLineTooLong reports a header field line over
	// [MaxLineBytes] (431).
	ErrHeaderLineTooLong = &Error{http.StatusRequestHeaderFieldsTooLarge, "header field line over 8192 bytes"}
	// ErrTooManyHeaders reports more than [MaxHeaders] header fields
	// (431).
	ErrTooManyHeaders = &Error{http.StatusRequestHeaderFieldsTooLarge, "more than 128 header fields"}
	// ErrRequestTooLarge reports a request header block over
	// [MaxRequestBytes] (431).
	ErrRequestTooLarge = &Error{http.StatusRequestHeaderFieldsTooLarge, "request header over 16384 bytes"}

	// Requests that are not valid opening handshakes (RFC 6455, Section
	// 4.2.1), returned by [ParseRequest] and [CheckRequest] in the order
	// listed: the first rule broken is the one reported.

	// ErrHTTPVersionNotSupported reports an HTTP major version other than
	// 1 (505).
	ErrHTTPVersionNotSupported = &Error{http.StatusHTTPVersionNotSupported, "HTTP version not supported"}
	// ErrHTTPVersion reports an HTTP/1.0 request: the upgrade needs
	// HTTP/1.1 or later (400).
	ErrHTTPVersion = &Error{http.StatusBadRequest, "HTTP/1.1 or later required"}
	// ErrMethodNotAllowed reports a method other than GET (405); the
	// response carries "Allow: GET".
	ErrMethodNotAllowed = &Error{http.StatusMethodNotAllowed, "method not GET"}
	// ErrMissingHost reports an absent or empty Host (400).
	ErrMissingHost = &Error{http.StatusBadRequest, "missing Host"}
	// ErrBadHost reports a Host with bytes a host and port cannot hold,
	// a Host field that appears more than once, or an absolute-form
	// request-target whose authority is not a valid Host (400).
	ErrBadHost = &Error{http.StatusBadRequest, "invalid Host"}
	// ErrMissingUpgrade reports an Upgrade header without the websocket
	// token (426); the response carries "Upgrade: websocket".
	ErrMissingUpgrade = &Error{http.StatusUpgradeRequired, "Upgrade header lacks websocket"}
	// ErrMissingConnection reports a Connection header without the
	// upgrade token (426); the response carries "Upgrade: websocket".
	ErrMissingConnection = &Error{http.StatusUpgradeRequired, "Connection header lacks upgrade"}
	// ErrUnsupportedVersion reports a Sec-WebSocket-Version that is
	// absent, repeated or other than 13 (426); the response carries
	// "Sec-WebSocket-Version: 13" (RFC 6455, Section 4.4).
	ErrUnsupportedVersion = &Error{http.StatusUpgradeRequired, "Sec-WebSocket-Version is not 13"}
	// ErrMissingKey reports an absent Sec-WebSocket-Key (400).
	ErrMissingKey = &Error{http.StatusBadRequest, "missing Sec-WebSocket-Key"}
	// ErrDuplicateKey reports a Sec-WebSocket-Key field that appears more
	// than once (400).
	ErrDuplicateKey = &Error{http.StatusBadRequest, "repeated Sec-WebSocket-Key"}
	// ErrBadKey reports a Sec-WebSocket-Key that is not the canonical
	// base64 encoding of 16 bytes (400).
	ErrBadKey = &Error{http.StatusBadRequest, "Sec-WebSocket-Key is not 16 bytes in base64"}
	// ErrRequestBody reports a request with Transfer-Encoding or a
	// Content-Length other than 0 (400): after the handshake the bytes
	// that follow are WebSocket frames, so a body would be read as frames
	// by the server and not by an intermediary that saw the body.
	ErrRequestBody = &Error{http.StatusBadRequest, "request has a body"}
	// ErrBadOrigin reports an Origin field that appears more than once,
	// and, from [CheckOrigin], an Origin that is not
	// scheme://host[:port] (403).
	ErrBadOrigin = &Error{http.StatusForbidden, "malformed Origin"}
	// ErrBadSubprotocol reports a Sec-WebSocket-Protocol value that is not
	// a comma-separated list of one or more tokens (400); also returned
	// by [ParseSubprotocols].
	ErrBadSubprotocol = &Error{http.StatusBadRequest, "malformed Sec-WebSocket-Protocol"}
	// ErrBadExtensions reports a Sec-WebSocket-Extensions value outside
	// the grammar of RFC 6455, Section 9.1 (400); also returned by
	// [ParseExtensions], [Request.Extensions] and [CheckResponse].
	ErrBadExtensions = &Error{http.StatusBadRequest, "malformed Sec-WebSocket-Extensions"}

	// ErrOriginNotAllowed is returned by [CheckOrigin] and
	// [Request.CheckOrigin] for an Origin whose host matches neither the Host
	// nor any allowed pattern (403).
	ErrOriginNotAllowed = &Error{http.StatusForbidden, "Origin not allowed"}

	// Client-side failures, returned by [CheckResponse] when the server's
	// response does not complete the handshake (RFC 6455, Section 4.1). They
	// carry no status: the client fails the connection.

	// ErrResponseStatus reports a status other than 101 Switching
	// Protocols; the error wraps it with the status received.
	ErrResponseStatus = errors.New("handshake: response status is not 101")
	// ErrResponseUpgrade reports a response whose Upgrade header lacks
	// the websocket token.
	ErrResponseUpgrade = errors.New("handshake: response Upgrade header lacks websocket")
	// ErrResponseConnection reports a response whose Connection header
	// lacks the upgrade token.
	ErrResponseConnection = errors.New("handshake: response Connection header lacks upgrade")
	// ErrResponseAccept reports a Sec-WebSocket-Accept that is absent,
	// repeated or not the one derived from the key sent.
	ErrResponseAccept = errors.New("handshake: response Sec-WebSocket-Accept does not match the key")
	// ErrResponseSubprotocol reports a Sec-WebSocket-Protocol that names
	// more than one subprotocol or one the client did not offer.
	ErrResponseSubprotocol = errors.New("handshake: response Sec-WebSocket-Protocol was not offered")
	// ErrResponseExtension reports a Sec-WebSocket-Extensions that names
	// an extension the client did not offer.
	ErrResponseExtension = errors.New("handshake: response Sec-WebSocket-Extensions was not offered")

	// ErrInvalidRequest is returned, wrapped with the field at fault, by
	// [AppendRequest] when the caller's [ClientRequest] cannot be written as
	// a valid request.
	ErrInvalidRequest = errors.New("handshake: invalid client request")
)
