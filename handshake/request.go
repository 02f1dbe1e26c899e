package handshake

import (
	"bytes"
	"iter"
)

// Limits on a request read by [ParseRequest], after python-websockets'
// http11 module. Requests over them fail with a 414 or 431 error.
const (
	// MaxRequestBytes is the largest request header block, in bytes, from
	// the first byte of the request line to the blank line's CRLF
	// included: 16 KiB, as Node.js allows. A caller reading into a buffer
	// of this size never sees [ErrNeedMore] with the buffer full.
	MaxRequestBytes = 16 << 10
	// MaxLineBytes is the longest request line or header field line, in
	// bytes, CRLF excluded.
	MaxLineBytes = 8 << 10
	// MaxHeaders is the largest number of header field lines.
	MaxHeaders = 128
)

// Request is an opening handshake request parsed by [ParseRequest]. Its
// byte slices are views into the parsed input, with no copy: they stay
// valid only while the caller leaves those bytes unchanged, so a caller
// recycling its read buffer must be done with the Request first (or copy
// what it keeps).
//
// Single-valued fields are trimmed of surrounding whitespace. Fields that
// may repeat or hold lists (Upgrade, Connection, Sec-WebSocket-Protocol,
// Sec-WebSocket-Extensions, Cookie, ...) and any other field are read with
// [Request.Get], [Request.Values], [Request.Fields],
// [Request.SelectSubprotocol] and [Request.Extensions], which scan the
// header lines again.
type Request struct {
	// Method is the request method; GET after a successful parse.
	Method []byte
	// Target is the request-target: origin-form ("/chat?room=1") or
	// absolute-form ("http://example.com/chat"), not decoded.
	Target []byte
	// ProtoMajor and ProtoMinor are the HTTP version, 1 and at least 1.
	ProtoMajor, ProtoMinor int
	// Host is the Host header value or, for a Target in absolute-form,
	// the Target's authority, which takes precedence over the header
	// (RFC 9112, Section 3.2.2).
	Host []byte
	// Key is the Sec-WebSocket-Key value, a valid key.
	Key []byte
	// Version is the Sec-WebSocket-Version value, "13".
	Version []byte
	// Origin is the Origin header value, nil when the request has none.
	Origin []byte

	// fields holds the header field lines, each ending in CRLF, without
	// the request line or the final blank line. They are well formed.
	fields []byte
}

var (
	crlf       = []byte("\r\n")
	headEnd    = []byte("\r\n\r\n")
	bareLFEnd  = []byte("\n\n")
	httpPrefix = []byte("HTTP/")
)

// ParseRequest parses the opening handshake request at the start of b, a
// request line and header fields up to and including the blank line, and
// checks it against RFC 6455, Section 4.2.1. It returns the request and
// the number of bytes it took; bytes after those (a client's first frames)
// are left to the caller. It does not allocate.
//
// ParseRequest returns [ErrNeedMore] while b holds no blank line yet, is
// shorter than [MaxRequestBytes] and does not end in a line over
// [MaxLineBytes]; the caller reads more bytes, appends them and calls
// again with the whole input. The lines are checked once the blank line
// has arrived or a limit is passed. Every other error is an [*Error]
// carrying the HTTP status to answer with (see the table in the package
// documentation); the returned Request is then zero.
//
// The parser is strict: lines end in CRLF, with no bare LF or CR; the
// request line is exactly "method SP request-target SP HTTP/d.d" with no
// empty lines before it; the request-target is in origin-form, or in
// absolute-form with an http, https, ws or wss scheme (its authority then
// becomes Host); header field names are tokens with no whitespace before
// the colon; obs-fold continuation lines and control characters in
// values are rejected.
func ParseRequest(b []byte) (Request, int, error) {
	// Validating costs a pass over every complete line, so an incomplete
	// request is recognized by a fast search first: a client dribbling a
	// request byte by byte costs one vectorized scan per read, not a full
	// validation. The full parse runs once the head is complete (or ends
	// in a bare LF), the last line is over the limit, or b is full.
	if len(b) < MaxRequestBytes && !bytes.Contains(b, headEnd) && !bytes.Contains(b, bareLFEnd) &&
		len(b)-bytes.LastIndexByte(b, '\n') <= MaxLineBytes+2 {
		return Request{}, 0, ErrNeedMore
	}
	var r Request
	n, err := r.parse(b)
	if err != nil {
		return Request{}, 0, err
	}
	return r, n, nil
}

