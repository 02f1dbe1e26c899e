//go:build !race

package protocol_test

const utf8RaceEnabled = false
