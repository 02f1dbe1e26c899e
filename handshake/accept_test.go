package handshake_test

import (
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

// refAccept computes Sec-WebSocket-Accept the obvious way.
func refAccept(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestAcceptKey(t *testing.T) {
	tests := []struct{ key, want string }{
		// RFC 6455, Section 1.3.
		{rfcKey, rfcAccept},
		// The key of browserRequest, as in MDN's guide to writing
		// WebSocket servers.
		{"x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="},
		{"", refAccept("")},
		{strings.Repeat("k", 64), refAccept(strings.Repeat("k", 64))},
		{strings.Repeat("k", 65), refAccept(strings.Repeat("k", 65))},
		{strings.Repeat("k", 1000), refAccept(strings.Repeat("k", 1000))},
	}
	for _, tc := range tests {
		if got := handshake.AcceptKey(tc.key); got != tc.want {
			t.Errorf("AcceptKey(%q) = %q, want %q", tc.key, got, tc.want)
		}
		got := handshake.AppendAcceptKey([]byte("prefix"), []byte(tc.key))
		if string(got) != "prefix"+tc.want {
			t.Errorf("AppendAcceptKey(prefix, %q) = %q, want %q", tc.key, got, "prefix"+tc.want)
		}
		if len(tc.want) != handshake.AcceptKeyLen {
			t.Errorf("len(AcceptKey(%q)) = %d, want AcceptKeyLen", tc.key, len(tc.want))
		}
	}
}

func TestAppendAcceptKeyAllocs(t *testing.T) {
	key := []byte(rfcKey)
	dst := make([]byte, 0, handshake.AcceptKeyLen)
	allocs := testing.AllocsPerRun(100, func() {
		dst = handshake.AppendAcceptKey(dst[:0], key)
	})
	if allocs != 0 {
		t.Errorf("AppendAcceptKey allocates %v times, want 0", allocs)
	}
	if string(dst) != rfcAccept {
		t.Errorf("AppendAcceptKey = %q, want %q", dst, rfcAccept)
	}
}

func TestValidKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{rfcKey, true},
		{"AAAAAAAAAAAAAAAAAAAAAA==", true},
		{"/////////////////////w==", true},
		{"dGhlIHNhbXBsZSBub25jZR==", false}, // non-zero padding bits
		{"dGhlIHNhbXBsZSBub25jZQ=", false},
		{"dGhlIHNhbXBsZSBub25jZQ", false},
		{"dGhlIHNhbXBsZSBub25j", false},       // 15 bytes
		{"dGhlIHNhbXBsZSBub25jZSE=", false},   // 17 bytes
		{"dGhlIHNhbXBsZSBub25jZQ==\n", false}, // std decoder skips newlines
		{"dGhlIHNhbXBsZSBub2_jZQ==", false},   // URL alphabet
		{"dGhlIHNhbXBsZSBub2 jZQ==", false},
		{"dGhlIHNhbXBsZSBub25j====", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := handshake.ValidKey(tc.key); got != tc.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

// TestValidKeyMatchesDecoder compares ValidKey with the strict decoder of
// encoding/base64 on every value of the last two data characters.
func TestValidKeyMatchesDecoder(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ !"
	for i := 0; i < len(alphabet); i++ {
		for j := 0; j < len(alphabet); j++ {
			key := "dGhlIHNhbXBsZSBub25j" + string(alphabet[i]) + string(alphabet[j]) + "=="
			b, err := base64.StdEncoding.Strict().DecodeString(key)
			want := err == nil && len(b) == 16
			if got := handshake.ValidKey(key); got != want {
				t.Errorf("ValidKey(%q) = %v, strict decoder says %v", key, got, want)
			}
		}
	}
}

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		key, err := handshake.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if !handshake.ValidKey(key) || len(key) != handshake.KeyLen {
			t.Fatalf("NewKey() = %q, not a valid key", key)
		}
		if seen[key] {
			t.Fatalf("NewKey() repeated %q", key)
		}
		seen[key] = true
	}
}