func (r *Request) parse(b []byte) (int, error) {
	line, i, err := readLine(b, 0, ErrRequestLineTooLong, ErrMalformedRequestLine)
	if err != nil {
		return 0, err
	}
	if err := r.parseRequestLine(line); err != nil {
		return 0, err
	}
	s := summary[[]byte]{method: r.Method, major: r.ProtoMajor, minor: r.ProtoMinor, authority: r.Host}
	start := i
	for count := 0; ; count++ {
		lineStart := i
		line, i, err = readLine(b, i, ErrHeaderLineTooLong, ErrMalformedHeader)
		if err != nil {
			return 0, err
		}
		if len(line) == 0 {
			r.fields = b[start:lineStart]
			break
		}
		if count == MaxHeaders {
			return 0, ErrTooManyHeaders
		}
		name, value, ok := splitField(line)
		if !ok {
			return 0, ErrMalformedHeader
		}
		s.observe(name, value)
	}
	if err := s.check(); err != nil {
		return 0, err
	}
	if r.Host == nil {
		r.Host = s.host
	}
	r.Key, r.Version, r.Origin = s.key, s.version, s.origin
	return i, nil
}

// readLine returns the line of b that starts at i, without its CRLF, and
// the index of the next line. It fails with tooLong for a line over
// MaxLineBytes, malformed for a line ending in a bare LF, and
// ErrRequestTooLarge or ErrNeedMore when b ends before the line does.
func readLine(b []byte, i int, tooLong, malformed error) ([]byte, int, error) {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		rest := b[i:]
		if len(rest) > MaxLineBytes && (len(rest) > MaxLineBytes+1 || rest[MaxLineBytes] != '\r') {
			return nil, 0, tooLong
		}
		if len(b) >= MaxRequestBytes {
			return nil, 0, ErrRequestTooLarge
		}
		return nil, 0, ErrNeedMore
	}
	if j == 0 || b[i+j-1] != '\r' {
		return nil, 0, malformed
	}
	line := b[i : i+j-1]
	if len(line) > MaxLineBytes {
		return nil, 0, tooLong
	}
	next := i + j + 1
	if next > MaxRequestBytes {
		return nil, 0, ErrRequestTooLarge
	}
	return line, next, nil
}

// parseRequestLine splits "method SP request-target SP HTTP/d.d"
// (RFC 9112, Section 3). The version must be well formed; whether it is
// acceptable is decided later, with the other rules, by summary.check.
func (r *Request) parseRequestLine(line []byte) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		return ErrMalformedRequestLine
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 < 0 {
		return ErrMalformedRequestLine
	}
	method, target, version := line[:sp1], rest[:sp2], rest[sp2+1:]
	authority, ok := splitTarget(target)
	if !isToken(method) || !ok {
		return ErrMalformedRequestLine
	}
	if len(version) != len("HTTP/1.1") || !bytes.HasPrefix(version, httpPrefix) ||
		!isDigit(version[5]) || version[6] != '.' || !isDigit(version[7]) {
		return ErrMalformedRequestLine
	}
	r.Method, r.Target, r.Host = method, target, authority
	r.ProtoMajor, r.ProtoMinor = int(version[5]-'0'), int(version[7]-'0')
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// splitTarget reports whether t is a request-target this package
// accepts, and returns its authority when it is in absolute-form. t must
// be visible ASCII and either in origin-form (starting with "/") or in
// absolute-form with an http, https, ws or wss scheme and a non-empty
// authority without user information or percent-encoding
// ("http://example.com:8080/chat"), as RFC 6455, Section 4.1 allows.
// Percent-encoding in the path is left to the caller's URL parser.
func splitTarget[S text](t S) (authority S, ok bool) {
	if len(t) == 0 {
		return authority, false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c >= 0x7f {
			return authority, false
		}
	}
	if t[0] == '/' {
		return authority, true
	}
	rest, ok := trimScheme(t)
	if !ok {
		return authority, false
	}
	end := 0
	for end < len(rest) && rest[end] != '/' && rest[end] != '?' && rest[end] != '#' {
		if rest[end] == '@' || rest[end] == '%' {
			return authority, false
		}
		end++
	}
	return rest[:end], end > 0
}

