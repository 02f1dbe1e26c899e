package handshake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ClientRequest describes the opening handshake request a client sends,
// written by [AppendRequest].
type ClientRequest struct {
	// Target is the request-target: the path and query of the ws:// or
	// wss:// URL in origin-form ("/chat?room=1", at least "/"), or an
	// absolute URI when talking to a proxy.
	Target string
	// Host is the Host header value: the URL's host, with its port when
	// that is not the scheme's default (RFC 6455, Section 4.1).
	Host string
	// Key is the Sec-WebSocket-Key, from [NewKey].
	Key string
	// Subprotocols are offered in Sec-WebSocket-Protocol in order of
	// preference; nil writes no field. Each must be a token.
	Subprotocols []string
	// Extensions are offered in Sec-WebSocket-Extensions in order of
	// preference; nil writes no field.
	Extensions []Extension
	// Header holds extra header fields (Origin, Cookie, Authorization,
	// User-Agent, ...), written in sorted order. Fields the handshake
	// writes itself (Host, Upgrade, Connection, Sec-WebSocket-*) and
	// Content-Length and Transfer-Encoding are skipped, as are names that
	// are not tokens; control characters in values become spaces.
	Header http.Header
}

// clientOwned lists the fields AppendRequest does not take from
// ClientRequest.Header.
var clientOwned = []string{
	"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
	"Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept",
	"Content-Length", "Transfer-Encoding",
}

// AppendRequest appends to dst the client's opening handshake request,
// up to and including the blank line, and returns the extended slice
// (RFC 6455, Section 4.1):
//
//	GET /chat HTTP/1.1
//	Host: server.example.com
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
//	Sec-WebSocket-Version: 13
//
// followed by Sec-WebSocket-Protocol, Sec-WebSocket-Extensions and the
// extra fields of req. It fails with an error wrapping
// [ErrInvalidRequest], leaving dst unchanged, when the target, Host or
// key would not be valid on the wire, a subprotocol is not a token or an
// extension is not made of tokens. It does not allocate when dst has room
// and req.Header is nil.
func AppendRequest(dst []byte, req *ClientRequest) ([]byte, error) {
	if err := req.check(); err != nil {
		return dst, err
	}
	dst = append(dst, "GET "...)
	dst = append(dst, req.Target...)
	dst = append(dst, " HTTP/1.1\r\n"...)
	dst = appendField(dst, "Host", req.Host)
	dst = append(dst, "Upgrade: websocket\r\nConnection: Upgrade\r\n"...)
	dst = appendField(dst, "Sec-WebSocket-Key", req.Key)
	dst = append(dst, "Sec-WebSocket-Version: 13\r\n"...)
	if len(req.Subprotocols) > 0 {
		dst = append(dst, "Sec-WebSocket-Protocol: "...)
		for i, p := range req.Subprotocols {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, p...)
		}
		dst = append(dst, "\r\n"...)
	}
	if len(req.Extensions) > 0 {
		dst = append(dst, "Sec-WebSocket-Extensions: "...)
		dst = AppendExtensions(dst, req.Extensions)
		dst = append(dst, "\r\n"...)
	}
	dst = appendHeader(dst, req.Header, clientOwned)
	return append(dst, "\r\n"...), nil
}

// check reports the first field of req that cannot be written. The
// strings in errors are copies, so that req does not escape.
func (req *ClientRequest) check() error {
	switch {
	case !validTargetForm(req.Target):
		return fmt.Errorf("%w: request-target %q", ErrInvalidRequest, strings.Clone(req.Target))
	case !validHost(req.Host):
		return fmt.Errorf("%w: Host %q", ErrInvalidRequest, strings.Clone(req.Host))
	case !validKey(req.Key):
		return fmt.Errorf("%w: Sec-WebSocket-Key %q", ErrInvalidRequest, strings.Clone(req.Key))
	}
	for _, p := range req.Subprotocols {
		if !isToken(p) {
			return fmt.Errorf("%w: subprotocol %q", ErrInvalidRequest, strings.Clone(p))
		}
	}
	if bad, ok := badExtension(req.Extensions); ok {
		return fmt.Errorf("%w: extension token %q", ErrInvalidRequest, strings.Clone(bad))
	}
	return nil
}

// CheckResponse checks the server's response to a handshake request that
// sent key, offered subprotocols and offered extensions, as a client must
// (RFC 6455, Section 4.1), and returns the subprotocol the server chose
// ("" for none) and the extensions it accepted, parsed, in order. It
// fails with:
//
//   - [ErrResponseStatus] unless the status is 101 Switching Protocols;
//   - [ErrResponseUpgrade] or [ErrResponseConnection] unless Upgrade
//     lists websocket and Connection lists upgrade (ASCII case folded);
//   - [ErrResponseAccept] unless there is exactly one
//     Sec-WebSocket-Accept and it equals [AcceptKey](key);
//   - [ErrResponseSubprotocol] if Sec-WebSocket-Protocol is present but
//     is not exactly one of subprotocols, or appears more than once;
//   - [ErrBadExtensions] if Sec-WebSocket-Extensions is malformed, and
//     [ErrResponseExtension] if it names an extension whose name is not,
//     byte for byte, that of one of extensions.
//
// Whether the parameters of an accepted extension are acceptable is left
// to that extension's package. CheckResponse reads resp.Header by
// canonical keys, as net/http's http.ReadResponse stores them.
func CheckResponse(resp *http.Response, key string, subprotocols []string, extensions []Extension) (subprotocol string, exts []Extension, err error) {
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return "", nil, fmt.Errorf("%w: %d", ErrResponseStatus, resp.StatusCode)
	}
	h := resp.Header
	if !ContainsToken(h["Upgrade"], "websocket") {
		return "", nil, ErrResponseUpgrade
	}
	if !ContainsToken(h["Connection"], "upgrade") {
		return "", nil, ErrResponseConnection
	}
	accept := h["Sec-Websocket-Accept"]
	if len(accept) != 1 || !acceptMatches(accept[0], key) {
		return "", nil, ErrResponseAccept
	}
	switch p := h["Sec-Websocket-Protocol"]; {
	case len(p) > 1:
		return "", nil, ErrResponseSubprotocol
	case len(p) == 1:
		if !slices.Contains(subprotocols, p[0]) {
			return "", nil, ErrResponseSubprotocol
		}
		subprotocol = p[0]
	}
	if v := h["Sec-Websocket-Extensions"]; len(v) > 0 {
		if exts, err = ParseExtensions(v); err != nil {
			return "", nil, err
		}
		for _, e := range exts {
			if !slices.ContainsFunc(extensions, func(o Extension) bool { return o.Name == e.Name }) {
				return "", nil, ErrResponseExtension
			}
		}
	}
	return subprotocol, exts, nil
}

// acceptMatches reports whether accept is the Sec-WebSocket-Accept value
// for key, without allocating.
func acceptMatches(accept, key string) bool {
	var buf [AcceptKeyLen]byte
	sum := acceptSum(key)
	base64.StdEncoding.Encode(buf[:], sum[:])
	return equal(accept, buf[:])
}

// validTargetForm reports whether target can be sent: a request-target
// that ParseRequest accepts.
func validTargetForm(target string) bool {
	authority, ok := splitTarget(target)
	return ok && (len(authority) == 0 || validHost(authority))
}
