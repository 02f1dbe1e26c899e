// Package handshake implements the opening handshake of the WebSocket
// protocol, RFC 6455, Section 4, without doing any I/O.
//
// A server checks a request either as net/http parsed it, with
// [CheckRequest], or straight from the bytes read off a connection, with
// [ParseRequest], which needs neither net/http nor an allocation. It then
// picks a subprotocol ([SelectSubprotocol]), parses the extensions offered
// ([ParseExtensions], the grammar permessage-deflate negotiation builds
// on), checks Origin ([CheckOrigin]) and writes its 101 response
// ([AppendResponse]) or an error response ([AppendErrorResponse],
// [SetErrorHeaders]). A client makes a key ([NewKey]), writes its request
// ([AppendRequest]) and checks the server's response ([CheckResponse]).
//
// Encoders append to a caller's buffer; nothing here starts goroutines,
// takes locks, reads the clock or touches a connection. The root package
// websocket owns the connection and builds Accept and Dial on top.
//
// # Errors
//
// A request that fails is refused with an HTTP error response; the error
// says which status, as an [*Error] read with [StatusOf]. The checks run
// in this order and the first one that fails is reported:
//
//	Error                       Status  Cause
//	ErrMalformedRequestLine     400     request line syntax (ParseRequest)
//	ErrMalformedHeader          400     header field syntax (ParseRequest)
//	ErrRequestLineTooLong       414     request line over MaxLineBytes
//	ErrHeaderLineTooLong        431     header line over MaxLineBytes
//	ErrTooManyHeaders           431     over MaxHeaders fields
//	ErrRequestTooLarge          431     header block over MaxRequestBytes
//	ErrHTTPVersionNotSupported  505     HTTP major version not 1
//	ErrHTTPVersion              400     HTTP/1.0
//	ErrMethodNotAllowed         405     method not GET (with Allow: GET)
//	ErrMissingHost              400     Host absent or empty
//	ErrBadHost                  400     Host repeated or invalid
//	ErrMissingUpgrade           426     Upgrade lacks websocket
//	ErrMissingConnection        426     Connection lacks upgrade
//	ErrUnsupportedVersion       426     Sec-WebSocket-Version not exactly 13
//	ErrMissingKey               400     Sec-WebSocket-Key absent
//	ErrDuplicateKey             400     Sec-WebSocket-Key repeated
//	ErrBadKey                   400     Sec-WebSocket-Key not 16 bytes in base64
//	ErrRequestBody              400     Transfer-Encoding, or Content-Length not 0
//	ErrBadOrigin                403     Origin repeated, or malformed (CheckOrigin)
//	ErrBadSubprotocol           400     Sec-WebSocket-Protocol not a token list
//	ErrBadExtensions            400     Sec-WebSocket-Extensions malformed
//	ErrOriginNotAllowed         403     cross-origin request (CheckOrigin)
//
// The syntax errors and limits come first, as ParseRequest meets them
// line by line; net/http applies its own before [CheckRequest] runs. The
// responses to 405 and 426 carry the fields [SetErrorHeaders] lists.
// [ErrNeedMore] is not a failure: ParseRequest wants more bytes. The
// errors of the client side ([CheckResponse], [AppendRequest]) carry no
// status.
//
// # Parsing
//
// [ParseRequest] is strict where RFC 9112 lets a server choose: lines
// end in CRLF (a bare LF or CR is an error, not a line end), no empty
// line may precede the request line, the request line has single spaces,
// the request-target is in origin-form ("/chat") or in absolute-form with
// an http, https, ws or wss scheme and no user information (whose
// authority then overrides Host, RFC 9112, Section 3.2.2), field names
// are tokens followed directly by a colon, obs-fold
// continuation lines are rejected, and values may hold no control
// characters but HTAB (bytes 0x80 and up are allowed). Header lists
// (Upgrade, Connection, Sec-WebSocket-Protocol, Sec-WebSocket-Extensions)
// may span several field lines and follow the list rules of RFC 9110,
// Section 5.6.1. Upgrade and Connection tokens compare under ASCII case
// folding; subprotocol names compare byte for byte (RFC 7936).
//
// # Limits
//
// A request header block is at most [MaxRequestBytes] (16 KiB), each line
// at most [MaxLineBytes] (8 KiB) and at most [MaxHeaders] (128) fields, as
// in python-websockets. A server reading into a buffer of MaxRequestBytes
// gets a result or an error at the latest when the buffer is full, never
// [ErrNeedMore]. The caller bounds the time a handshake may take.
//
// # Security
//
// A browser lets any page open a WebSocket to any server and sends the
// user's cookies along, so a server that authenticates by cookie must
// check where the page came from, or another site can act as the user
// (cross-site WebSocket hijacking, RFC 6455, Section 10.2). [CheckOrigin]
// does that: a request without Origin (not from a browser) passes; a
// browser's request passes when its Origin's host and port equal the
// Host header; any other origin passes only when it matches one of the
// server's patterns ("*.example.com"; "*" disables the check); a
// malformed origin, including "null" from sandboxed pages, fails unless
// the patterns are "*". The refusal is a 403 error. [CheckRequest] and
// [ParseRequest] do not call it (they only refuse a repeated Origin): the
// server calls it on every handshake; the root package's Accept is meant
// to do so by default.
//
// Header values this package writes cannot inject lines: the fields it
// writes from the caller's data are checked to be tokens, and extra header
// fields have their control characters replaced by spaces.
package handshake