// trimScheme returns t after a leading "http://", "https://", "ws://" or
// "wss://", compared under ASCII case folding, and whether there was one.
func trimScheme[S text](t S) (S, bool) {
	for _, scheme := range [...]string{"http://", "https://", "ws://", "wss://"} {
		if len(t) >= len(scheme) && equalFold(t[:len(scheme)], scheme) {
			return t[len(scheme):], true
		}
	}
	return t, false
}

func isAlpha(c byte) bool { return 'a' <= lower(c) && lower(c) <= 'z' }

// splitField splits a header field line into its name and its value
// trimmed of whitespace, and reports whether the line is well formed
// (RFC 9112, Section 5): a token name directly followed by a colon (which
// also rules out obs-fold lines starting with whitespace) and a value free
// of control characters.
func splitField(line []byte) (name, value []byte, ok bool) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return nil, nil, false
	}
	name, value = line[:colon], line[colon+1:]
	if !isToken(name) || !validFieldValue(value) {
		return nil, nil, false
	}
	return name, trimOWS(value), true
}

// nextField returns the header field whose line starts at r.fields[i],
// and the index of the next line. The lines were validated by parse, so
// this only splits them; it stays in bounds even if the caller has
// changed the bytes since.
func (r *Request) nextField(i int) (name, value []byte, next int) {
	line := r.fields[i:]
	if j := bytes.Index(line, crlf); j >= 0 {
		line = line[:j]
	}
	next = i + len(line) + len(crlf)
	if colon := bytes.IndexByte(line, ':'); colon >= 0 {
		return line[:colon], trimOWS(line[colon+1:]), next
	}
	return line, line[len(line):], next
}

// Get returns the value of the first header field named name, compared
// under ASCII case folding, trimmed of whitespace. It returns nil when
// the request has no such field, and an empty non-nil slice when the
// field is present with an empty value.
func (r *Request) Get(name string) []byte {
	for i := 0; i < len(r.fields); {
		var n, v []byte
		n, v, i = r.nextField(i)
		if equalFold(n, name) {
			return v
		}
	}
	return nil
}

// Values returns an iterator over the values of the header fields named
// name, compared under ASCII case folding, in request order.
func (r *Request) Values(name string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for i := 0; i < len(r.fields); {
			var n, v []byte
			n, v, i = r.nextField(i)
			if equalFold(n, name) && !yield(v) {
				return
			}
		}
	}
}

// Fields returns an iterator over every header field of the request, in
// order, as name (as sent) and value (trimmed).
func (r *Request) Fields() iter.Seq2[[]byte, []byte] {
	return func(yield func(name, value []byte) bool) {
		for i := 0; i < len(r.fields); {
			var n, v []byte
			n, v, i = r.nextField(i)
			if !yield(n, v) {
				return
			}
		}
	}
}

// SelectSubprotocol returns the first of supported, in the server's order
// of preference, that the request offers in Sec-WebSocket-Protocol, or ""
// when there is none; see [SelectSubprotocol]. It does not allocate.
func (r *Request) SelectSubprotocol(supported []string) string {
	for _, s := range supported {
		for i := 0; i < len(r.fields); {
			var n, v []byte
			n, v, i = r.nextField(i)
			if equalFold(n, "Sec-WebSocket-Protocol") && hasToken(v, s) {
				return s
			}
		}
	}
	return ""
}

// Extensions parses the request's Sec-WebSocket-Extensions fields, in
// order, as [ParseExtensions] does. It allocates the result; it returns
// nil when the request offers no extension.
func (r *Request) Extensions() ([]Extension, error) {
	var exts []Extension
	for v := range r.Values("Sec-WebSocket-Extensions") {
		var err error
		if exts, err = parseExtensions(string(v), exts, true); err != nil {
			return nil, err
		}
	}
	return exts, nil
}

// CheckOrigin applies [CheckOrigin] to the request's Origin and Host. It
// does not allocate unless patterns must be consulted or the origin's
// host is an IPv6 address.
func (r *Request) CheckOrigin(patterns []string) error {
	if len(r.Origin) == 0 || allowsAll(patterns) {
		return nil
	}
	authority, same, ok := parseOrigin(r.Origin, r.Host)
	switch {
	case !ok:
		return ErrBadOrigin
	case same:
		return nil
	}
	return matchOrigin(string(authority), patterns)
}
