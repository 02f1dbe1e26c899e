package protocol

import (
	"bytes"
	"fmt"

	"github.com/wirefast/websocket/mask"
)

// UTF8Impl is one implementation of the UTF-8 validator, for tests and
// benchmarks.
type UTF8Impl struct {
	Name string
	// Available reports whether this CPU can run the implementation;
	// tests and benchmarks skip it otherwise.
	Available bool
	// Valid is ValidUTF8 through this implementation.
	Valid func(p []byte) bool
	// Feed returns the state of a UTF8Validator after Feed(p) from state s,
	// both given as UTF8State values.
	Feed func(s UTF8State, p []byte) UTF8State
}

// UTF8State is the state of a UTF8Validator.
type UTF8State = uint8

// States of a UTF8Validator: between sequences, and failed.
const (
	UTF8Accept UTF8State = utf8Accept
	UTF8Reject UTF8State = utf8Reject
)

// State returns v's state.
func (v *UTF8Validator) State() UTF8State { return v.state }

// UTF8Impls lists every implementation compiled into this build: the
// DFA alone, the DFA under feedSplit (the boundary logic the SIMD
// validators use), those of utf8AsmImpls, the functions that unmask as
// they validate, and the dispatch behind the exported API, last.
var UTF8Impls = append(append([]UTF8Impl{
	{"generic", true, validGeneric, func(s UTF8State, p []byte) UTF8State {
		return UTF8State(feedGeneric(uint64(s), p))
	}},
	splitImpl("generic-split", true, validGeneric),
}, utf8AsmImpls...),
	UTF8Impl{"masked", true, validMaskedCopy, func(s UTF8State, p []byte) UTF8State {
		v := UTF8Validator{state: s}
		feedMaskedCopy(&v, p)
		return v.state
	}},
	UTF8Impl{"dispatch", true, validUTF8, func(s UTF8State, p []byte) UTF8State {
		var v UTF8Validator
		v.state = s
		v.Feed(p)
		return v.state
	}},
)

// splitImpl makes the implementation that runs valid under feedSplit.
func splitImpl(name string, available bool, valid func([]byte) bool) UTF8Impl {
	return UTF8Impl{name, available, valid, func(s UTF8State, p []byte) UTF8State {
		return UTF8State(feedSplit(uint64(s), p, valid))
	}}
}

// UTF8Thresholds lists the lengths at which the dispatch switches between
// implementations, so tests can probe either side.
var UTF8Thresholds = utf8Thresholds

// maskedCopy returns p masked with a key and a starting key position
// that vary with len(p), and the buffer to unmask it into: the masked
// copy itself for even lengths, another for odd ones.
func maskedCopy(p []byte) (key [4]byte, pos int, dst, src []byte) {
	key = [4]byte{0x9e, byte(len(p)), 0x5a, 0xc3}
	pos = len(p) % 4
	src = make([]byte, len(p))
	copy(src, p)
	mask.Apply(key, pos, src)
	dst = src
	if len(p)%2 == 1 {
		dst = make([]byte, len(p))
	}
	return key, pos, dst, src
}

// validMaskedCopy is ValidUTF8 through ValidUTF8Masked on a masked copy
// of p. It panics if ValidUTF8Masked does not restore p: the UTF8Impl
// tests then fail loudly.
func validMaskedCopy(p []byte) bool {
	key, pos, dst, src := maskedCopy(p)
	n, ok := ValidUTF8Masked(key, pos, dst, src)
	if n != len(p) || !bytes.Equal(dst, p) {
		panic(fmt.Sprintf("ValidUTF8Masked(%d bytes, pos %d) = %d bytes, not them unmasked", len(p), pos, n))
	}
	return ok
}

// feedMaskedCopy feeds p to v through FeedMasked on a masked copy of p.
// It panics if FeedMasked does not restore p or returns the wrong count
// or key position.
func feedMaskedCopy(v *UTF8Validator, p []byte) bool {
	key, pos, dst, src := maskedCopy(p)
	n, next, ok := v.FeedMasked(key, pos, dst, src)
	if n != len(p) || !bytes.Equal(dst, p) {
		panic(fmt.Sprintf("FeedMasked(%d bytes, pos %d) = %d bytes, not them unmasked", len(p), pos, n))
	}
	if want := (pos + len(p)) % 4; next != want {
		panic(fmt.Sprintf("FeedMasked(%d bytes, pos %d) returned key position %d, want %d", len(p), pos, next, want))
	}
	return ok
}
