package protocol_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/wirefast/websocket/protocol"
)

// utf8Impls returns the implementations this CPU can run.
func utf8Impls(t testing.TB) []protocol.UTF8Impl {
	var impls []protocol.UTF8Impl
	for _, impl := range protocol.UTF8Impls {
		if impl.Available {
			impls = append(impls, impl)
		} else {
			t.Logf("skipping %s: not supported by this CPU", impl.Name)
		}
	}
	return impls
}

// utf8Cases are texts with the index of their first bad byte (-1 when
// they are a valid prefix) and, for those, whether they are complete.
var utf8Cases = []struct {
	name   string
	in     string
	failAt int
	done   bool
}{
	{"empty", "", -1, true},
	{"ascii", "hello, world", -1, true},
	{"nul", "\x00", -1, true},
	{"del", "\x7f", -1, true},
	{"2-byte min U+0080", "\xc2\x80", -1, true},
	{"2-byte max U+07FF", "\xdf\xbf", -1, true},
	{"3-byte min U+0800", "\xe0\xa0\x80", -1, true},
	{"3-byte U+0FFF", "\xe0\xbf\xbf", -1, true},
	{"3-byte U+1000", "\xe1\x80\x80", -1, true},
	{"3-byte U+D7FF", "\xed\x9f\xbf", -1, true},
	{"3-byte U+E000", "\xee\x80\x80", -1, true},
	{"3-byte U+FFFD", "\xef\xbf\xbd", -1, true},
	{"3-byte max U+FFFF", "\xef\xbf\xbf", -1, true},
	{"4-byte min U+10000", "\xf0\x90\x80\x80", -1, true},
	{"4-byte U+3FFFF", "\xf0\xbf\xbf\xbf", -1, true},
	{"4-byte U+40000", "\xf1\x80\x80\x80", -1, true},
	{"4-byte U+FFFFF", "\xf3\xbf\xbf\xbf", -1, true},
	{"4-byte U+100000", "\xf4\x80\x80\x80", -1, true},
	{"4-byte max U+10FFFF", "\xf4\x8f\xbf\xbf", -1, true},
	{"mixed", "Grüße, 世界 😀!", -1, true},

	{"truncated 2-byte", "\xc3", -1, false},
	{"truncated 3-byte of 1", "\xe2", -1, false},
	{"truncated 3-byte of 2", "\xe2\x82", -1, false},
	{"truncated 4-byte of 1", "\xf0", -1, false},
	{"truncated 4-byte of 2", "\xf0\x9f", -1, false},
	{"truncated 4-byte of 3", "\xf0\x9f\x98", -1, false},
	{"truncated after text", "κόσμε\xf4\x8f", -1, false},
	{"truncated E0 A0", "\xe0\xa0", -1, false},
	{"truncated ED 9F", "\xed\x9f", -1, false},
	{"truncated F4 8F BF", "\xf4\x8f\xbf", -1, false},

	{"stray continuation 80", "\x80", 0, false},
	{"stray continuation BF", "\xbf", 0, false},
	{"continuation after ascii", "a\x80", 1, false},
	{"continuation after 2-byte", "\xc3\xa9\x80", 2, false},
	{"continuation after 3-byte", "\xe2\x82\xac\xbf", 3, false},
	{"4 continuations after F0", "\xf0\x9f\x98\x80\x80", 4, false},
	{"continuation run", "\x80\x80\x80\x80\x80", 0, false},

	{"overlong C0 80", "\xc0\x80", 0, false},
	{"overlong C1 BF", "\xc1\xbf", 0, false},
	{"overlong C0 alone", "\xc0", 0, false},
	{"overlong E0 80 80", "\xe0\x80\x80", 1, false},
	{"overlong E0 9F BF", "\xe0\x9f\xbf", 1, false},
	{"overlong F0 80 80 80", "\xf0\x80\x80\x80", 1, false},
	{"overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", 1, false},

	{"surrogate U+D800", "\xed\xa0\x80", 1, false},
	{"surrogate U+DBFF", "\xed\xaf\xbf", 1, false},
	{"surrogate U+DC00", "\xed\xb0\x80", 1, false},
	{"surrogate U+DFFF", "\xed\xbf\xbf", 1, false},
	{"surrogate pair", "\xed\xa0\xbd\xed\xb8\x80", 1, false},

	{"above max F4 90", "\xf4\x90\x80\x80", 1, false},
	{"above max F4 BF", "\xf4\xbf\xbf\xbf", 1, false},
	{"above max F5", "\xf5\x80\x80\x80", 0, false},
	{"above max F7", "\xf7\xbf\xbf\xbf", 0, false},
	{"5-byte form F8", "\xf8\x88\x80\x80\x80", 0, false},
	{"6-byte form FC", "\xfc\x84\x80\x80\x80\x80", 0, false},
	{"FE", "\xfe", 0, false},
	{"FF", "\xff", 0, false},

	{"2-byte then ascii", "\xc3A", 1, false},
	{"3-byte then ascii after 1", "\xe2A", 1, false},
	{"3-byte then ascii after 2", "\xe2\x82A", 2, false},
	{"4-byte then ascii after 3", "\xf0\x9f\x98A", 3, false},
	{"lead then lead", "\xe2\xc3\xa9", 1, false},
	{"4-byte then lead after 2", "\xf0\x9f\xf0\x9f\x98\x80", 2, false},
	{"bad after text", "Grüße\xc0", 7, false},
	{"bad after CJK", "世界\xff世界", 6, false},

	// Autobahn case 6.4.1: κόσμε, then a code point above U+10FFFF.
	{"autobahn 6.4.1", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74\x65\x64", 12, false},
}

// TestUTF8ValidatorFailsAtFirstBadByte feeds every case byte by byte:
// Feed must turn false exactly at the first bad byte and stay false.
func TestUTF8ValidatorFailsAtFirstBadByte(t *testing.T) {
	for _, impl := range utf8Impls(t) {
		for _, tc := range utf8Cases {
			t.Run(impl.Name+"/"+tc.name, func(t *testing.T) {
				s := protocol.UTF8Accept
				for i := range len(tc.in) {
					s = impl.Feed(s, []byte(tc.in[i:i+1]))
					ok := s != protocol.UTF8Reject
					want := tc.failAt < 0 || i < tc.failAt
					if ok != want {
						t.Fatalf("Feed(%q) byte %d (%#02x) = %v, want %v", tc.in, i, tc.in[i], ok, want)
					}
				}
				if got, want := s == protocol.UTF8Accept, tc.failAt < 0 && tc.done; got != want {
					t.Errorf("Done after %q = %v, want %v", tc.in, got, want)
				}
			})
		}
	}
}

// TestUTF8Cases checks the cases fed whole, alone and inside long texts
// so that the SIMD paths see them at many positions in a block, and
// checks the reference against the table.
func TestUTF8Cases(t *testing.T) {
	pads := []string{"", "a", "ab", "abc", strings.Repeat("x", 29), strings.Repeat("x", 31),
		strings.Repeat("y", 61), strings.Repeat("é", 40), strings.Repeat("世", 21), strings.Repeat("😀", 17)}
	for _, tc := range utf8Cases {
		valid := tc.failAt < 0 && tc.done
		if got := utf8.ValidString(tc.in); got != valid {
			t.Fatalf("table: utf8.ValidString(%q) = %v, want %v", tc.in, got, valid)
		}
		wantBad := tc.failAt
		if wantBad < 0 {
			wantBad = len(tc.in)
		}
		if got := utf8FirstBad([]byte(tc.in)); got != wantBad {
			t.Fatalf("reference: utf8FirstBad(%q) = %d, want %d", tc.in, got, wantBad)
		}
		for _, pre := range pads {
			for _, post := range []string{"", "z", strings.Repeat("z", 40)} {
				in := []byte(pre + tc.in + post)
				checkUTF8(t, in)
			}
		}
	}
}

// checkUTF8 checks every implementation on p, whole and split in two at
// every point, against utf8.Valid and utf8FirstBad.
func checkUTF8(t *testing.T, p []byte) {
	t.Helper()
	valid := utf8.Valid(p)
	bad := utf8FirstBad(p)
	for _, impl := range utf8Impls(t) {
		if got := impl.Valid(p); got != valid {
			t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
		}
		for a := 0; a <= len(p); a++ {
			s := impl.Feed(protocol.UTF8Accept, p[:a])
			if got, want := s != protocol.UTF8Reject, a <= bad; got != want {
				t.Fatalf("%s: Feed(%x) = %v, want %v", impl.Name, p[:a], got, want)
			}
			s = impl.Feed(s, p[a:])
			if got, want := s != protocol.UTF8Reject, bad == len(p); got != want {
				t.Fatalf("%s: Feed(%x), Feed(%x) = %v, want %v", impl.Name, p[:a], p[a:], got, want)
			}
			if got := s == protocol.UTF8Accept; got != valid {
				t.Fatalf("%s: Done after Feed(%x), Feed(%x) = %v, want %v", impl.Name, p[:a], p[a:], got, valid)
			}
		}
	}
}

// TestUTF8ValidatorAutobahn6_4 feeds the fragments of Autobahn cases
// 6.4.1 to 6.4.4: the validator must fail on the fragment holding the
// first bad byte, before the rest of the message arrives.
func TestUTF8ValidatorAutobahn6_4(t *testing.T) {
	tests := []struct {
		name      string
		fragments []string
		failOn    int // index of the fragment Feed must reject
	}{
		{"6.4.1", []string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80", "\x65\x64\x69\x74\x65\x64"}, 1},
		{"6.4.2", []string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4", "\x90", "\x80\x80\x65\x64\x69\x74\x65\x64"}, 1},
		{"6.4.3", []string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80", "\x65\x64\x69\x74\x65\x64"}, 1},
		{"6.4.4", []string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4", "\x90", "\x80\x80\x65\x64\x69\x74\x65\x64"}, 2},
		{"long first fragment", []string{strings.Repeat("κόσμε ", 50) + "\xed\xa0\x80", strings.Repeat("x", 100)}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v protocol.UTF8Validator
			for i, f := range tc.fragments {
				if got, want := v.Feed([]byte(f)), i < tc.failOn; got != want {
					t.Fatalf("Feed(fragment %d %q) = %v, want %v", i, f, got, want)
				}
			}
			if v.Done() {
				t.Error("Done() = true after an invalid message")
			}
		})
	}
}

func TestUTF8ValidatorResetAndStickyFailure(t *testing.T) {
	var v protocol.UTF8Validator
	if !v.Done() {
		t.Fatal("zero UTF8Validator: Done() = false, want true")
	}
	if !v.Feed([]byte("a\xe2\x82")) || v.Done() {
		t.Fatal("after a truncated sequence: want Feed true, Done false")
	}
	v.Reset()
	if !v.Done() {
		t.Fatal("Reset did not drop the carried sequence")
	}
	if v.Feed([]byte("\xff")) {
		t.Fatal("Feed(FF) = true")
	}
	for _, p := range []string{"", "a", "\xac", strings.Repeat("valid text ", 20)} {
		if v.Feed([]byte(p)) {
			t.Fatalf("Feed(%q) after a failure = true, want false", p)
		}
	}
	if v.Done() {
		t.Fatal("Done() = true after a failure")
	}
	v.Reset()
	if !v.Feed([]byte("€")) || !v.Done() {
		t.Fatal("Reset did not clear the failure")
	}
}

// utf8Representatives are the bytes at the edges of every class the
// validators tell apart: ASCII, the continuation ranges that follow E0,
// ED, F0 and F4, and the lead bytes.
var utf8Representatives = []byte{
	0x00, 0x41, 0x7f,
	0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
	0xc0, 0xc1, 0xc2, 0xdf,
	0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfb, 0xfc, 0xfe, 0xff,
}

// TestUTF8ExhaustiveShort checks every input of up to two bytes, and
// (unless -short) every input of three, whole and split.
func TestUTF8ExhaustiveShort(t *testing.T) {
	impls := utf8Impls(t)
	check := func(p []byte) {
		valid := utf8.Valid(p)
		bad := utf8FirstBad(p)
		for _, impl := range impls {
			if got := impl.Valid(p); got != valid {
				t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
			}
			for a := 0; a <= len(p); a++ {
				s := impl.Feed(protocol.UTF8Accept, p[:a])
				s = impl.Feed(s, p[a:])
				if got, want := s != protocol.UTF8Reject, bad == len(p); got != want {
					t.Fatalf("%s: Feed(%x), Feed(%x) = %v, want %v", impl.Name, p[:a], p[a:], got, want)
				}
				if got := s == protocol.UTF8Accept; got != valid {
					t.Fatalf("%s: Done after %x = %v, want %v", impl.Name, p, got, valid)
				}
			}
		}
	}
	var p [3]byte
	for i := range 1 << 16 {
		p[0], p[1] = byte(i), byte(i>>8)
		check(p[:1])
		check(p[:2])
	}
	if testing.Short() || utf8RaceEnabled {
		t.Log("three-byte inputs left out in -short mode and under the race detector")
		return
	}
	for i := range 1 << 24 {
		p[0], p[1], p[2] = byte(i), byte(i>>8), byte(i>>16)
		valid := utf8.Valid(p[:])
		for _, impl := range impls {
			if got := impl.Valid(p[:]); got != valid {
				t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
			}
		}
	}
}

// TestUTF8RepresentativesAtBlockEdges puts every sequence of up to four
// representative bytes at each position around the 16-, 32- and 64-byte
// block boundaries of the SIMD validators (validAVX512's 64-byte blocks
// start at 32, 96, 160), followed by texts of several
// lengths so that the sequence also ends the text or sits in its last
// block, and compares with utf8.Valid.
func TestUTF8RepresentativesAtBlockEdges(t *testing.T) {
	impls := utf8Impls(t)
	reps := utf8Representatives
	var seqs [][]byte
	for _, a := range reps {
		seqs = append(seqs, []byte{a})
		for _, b := range reps {
			seqs = append(seqs, []byte{a, b})
			for _, c := range reps {
				seqs = append(seqs, []byte{a, b, c})
				// Only three- and four-byte leads look three bytes ahead.
				if a < 0xe0 || b < 0x80 {
					continue
				}
				for _, d := range []byte{0x41, 0x80, 0x8f, 0x90, 0xbf, 0xc2, 0xe0, 0xf0} {
					seqs = append(seqs, []byte{a, b, c, d})
				}
			}
		}
	}
	offsets := []int{0, 1, 13, 14, 15, 16, 17, 28, 29, 30, 31, 32, 33, 60, 61, 62, 63, 64, 65, 93, 94, 95, 96, 97, 157, 158, 159, 160}
	tails := []int{0, 1, 3, 40}
	if testing.Short() || utf8RaceEnabled {
		offsets = []int{0, 15, 30, 31, 62, 63, 64, 95, 159}
		tails = []int{0, 3, 40}
	}
	buf := make([]byte, 0, 256)
	for _, off := range offsets {
		for _, tail := range tails {
			buf = buf[:0]
			for range off {
				buf = append(buf, 'a')
			}
			for _, seq := range seqs {
				buf = append(buf[:off], seq...)
				for range tail {
					buf = append(buf, 'b')
				}
				valid := utf8.Valid(buf)
				for _, impl := range impls {
					if got := impl.Valid(buf); got != valid {
						t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, buf, got, valid)
					}
				}
			}
		}
	}
}

// utf8Texts returns valid texts of a few hundred bytes in several
// scripts, each built from code points at the edges of the 1- to 4-byte
// ranges or from real text.
func utf8Texts() map[string][]byte {
	edges := []rune{0, 0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xfff, 0x1000, 0x4e16, 0xd7ff, 0xe000, 0xfffd, 0xffff,
		0x10000, 0x1f600, 0x3ffff, 0x40000, 0xfffff, 0x100000, 0x10ffff}
	var edgeText []byte
	for range 4 {
		for _, r := range edges {
			edgeText = utf8.AppendRune(edgeText, r)
		}
	}
	return map[string][]byte{
		"ascii":  bytes.Repeat([]byte("The quick brown fox. "), 15),
		"latin":  bytes.Repeat([]byte("Grüße aus Köln, ça va? "), 12),
		"cjk":    bytes.Repeat([]byte("日本語のテキストと中文字符。"), 8),
		"emoji":  bytes.Repeat([]byte("😀🎉👍🏽🚀"), 12),
		"edges":  edgeText,
		"mixed":  bytes.Repeat([]byte("a é 世 😀 "), 20),
		"2-byte": bytes.Repeat([]byte("αβγδεζηθ"), 20),
	}
}

// TestUTF8PrefixesAndSplits checks every prefix of the texts (so every
// way a text can end inside a sequence, at every block offset) and every
// split of the texts in two.
func TestUTF8PrefixesAndSplits(t *testing.T) {
	for name, text := range utf8Texts() {
		t.Run(name, func(t *testing.T) {
			n := len(text)
			if testing.Short() {
				n = min(n, 100)
			}
			for m := 0; m <= n; m++ {
				checkUTF8(t, text[:m])
			}
		})
	}
}

// TestUTF8CorruptedEverywhere replaces or inserts bad bytes at every
// position of the texts, inside and across SIMD blocks.
func TestUTF8CorruptedEverywhere(t *testing.T) {
	bad := [][]byte{{0x80}, {0xbf}, {0xc0}, {0xc1, 0x80}, {0xe0, 0x80}, {0xed, 0xa0}, {0xf0, 0x8f}, {0xf4, 0x90},
		{0xf5}, {0xff}, {0xc3}, {0xe2, 0x82}, {0xf0, 0x9f, 0x98}, {0x80, 0x80, 0x80, 0x80}}
	impls := utf8Impls(t)
	for name, text := range utf8Texts() {
		t.Run(name, func(t *testing.T) {
			buf := make([]byte, 0, len(text)+8)
			for i := 0; i <= len(text); i++ {
				for _, b := range bad {
					for _, insert := range []bool{false, true} {
						buf = append(buf[:0], text[:i]...)
						buf = append(buf, b...)
						if insert {
							buf = append(buf, text[i:]...)
						} else if i+len(b) <= len(text) {
							buf = append(buf, text[i+len(b):]...)
						}
						valid := utf8.Valid(buf)
						fb := utf8FirstBad(buf)
						for _, impl := range impls {
							if got := impl.Valid(buf); got != valid {
								t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, buf, got, valid)
							}
							// Split just before and just after the bad bytes.
							for _, a := range []int{i, i + 1, i + len(b)} {
								a = min(a, len(buf))
								s := impl.Feed(protocol.UTF8Accept, buf[:a])
								if got, want := s != protocol.UTF8Reject, a <= fb; got != want {
									t.Fatalf("%s: Feed(%x) = %v, want %v", impl.Name, buf[:a], got, want)
								}
								s = impl.Feed(s, buf[a:])
								if got, want := s != protocol.UTF8Reject, fb == len(buf); got != want {
									t.Fatalf("%s: Feed(%x), Feed(%x) = %v, want %v", impl.Name, buf[:a], buf[a:], got, want)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestUTF8ImplsAgreeOnState checks that every implementation, fed a
// prefix of a text in one or two pieces, ends in the state a validator fed
// the same bytes one at a time ends in, mid-sequence states included.
func TestUTF8ImplsAgreeOnState(t *testing.T) {
	impls := utf8Impls(t)
	var ref protocol.UTF8Validator
	for name, text := range utf8Texts() {
		for m := 0; m <= len(text); m++ {
			ref.Reset()
			for _, b := range text[:m] {
				ref.Feed([]byte{b})
			}
			for _, impl := range impls {
				for _, a := range []int{0, m / 2, m} {
					s := impl.Feed(impl.Feed(protocol.UTF8Accept, text[:a]), text[a:m])
					if s != ref.State() {
						t.Fatalf("%s: %s[:%d] split at %d: state %d, want %d", impl.Name, name, m, a, s, ref.State())
					}
				}
			}
		}
	}
}

func TestUTF8NoAllocs(t *testing.T) {
	p := bytes.Repeat([]byte("Grüße 世界 😀 "), 100)
	var v protocol.UTF8Validator
	allocs := testing.AllocsPerRun(100, func() {
		v.Reset()
		v.Feed(p[:1001])
		v.Feed(p[1001:])
		v.Done()
		protocol.ValidUTF8(p)
	})
	if allocs != 0 {
		t.Errorf("Feed and ValidUTF8 allocate %v times per run, want 0", allocs)
	}
}

// TestUTF8ValidatorSize keeps the validator small enough to embed in
// every connection at no cost.
func TestUTF8ValidatorSize(t *testing.T) {
	if got := unsafe.Sizeof(protocol.UTF8Validator{}); got > 8 {
		t.Errorf("unsafe.Sizeof(UTF8Validator{}) = %d, want at most 8", got)
	}
}
