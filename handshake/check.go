package handshake

import "net/http"

// summary collects what the opening handshake rules look at, from either
// a raw request ([]byte) or a net/http request (string), so that both
// paths apply the same rules in the same order.
type summary[S text] struct {
	method       S
	major, minor int

	host, key, version, origin     S
	nHost, nKey, nVersion, nOrigin int
	authority                      S // of an absolute-form target, which overrides host

	upgrade, connection       bool // the websocket and upgrade tokens were seen
	badProtocol, badExtension bool // a list failed its grammar
	body                      bool // Transfer-Encoding or a non-zero Content-Length
}

// observe records one header field of a raw request.
func (s *summary[S]) observe(name, value S) {
	switch len(name) {
	case len("Host"):
		if equalFold(name, "Host") {
			s.host = value
			s.nHost++
		}
	case len("Origin"):
		if equalFold(name, "Origin") {
			s.origin = value
			s.nOrigin++
		}
	case len("Upgrade"):
		if equalFold(name, "Upgrade") && hasTokenFold(value, "websocket") {
			s.upgrade = true
		}
	case len("Connection"):
		if equalFold(name, "Connection") && hasTokenFold(value, "upgrade") {
			s.connection = true
		}
	case len("Sec-WebSocket-Key"): // and Transfer-Encoding
		if equalFold(name, "Sec-WebSocket-Key") {
			s.key = value
			s.nKey++
		} else if equalFold(name, "Transfer-Encoding") {
			s.body = true
		}
	case len("Content-Length"):
		if equalFold(name, "Content-Length") && !zeroLength(value) {
			s.body = true
		}
	case len("Sec-WebSocket-Version"):
		if equalFold(name, "Sec-WebSocket-Version") {
			s.version = value
			s.nVersion++
		}
	case len("Sec-WebSocket-Protocol"):
		if equalFold(name, "Sec-WebSocket-Protocol") && !validTokenList(value) {
			s.badProtocol = true
		}
	case len("Sec-WebSocket-Extensions"):
		if equalFold(name, "Sec-WebSocket-Extensions") {
			if _, err := parseExtensions(value, nil, false); err != nil {
				s.badExtension = true
			}
		}
	}
}

// check applies the rules of RFC 6455, Section 4.2.1 in the order of the
// package documentation's table and returns the first one broken.
func (s *summary[S]) check() error {
	switch {
	case s.major != 1:
		return ErrHTTPVersionNotSupported
	case s.minor < 1:
		return ErrHTTPVersion
	case !equal(s.method, "GET"):
		return ErrMethodNotAllowed
	case s.nHost == 0 || len(s.host) == 0:
		return ErrMissingHost
	case s.nHost > 1 || !validHost(s.host) || len(s.authority) > 0 && !validHost(s.authority):
		return ErrBadHost
	case !s.upgrade:
		return ErrMissingUpgrade
	case !s.connection:
		return ErrMissingConnection
	case s.nVersion != 1 || !equal(s.version, "13"):
		return ErrUnsupportedVersion
	case s.nKey == 0:
		return ErrMissingKey
	case s.nKey > 1:
		return ErrDuplicateKey
	case !validKey(s.key):
		return ErrBadKey
	case s.body:
		return ErrRequestBody
	case s.nOrigin > 1:
		return ErrBadOrigin
	case s.badProtocol:
		return ErrBadSubprotocol
	case s.badExtension:
		return ErrBadExtensions
	}
	return nil
}

// zeroLength reports whether a Content-Length value is zero: one or more
// "0" digits.
func zeroLength[S text](v S) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '0' {
			return false
		}
	}
	return len(v) > 0
}

// CheckRequest checks that r, as net/http's server parsed it, is a valid
// WebSocket opening handshake (RFC 6455, Section 4.2.1) and returns its
// Sec-WebSocket-Key. It applies the same rules as [ParseRequest] and
// returns the same [*Error] values; see the package documentation for the
// list and the HTTP status of each. It does not allocate.
//
// CheckRequest reads r.Header by canonical keys, as net/http's server and
// [http.Header.Set] store them. It handles the HTTP/1.1 Upgrade mechanism
// only: an HTTP/2 request (RFC 8441 extended CONNECT) fails with
// [ErrHTTPVersionNotSupported] and must be recognized by the caller
// first. It does not check Origin: see [CheckOrigin].
func CheckRequest(r *http.Request) (key string, err error) {
	s := summary[string]{method: r.Method, major: r.ProtoMajor, minor: r.ProtoMinor, host: r.Host}
	if r.Host != "" {
		s.nHost = 1
	}
	h := r.Header
	for _, v := range h["Upgrade"] {
		s.upgrade = s.upgrade || hasTokenFold(v, "websocket")
	}
	for _, v := range h["Connection"] {
		s.connection = s.connection || hasTokenFold(v, "upgrade")
	}
	if v := h["Sec-Websocket-Version"]; len(v) > 0 {
		s.version, s.nVersion = v[0], len(v)
	}
	if v := h["Sec-Websocket-Key"]; len(v) > 0 {
		s.key, s.nKey = v[0], len(v)
	}
	s.body = r.ContentLength != 0 || len(r.TransferEncoding) > 0
	s.nOrigin = len(h["Origin"])
	for _, v := range h["Sec-Websocket-Protocol"] {
		s.badProtocol = s.badProtocol || !validTokenList(v)
	}
	for _, v := range h["Sec-Websocket-Extensions"] {
		if _, err := parseExtensions(v, nil, false); err != nil {
			s.badExtension = true
		}
	}
	if err := s.check(); err != nil {
		return "", err
	}
	return s.key, nil
}
