package protocol_test

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/protocol"
)

// maxFuzzUTF8 caps the inputs of FuzzUTF8, in bytes: enough for several
// 64-byte SIMD blocks and every code path, small enough to stay fast.
const maxFuzzUTF8 = 4096

// FuzzUTF8 checks every implementation on an input and on a valid text
// derived from it (invalid bytes replaced, then one byte changed), each
// fed whole and in three pieces cut at the two given points: ValidUTF8 and
// Done must agree with utf8.Valid, each Feed with the reference utf8FirstBad,
// and the state after each piece with a validator fed byte by byte.
func FuzzUTF8(f *testing.F) {
	for _, tc := range utf8Cases {
		n := uint16(len(tc.in))
		f.Add([]byte(tc.in), n/3, 2*n/3)
	}
	for _, text := range utf8Texts() {
		n := uint16(len(text))
		f.Add(text, uint16(31), n-33)
		f.Add(text[:n/2], n/4, n/3)
	}
	f.Fuzz(func(t *testing.T, data []byte, cut1, cut2 uint16) {
		if len(data) > maxFuzzUTF8 {
			data = data[:maxFuzzUTF8]
		}
		checkFuzzUTF8(t, data, int(cut1), int(cut2))
		valid := bytes.ToValidUTF8(data, []byte("\uFFFD"))
		if len(valid) > 0 {
			checkFuzzUTF8(t, valid, int(cut1), int(cut2))
			changed := bytes.Clone(valid)
			changed[int(cut1)%len(changed)] ^= byte(cut2)
			checkFuzzUTF8(t, changed, int(cut2), int(cut1))
		}
	})
}

func checkFuzzUTF8(t *testing.T, p []byte, cut1, cut2 int) {
	t.Helper()
	n := len(p)
	a, b := min(cut1, n), min(cut2, n)
	if a > b {
		a, b = b, a
	}
	valid := utf8.Valid(p)
	bad := utf8FirstBad(p)

	// The state after each piece, from a validator fed byte by byte.
	var ref protocol.UTF8Validator
	var want [3]protocol.UTF8State
	for i := 0; i <= n; i++ {
		if i > 0 {
			ref.Feed(p[i-1 : i])
		}
		if i == a {
			want[0] = ref.State()
		}
		if i == b {
			want[1] = ref.State()
		}
	}
	want[2] = ref.State()
	if got := want[2] != protocol.UTF8Reject; got != (bad == n) {
		t.Fatalf("byte by byte: Feed(%x) = %v, utf8FirstBad = %d of %d", p, got, bad, n)
	}

	for _, impl := range utf8Impls(t) {
		if got := impl.Valid(p); got != valid {
			t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
		}
		s := impl.Feed(protocol.UTF8Accept, p)
		if s != want[2] {
			t.Fatalf("%s: Feed(%x): state %d, want %d", impl.Name, p, s, want[2])
		}
		s = protocol.UTF8Accept
		for i, piece := range [][]byte{p[:a], p[a:b], p[b:]} {
			s = impl.Feed(s, piece)
			end := [3]int{a, b, n}[i]
			if got := s != protocol.UTF8Reject; got != (end <= bad) {
				t.Fatalf("%s: Feed of %x cut at %d and %d: %v after %d bytes, want %v", impl.Name, p, a, b, got, end, end <= bad)
			}
			if s != want[i] {
				t.Fatalf("%s: Feed of %x cut at %d and %d: state %d after %d bytes, want %d", impl.Name, p, a, b, s, end, want[i])
			}
		}
		if got := s == protocol.UTF8Accept; got != valid {
			t.Fatalf("%s: Done after %x = %v, want %v", impl.Name, p, got, valid)
		}
	}
}
