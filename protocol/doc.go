// Package protocol implements the framing layer of the WebSocket protocol,
// RFC 6455, without doing any I/O.
//
// It decodes and encodes frame headers, names opcodes and close codes,
// encodes and decodes close payloads, enforces the fragmentation and
// control-frame rules of RFC 6455, Section 5.4 and 5.5, and validates UTF-8
// text incrementally across frames. Validation can unmask a client's text
// in the same pass ([UTF8Validator.FeedMasked], [ValidUTF8Masked]); the
// masking itself is package mask's, the one package this one imports.
//
// Decoders take bytes (or a *bufio.Reader) and return values; encoders
// append to or fill a caller's buffer. Nothing here starts goroutines,
// takes locks or reads the clock: the root package websocket owns the
// connection and stacks this package beneath its Conn.
//
// # Errors
//
// Every violation of the protocol by the peer is returned as an error that
// carries the close code the connection must be failed with; see [Error]
// and [CloseCodeOf].
package protocol
