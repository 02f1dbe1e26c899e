package handshake

// SelectSubprotocol returns the subprotocol a server should choose: the
// first of supported, in the server's order of preference, that the
// client offers, or "" when none is offered. offered are the values of the
// request's Sec-WebSocket-Protocol fields, each a comma-separated list as
// sent; names compare byte for byte, since subprotocol names are case
// sensitive (RFC 7936). It does not allocate.
//
// With supported = ["v2.chat", "v1.chat"] and a client offering
// "v1.chat, v2.chat", the server's preference wins: "v2.chat".
func SelectSubprotocol(offered, supported []string) string {
	for _, s := range supported {
		for _, v := range offered {
			if hasToken(v, s) {
				return s
			}
		}
	}
	return ""
}

// ParseSubprotocols returns the subprotocol names listed in the values of
// the Sec-WebSocket-Protocol fields of a request, given in order. Each
// value must be a comma-separated list of one or more tokens (RFC 6455,
// Section 4.1; empty elements are skipped, RFC 9110, Section 5.6.1), else
// it fails with [ErrBadSubprotocol]. The names share memory with values.
func ParseSubprotocols(values []string) ([]string, error) {
	var names []string
	for _, v := range values {
		if !validTokenList(v) {
			return nil, ErrBadSubprotocol
		}
		for i := 0; i < len(v); {
			var e string
			e, i = nextElement(v, i)
			if e != "" {
				names = append(names, e)
			}
		}
	}
	return names, nil
}
