package handshake

import "strconv"

// Extension is one element of a Sec-WebSocket-Extensions list: an
// extension name and its parameters in the order written (RFC 6455,
// Section 9.1). Names and values are kept as sent; what they mean, which
// repeat and how they compare is for the extension's own package to say
// (RFC 7692 for permessage-deflate).
type Extension struct {
	Name   string
	Params []Param
}

// Param is an extension parameter. Value is "" when the parameter has no
// value; a parameter with a value always has a non-empty token, since the
// grammar allows no other.
type Param struct {
	Name, Value string
}

// String returns e formatted as a Sec-WebSocket-Extensions element, as
// [AppendExtensions] writes it.
func (e Extension) String() string {
	return string(AppendExtensions(nil, []Extension{e}))
}

// ParseExtensions parses the values of the Sec-WebSocket-Extensions header
// fields of a request or response, given in order, into the extensions
// they list, in order. The grammar is that of RFC 6455, Section 9.1:
//
//	extension-list  = 1#extension
//	extension       = extension-token *( ";" extension-param )
//	extension-param = token [ "=" ( token / quoted-string ) ]
//
// with the list rules of RFC 9110, Section 5.6.1: elements are separated
// by commas with optional whitespace (SP, HTAB), empty elements are
// skipped, and each field value must hold at least one extension.
// Whitespace is also allowed around ";" and "=". A quoted-string value
// is unescaped and must then be a token, as Section 9.1 requires; so
// `x="10"` and `x=10` parse to the same Param.
//
// Any other input fails with [ErrBadExtensions]. The returned names and
// unescaped values share memory with values; only values holding
// backslash escapes are copied.
func ParseExtensions(values []string) ([]Extension, error) {
	var exts []Extension
	for _, v := range values {
		var err error
		if exts, err = parseExtensions(v, exts, true); err != nil {
			return nil, err
		}
	}
	return exts, nil
}

// parseExtensions parses one field value, appending its extensions to
// dst when build is set; with build unset it only validates, and neither
// allocates nor converts s.
func parseExtensions[S text](s S, dst []Extension, build bool) ([]Extension, error) {
	n := 0
	for i := 0; ; {
		for i < len(s) && (s[i] == ',' || isOWS(s[i])) {
			i++
		}
		if i == len(s) {
			break
		}
		j := skipToken(s, i)
		if j == i {
			return nil, ErrBadExtensions
		}
		var ext Extension
		if build {
			ext.Name = string(s[i:j])
		}
		n++
		for i = skipOWS(s, j); i < len(s) && s[i] == ';'; {
			i = skipOWS(s, i+1)
			j = skipToken(s, i)
			if j == i {
				return nil, ErrBadExtensions
			}
			var p Param
			if build {
				p.Name = string(s[i:j])
			}
			i = skipOWS(s, j)
			if i < len(s) && s[i] == '=' {
				i = skipOWS(s, i+1)
				var ok bool
				if p.Value, i, ok = parseValue(s, i, build); !ok {
					return nil, ErrBadExtensions
				}
				i = skipOWS(s, i)
			}
			if build {
				ext.Params = append(ext.Params, p)
			}
		}
		if i < len(s) && s[i] != ',' {
			return nil, ErrBadExtensions
		}
		if build {
			dst = append(dst, ext)
		}
	}
	if n == 0 {
		return nil, ErrBadExtensions
	}
	return dst, nil
}

// parseValue parses the parameter value, token or quoted-string, that
// starts at s[i], and returns it (when build is set), the index after it
// and whether it was valid. A quoted-string must unescape to a token, so
// only tchar and backslash-escaped tchar may appear between its quotes.
func parseValue[S text](s S, i int, build bool) (string, int, bool) {
	if i == len(s) || s[i] != '"' {
		j := skipToken(s, i)
		if j == i {
			return "", i, false
		}
		if build {
			return string(s[i:j]), j, true
		}
		return "", j, true
	}
	start := i + 1
	escaped := false
	for i = start; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' {
			i++
			escaped = true
			if i == len(s) {
				return "", i, false
			}
		}
		if !tcharTable[s[i]] {
			return "", i, false
		}
	}
	if i == len(s) || i == start {
		return "", i, false // unterminated, or "" which is not a token
	}
	end := i + 1
	if !build {
		return "", end, true
	}
	if !escaped {
		return string(s[start:i]), end, true
	}
	v := make([]byte, 0, i-start)
	for k := start; k < i; k++ {
		if s[k] == '\\' {
			k++
		}
		v = append(v, s[k])
	}
	return string(v), end, true
}

// skipToken returns the index of the first byte at or after i that is not
// a tchar.
func skipToken[S text](s S, i int) int {
	for i < len(s) && tcharTable[s[i]] {
		i++
	}
	return i
}

// skipOWS returns the index of the first byte at or after i that is not
// SP or HTAB.
func skipOWS[S text](s S, i int) int {
	for i < len(s) && isOWS(s[i]) {
		i++
	}
	return i
}

// AppendExtensions appends exts to dst formatted as a
// Sec-WebSocket-Extensions field value, "name; param=value, name2", and
// returns the extended slice. Values are written as bare tokens: since a
// value must be a token even when quoted (RFC 6455, Section 9.1), quoting
// is never needed. AppendExtensions(nil, exts) parses back to exts with
// [ParseExtensions].
//
// AppendExtensions panics if a name or a non-empty value is not a token:
// extensions come from the program, not the peer; see [IsToken].
func AppendExtensions(dst []byte, exts []Extension) []byte {
	for i, e := range exts {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if !isToken(e.Name) {
			panic("handshake.AppendExtensions: extension name " + strconv.Quote(e.Name) + " is not a token")
		}
		dst = append(dst, e.Name...)
		for _, p := range e.Params {
			if !isToken(p.Name) {
				panic("handshake.AppendExtensions: parameter name " + strconv.Quote(p.Name) + " is not a token")
			}
			dst = append(dst, "; "...)
			dst = append(dst, p.Name...)
			if p.Value == "" {
				continue
			}
			if !isToken(p.Value) {
				panic("handshake.AppendExtensions: parameter value " + strconv.Quote(p.Value) + " is not a token")
			}
			dst = append(dst, '=')
			dst = append(dst, p.Value...)
		}
	}
	return dst
}

// badExtension returns the first name or value in exts that is not a
// token, if any: what AppendExtensions would panic on.
func badExtension(exts []Extension) (string, bool) {
	for _, e := range exts {
		if !isToken(e.Name) {
			return e.Name, true
		}
		for _, p := range e.Params {
			if !isToken(p.Name) {
				return p.Name, true
			}
			if p.Value != "" && !isToken(p.Value) {
				return p.Value, true
			}
		}
	}
	return "", false
}
