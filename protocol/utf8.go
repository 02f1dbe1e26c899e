package protocol

// UTF8Validator checks UTF-8 text that arrives in pieces, such as the
// frames of a fragmented text message (RFC 6455, Section 8.1). It fails
// as soon as a piece holds a byte that no valid text can continue with,
// not only at the end of the message, so an endpoint can fail the
// connection before the rest of the message arrives (RFC 6455, Section
// 8.1: "MUST _Fail the WebSocket Connection_" on invalid UTF-8; the
// Autobahn cases 6.4.x check that it happens at the first bad fragment).
//
// Valid means what [unicode/utf8.Valid] accepts: no overlong forms, no
// surrogates (U+D800 to U+DFFF), nothing above U+10FFFF.
//
// The zero value is ready to use. A UTF8Validator is one byte of state and
// never allocates; it is not safe for concurrent use.
type UTF8Validator struct {
	// state is a state of the DFA of utf8_generic.go: utf8Accept between
	// sequences, utf8Reject once a bad byte has been seen.
	state uint8
}

// Feed reports whether everything fed so far, followed by p, is still a
// prefix of some valid UTF-8 text. p may end in the middle of a sequence;
// the next call continues it. Once Feed has returned false it returns
// false until [UTF8Validator.Reset].
func (v *UTF8Validator) Feed(p []byte) bool {
	if v.state == utf8Reject {
		return false
	}
	s := feedUTF8(uint64(v.state), p)
	v.state = uint8(s)
	return s != utf8Reject
}

// Done reports whether everything fed so far is complete, valid UTF-8,
// with no sequence left unfinished. Call it at the end of a message.
func (v *UTF8Validator) Done() bool {
	return v.state == utf8Accept
}

// Reset makes v ready for a new message, as the zero value is.
func (v *UTF8Validator) Reset() {
	v.state = utf8Accept
}

// ValidUTF8 reports whether p is entirely valid UTF-8. It gives the same
// answers as [unicode/utf8.Valid], faster: it uses SIMD instructions where
// the CPU has them.
func ValidUTF8(p []byte) bool {
	return validUTF8(p)
}

// feedSplit is a Feed for validators of whole texts, such as the SIMD
// ones: it returns the DFA state after s and p, running valid over the
// bulk of p and the DFA only over the few bytes at either end.
//
// Valid UTF-8 text splits uniquely into sequences, each starting at the
// only kind of byte that is not a continuation byte (10xxxxxx). So once
// the sequence carried over in s is finished, p is a valid prefix if and
// only if, for any index j where p[j] is not a continuation byte, p[:j] is
// complete, valid text and p[j:] is a valid prefix. feedSplit takes the
// last such j among the final four bytes: the DFA then covers at most
// four bytes. When the final four bytes are all continuation bytes no
// such j exists, and none is needed: a sequence has at most three
// continuation bytes, so p cannot be a valid prefix.
func feedSplit(s uint64, p []byte, valid func([]byte) bool) uint64 {
	// Finish the sequence carried over from the previous piece: it needs
	// three bytes at most.
	for s != utf8Accept {
		if s == utf8Reject || len(p) == 0 {
			return s
		}
		s = utf8Table[p[0]] >> s & 63
		p = p[1:]
	}
	n := len(p)
	if n == 0 {
		return utf8Accept
	}
	j := n
	if p[n-1] >= 0x80 {
		j = n - 1
		for j > 0 && j > n-4 && p[j]&0xC0 == 0x80 {
			j--
		}
		if p[j]&0xC0 == 0x80 {
			return utf8Reject
		}
	}
	if !valid(p[:j]) {
		return utf8Reject
	}
	return feedGeneric(utf8Accept, p[j:])
}
