//go:build race

package protocol_test

// utf8RaceEnabled thins the exhaustive UTF-8 tests, whose Go reference code
// the race detector slows tenfold; the assembly it does not instrument.
const utf8RaceEnabled = true
