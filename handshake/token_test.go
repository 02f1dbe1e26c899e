package handshake_test

import (
	"bytes"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

func TestContainsToken(t *testing.T) {
	tests := []struct {
		values []string
		token  string
		want   bool
	}{
		{[]string{"Upgrade"}, "upgrade", true},
		{[]string{"keep-alive, Upgrade"}, "upgrade", true},
		{[]string{"keep-alive", "Upgrade"}, "upgrade", true},
		{[]string{" ,, UPGRADE ,"}, "upgrade", true},
		{[]string{"keep-alive,\tupgrade\t"}, "upgrade", true},
		{[]string{"websocket"}, "WebSocket", true},
		{[]string{"keep-alive"}, "upgrade", false},
		{[]string{"upgrades"}, "upgrade", false},
		{[]string{"up grade"}, "upgrade", false},
		{[]string{"upgrade;q=1"}, "upgrade", false},
		{[]string{""}, "upgrade", false},
		{nil, "upgrade", false},
	}
	for _, tc := range tests {
		if got := handshake.ContainsToken(tc.values, tc.token); got != tc.want {
			t.Errorf("ContainsToken(%q, %q) = %v, want %v", tc.values, tc.token, got, tc.want)
		}
	}
}

func TestIsToken(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"chat", true},
		{"v1.chat", true},
		{"!#$%&'*+-.^_`|~09azAZ", true},
		{"", false},
		{"a b", false},
		{"a,b", false},
		{"a;b", false},
		{`"a"`, false},
		{"a/b", false},
		{"a=b", false},
		{"caf\xc3\xa9", false},
		{"a\x00", false},
		{"a\x7f", false},
	}
	for _, tc := range tests {
		if got := handshake.IsToken(tc.s); got != tc.want {
			t.Errorf("IsToken(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
	// Every delimiter of RFC 9110, Section 5.6.2 is excluded.
	for _, c := range `"(),/:;<=>?@[\]{}` {
		if handshake.IsToken("a" + string(c)) {
			t.Errorf("IsToken(%q) = true, want false", "a"+string(c))
		}
	}
}

// TestValidFieldValue puts every byte value at every position of values
// of lengths 1 to 24, so that the word-at-a-time loop meets each byte in
// each lane and in the tail.
func TestValidFieldValue(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = byte(c)
				want := c == '\t' || c >= ' ' && c != 0x7f
				if got := handshake.ValidFieldValue(b); got != want {
					t.Fatalf("ValidFieldValue(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
	// Bytes that trip the word test without being invalid.
	for _, s := range []string{"\t\t\t\t\t\t\t\t\t", "\x80\xff\x80\xff\x80\xff\x80\xff", " !\x7e\x80 \t ~~"} {
		if !handshake.ValidFieldValue([]byte(s)) {
			t.Errorf("ValidFieldValue(%q) = false, want true", s)
		}
	}
}
