package autobahn

import (
	"testing"
	"unicode/utf8"
)

func TestUTF8ValidatorMatchesStdlib(t *testing.T) {
	var inputs [][]byte
	for _, g := range utf8Groups() {
		inputs = append(inputs, g.payloads...)
	}
	inputs = append(inputs, greek, helloU, x3, x4, []byte("plain ASCII longer than eight bytes"), nil)
	for _, in := range inputs {
		want := utf8.Valid(in)
		if got := validUTF8(in); got != want {
			t.Errorf("validUTF8(%x) = %v, want %v", in, got, want)
		}
		// Every two-way split gives the same answer.
		for i := 0; i <= len(in); i++ {
			var v utf8Validator
			ok := v.Write(in[:i]) < 0 && v.Write(in[i:]) < 0 && v.Complete()
			if ok != want {
				t.Errorf("split %x|%x = %v, want %v", in[:i], in[i:], ok, want)
			}
		}
	}
}

// TestUTF8FailFast checks the index of the first byte a strict incremental
// validator rejects, as the catalogue's I@k classes give it.
func TestUTF8FailFast(t *testing.T) {
	tests := []struct {
		in   []byte
		want int
	}{
		{mustHex("f8 88 80 80 80"), 0}, {mustHex("f4 90 80 80"), 1}, {mustHex("80"), 0},
		{mustHex("e0 20"), 1}, {mustHex("c0 af"), 0}, {mustHex("e0 80 af"), 1},
		{mustHex("ed a0 80"), 1}, {mustHex("f0 8f bf bf"), 1}, {x3, 12}, {x4, 12},
		{mustHex("ce"), -1}, {greek, -1},
	}
	for _, tc := range tests {
		var v utf8Validator
		if got := v.Write(tc.in); got != tc.want {
			t.Errorf("Write(%x) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestUTF8ValidatorAllTwoAndThreeByteSequences(t *testing.T) {
	for a := range 256 {
		for b := range 256 {
			in := []byte{byte(a), byte(b)}
			if got, want := validUTF8(in), utf8.Valid(in); got != want {
				t.Fatalf("validUTF8(%x) = %v, want %v", in, got, want)
			}
			if testing.Short() {
				continue
			}
			for _, c := range []byte{0x00, 0x80, 0xbf, 0xc0} {
				in := []byte{byte(a), byte(b), c}
				if got, want := validUTF8(in), utf8.Valid(in); got != want {
					t.Fatalf("validUTF8(%x) = %v, want %v", in, got, want)
				}
			}
		}
	}
}
