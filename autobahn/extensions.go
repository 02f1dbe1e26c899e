package autobahn

import (
	"fmt"
	"strconv"
	"strings"
)

// extParam is one parameter of an extension in Sec-WebSocket-Extensions.
type extParam struct {
	name     string
	value    string
	hasValue bool
}

// extension is one entry of a Sec-WebSocket-Extensions list.
type extension struct {
	name   string
	params []extParam
}

// parseExtensions parses Sec-WebSocket-Extensions header values (RFC 6455,
// Section 9.1): a comma-separated list of extensions, each a token followed
// by ;-separated parameters, each a token with an optional =token or
// =quoted-string value.
func parseExtensions(values []string) ([]extension, error) {
	var out []extension
	for _, v := range values {
		for _, item := range splitOutsideQuotes(v, ',') {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			parts := splitOutsideQuotes(item, ';')
			e := extension{name: strings.TrimSpace(parts[0])}
			if !isToken(e.name) {
				return nil, fmt.Errorf("%w: bad extension name %q", ErrHandshake, e.name)
			}
			for _, p := range parts[1:] {
				p = strings.TrimSpace(p)
				name, value, has := strings.Cut(p, "=")
				name, value = strings.TrimSpace(name), strings.TrimSpace(value)
				if !isToken(name) {
					return nil, fmt.Errorf("%w: bad extension parameter %q", ErrHandshake, p)
				}
				if has {
					if uq, err := strconv.Unquote(value); err == nil && strings.HasPrefix(value, `"`) {
						value = uq
					}
					if !isToken(value) {
						return nil, fmt.Errorf("%w: bad extension parameter value %q", ErrHandshake, p)
					}
				}
				e.params = append(e.params, extParam{name: name, value: value, hasValue: has})
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// splitOutsideQuotes splits s at sep where sep is not inside a quoted
// string.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\' && quoted:
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// isToken reports whether s is a non-empty RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7F || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
