package handshake

import (
	"net/http"
	"slices"
	"strconv"
)

// Response holds the optional parts of the 101 Switching Protocols
// response that [AppendResponse] writes. The zero value (or nil) adds
// nothing.
type Response struct {
	// Subprotocol is the chosen subprotocol, written as
	// Sec-WebSocket-Protocol; "" writes no field. It must be a token.
	Subprotocol string
	// Extensions are the accepted extensions with their response
	// parameters, written as Sec-WebSocket-Extensions; nil writes no
	// field.
	Extensions []Extension
	// Header holds extra header fields, such as Set-Cookie, written in
	// sorted order. Fields the handshake writes itself (Upgrade,
	// Connection, Sec-WebSocket-*) and fields a 101 response may not
	// carry (Content-Length, Transfer-Encoding) are skipped, as are names
	// that are not tokens; control characters in values become spaces.
	Header http.Header
}

// AppendResponse appends to dst the server's 101 Switching Protocols
// response for a request with Sec-WebSocket-Key key, up to and including
// the blank line, and returns the extended slice (RFC 6455, Section
// 4.2.2):
//
//	HTTP/1.1 101 Switching Protocols
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//
// followed by the fields of resp, which may be nil. It does not allocate
// when dst has room and resp.Header is nil. It panics if resp holds a
// subprotocol or extension that is not made of tokens: those come from the
// server's configuration, not from the peer.
func AppendResponse(dst, key []byte, resp *Response) []byte {
	dst = append(dst, "HTTP/1.1 101 Switching Protocols\r\n"+
		"Upgrade: websocket\r\n"+
		"Connection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: "...)
	dst = AppendAcceptKey(dst, key)
	dst = append(dst, "\r\n"...)
	if resp != nil {
		if resp.Subprotocol != "" {
			if !isToken(resp.Subprotocol) {
				panic("handshake.AppendResponse: subprotocol " + strconv.Quote(resp.Subprotocol) + " is not a token")
			}
			dst = appendField(dst, "Sec-WebSocket-Protocol", resp.Subprotocol)
		}
		if len(resp.Extensions) > 0 {
			dst = append(dst, "Sec-WebSocket-Extensions: "...)
			dst = AppendExtensions(dst, resp.Extensions)
			dst = append(dst, "\r\n"...)
		}
		dst = appendHeader(dst, resp.Header, responseOwned)
	}
	return append(dst, "\r\n"...)
}

// responseOwned lists the fields AppendResponse does not take from
// Response.Header.
var responseOwned = []string{
	"Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
	"Sec-WebSocket-Extensions", "Sec-WebSocket-Version", "Content-Length", "Transfer-Encoding",
}

// AppendErrorResponse appends to dst a complete HTTP/1.1 response that
// refuses a handshake with the given status, body as its text/plain
// content, and returns the extended slice. The response closes the
// connection ("Connection: close"); the caller closes it after writing.
// The fields [SetErrorHeaders] describes are included: "Allow: GET" for
// 405, "Upgrade: websocket" and "Sec-WebSocket-Version: 13" for 426
// (RFC 6455, Section 4.4). The body is typically err.Error() of the
// [*Error] that [StatusOf] took the status from.
//
// AppendErrorResponse panics if status is not a three-digit code.
func AppendErrorResponse(dst []byte, status int, body string) []byte {
	if status < 100 || status > 999 {
		panic("handshake.AppendErrorResponse: status " + strconv.Itoa(status) + " is not three digits")
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(status)...)
	dst = append(dst, "\r\n"...)
	switch status {
	case http.StatusMethodNotAllowed:
		dst = append(dst, "Allow: GET\r\nConnection: close\r\n"...)
	case http.StatusUpgradeRequired:
		dst = append(dst, "Upgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n"...)
	default:
		dst = append(dst, "Connection: close\r\n"...)
	}
	dst = append(dst, "Content-Type: text/plain; charset=utf-8\r\n"+
		"X-Content-Type-Options: nosniff\r\n"+
		"Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

// SetErrorHeaders sets in h the header fields a response refusing a
// handshake with the given status must carry, for a caller answering
// through net/http (then http.Error writes the rest): "Allow: GET" for 405
// (RFC 9110, Section 15.5.6); for 426, "Upgrade: websocket" with
// "Connection: Upgrade" (RFC 9110, Section 15.5.22) and
// "Sec-WebSocket-Version: 13" (RFC 6455, Section 4.4). Other statuses set
// nothing.
func SetErrorHeaders(h http.Header, status int) {
	switch status {
	case http.StatusMethodNotAllowed:
		h.Set("Allow", "GET")
	case http.StatusUpgradeRequired:
		h.Set("Upgrade", "websocket")
		h.Set("Connection", "Upgrade")
		h.Set("Sec-WebSocket-Version", "13")
	}
}

// appendField appends "name: value" and CRLF.
func appendField(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// appendHeader appends the fields of h in sorted order, one line per
// value, skipping names that are not tokens or that equal one of owned
// under ASCII case folding. Values are trimmed of whitespace and control
// characters, and those inside become spaces, so that no value can end
// the line early.
func appendHeader(dst []byte, h http.Header, owned []string) []byte {
	if len(h) == 0 {
		return dst
	}
	var buf [16]string
	names := buf[:0]
	for name := range h {
		if isToken(name) && !slices.ContainsFunc(owned, func(o string) bool { return equalFold(name, o) }) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range h[name] {
			dst = append(dst, name...)
			dst = append(dst, ": "...)
			i, j := 0, len(v)
			for i < j && blank(v[i]) {
				i++
			}
			for j > i && blank(v[j-1]) {
				j--
			}
			for ; i < j; i++ {
				c := v[i]
				if blank(c) {
					c = ' '
				}
				dst = append(dst, c)
			}
			dst = append(dst, "\r\n"...)
		}
	}
	return dst
}

// blank reports whether c is whitespace or a control character.
func blank(c byte) bool { return c <= ' ' || c == 0x7f }
