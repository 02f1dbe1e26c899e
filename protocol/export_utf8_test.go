package protocol

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
// validators use), those of utf8AsmImpls, and the dispatch behind the
// exported API, last.
var UTF8Impls = append(append([]UTF8Impl{
	{"generic", true, validGeneric, func(s UTF8State, p []byte) UTF8State {
		return UTF8State(feedGeneric(uint64(s), p))
	}},
	splitImpl("generic-split", true, validGeneric),
}, utf8AsmImpls...),
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
