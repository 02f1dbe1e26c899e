package handshake

import "encoding/binary"

// text is the type set of the header bytes this package reads: strings from
// net/http and byte slices from a raw request. Generic helpers over text
// let both paths share one implementation without converting.
type text interface{ ~string | ~[]byte }

// Byte classes of RFC 9110, Section 5.6.2 (tchar) and 5.5 (field-vchar),
// and the bytes a Host value may hold (reg-name, IP-literal, port).
var (
	tcharTable = byteTable("!#$%&'*+-.^_`|~" + digits + alphas)
	hostTable  = byteTable("!$%&'()*+,-.:;=[]_~" + digits + alphas)
)

const (
	digits = "0123456789"
	alphas = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

func byteTable(set string) (t [256]bool) {
	for i := 0; i < len(set); i++ {
		t[set[i]] = true
	}
	return t
}

// IsToken reports whether s is an RFC 9110 token: one or more of the
// characters allowed in header field names, methods, subprotocol names and
// extension names and parameters.
func IsToken(s string) bool { return isToken(s) }

func isToken[S text](s S) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tcharTable[s[i]] {
			return false
		}
	}
	return true
}

// validFieldValue reports whether s holds only field-vchar, SP and HTAB
// (RFC 9110, Section 5.5): no control characters, so no CR, LF or NUL.
// obs-text (bytes 0x80 and up) is allowed. It tests eight bytes at a time
// and looks at single bytes only in words that hold a byte under 0x20
// (HTAB is one) or DEL.
func validFieldValue(s []byte) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for len(s) >= 8 {
		w := binary.LittleEndian.Uint64(s)
		// A byte under 0x20 with its high bit clear, or a zero byte in
		// w XOR DEL, sets a high bit (Hacker's Delight, "haszero").
		x := w ^ (0x7f * ones)
		if ((w-0x20*ones)&^w|(x-ones)&^x)&highs != 0 && !validFieldBytes(s[:8]) {
			return false
		}
		s = s[8:]
	}
	return validFieldBytes(s)
}

// validFieldBytes is validFieldValue one byte at a time.
func validFieldBytes(s []byte) bool {
	for _, c := range s {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// validHost reports whether s is a non-empty run of the bytes a Host value
// may hold, the check net/http's server applies.
func validHost[S text](s S) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !hostTable[s[i]] {
			return false
		}
	}
	return true
}

// lower returns the ASCII lower case of c, by table to stay branch-free.
func lower(c byte) byte { return lowerTable[c] }

var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// equalFold reports whether s equals t under ASCII case folding.
func equalFold[S, T text](s S, t T) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != lower(t[i]) {
			return false
		}
	}
	return true
}

// equal reports whether s and t hold the same bytes.
func equal[S, T text](s S, t T) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

// trimOWS strips optional whitespace (SP and HTAB) from both ends of s.
func trimOWS[S text](s S) S {
	i, j := 0, len(s)
	for i < j && isOWS(s[i]) {
		i++
	}
	for j > i && isOWS(s[j-1]) {
		j--
	}
	return s[i:j]
}

// nextElement returns the element of the comma-separated list s that
// starts at i, without surrounding whitespace, and the index just past its
// comma. Elements may be empty, as RFC 9110, Section 5.6.1 allows.
// Callers loop while i < len(s).
func nextElement[S text](s S, i int) (elem S, next int) {
	j := i
	for j < len(s) && s[j] != ',' {
		j++
	}
	next = j
	if j < len(s) {
		next++
	}
	return trimOWS(s[i:j]), next
}

// hasTokenFold reports whether the comma-separated list s has an element
// equal to token under ASCII case folding, as Upgrade and Connection are
// compared (RFC 6455, Section 4.2.1).
func hasTokenFold[S text](s S, token string) bool {
	for i := 0; i < len(s); {
		var e S
		e, i = nextElement(s, i)
		if equalFold(e, token) {
			return true
		}
	}
	return false
}

// hasToken reports whether the comma-separated list s has an element
// equal to token byte for byte, as subprotocols are compared (RFC 7936).
func hasToken[S text](s S, token string) bool {
	for i := 0; i < len(s); {
		var e S
		e, i = nextElement(s, i)
		if equal(e, token) {
			return true
		}
	}
	return false
}

// validTokenList reports whether s is a 1#token list: one or more tokens
// separated by commas, with optional whitespace and empty elements
// (RFC 9110, Section 5.6.1).
func validTokenList[S text](s S) bool {
	n := 0
	for i := 0; i < len(s); {
		var e S
		e, i = nextElement(s, i)
		if len(e) == 0 {
			continue
		}
		if !isToken(e) {
			return false
		}
		n++
	}
	return n > 0
}

// ContainsToken reports whether any of values, each a comma-separated list
// as in the Connection and Upgrade headers, has an element equal to token
// under ASCII case folding. Values are the header's field values in order,
// so a list split over several header lines is searched whole; for example
// ContainsToken([]string{"keep-alive, Upgrade"}, "upgrade") is true.
func ContainsToken(values []string, token string) bool {
	for _, v := range values {
		if hasTokenFold(v, token) {
			return true
		}
	}
	return false
}
