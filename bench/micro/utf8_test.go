package micro

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/bench/internal/load"
	"github.com/wirefast/websocket/protocol"
)

// validators are the UTF-8 checks compared. gws (CheckUtf8Enabled) and
// the gobwas echo server call utf8.Valid; gorilla, coder and x/net do not
// validate text at all.
var validators = []struct {
	name  string
	valid func([]byte) bool
}{
	{"wirefast", protocol.ValidUTF8},
	{"wirefast-stream", func(p []byte) bool {
		var v protocol.UTF8Validator
		return v.Feed(p) && v.Done()
	}},
	{"utf8.Valid", utf8.Valid},
}

// utf8Inputs are the texts validated, by shape.
var utf8Inputs = []struct {
	name string
	text func(n int) []byte
}{
	{"ascii", func(n int) []byte { return bytes.Repeat([]byte("a"), n) }},
	{"mixed", func(n int) []byte { return load.Payload(n, true) }}, // the echo cells' text
	{"cjk", func(n int) []byte {
		s := strings.Repeat("日本語のテキスト", n/24+1)
		b := []byte(s[:n-n%3])
		return append(b, strings.Repeat(" ", n%3)...)
	}},
}

var utf8Sizes = []struct {
	name string
	n    int
}{{"16B", 16}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}}

// TestUTF8 checks every validator against utf8.Valid on valid and broken
// texts, so that BenchmarkUTF8 measures correct work.
func TestUTF8(t *testing.T) {
	var texts [][]byte
	for _, in := range utf8Inputs {
		for _, size := range utf8Sizes {
			b := in.text(size.n)
			if len(b) != size.n || !utf8.Valid(b) {
				t.Fatalf("%s/%s: %d bytes, valid %v; want %d valid bytes", in.name, size.name, len(b), utf8.Valid(b), size.n)
			}
			texts = append(texts, b)
			for _, bad := range [][]byte{{0xFF}, {0xC0, 0x80}, {0xED, 0xA0, 0x80}, {0xE6, 0x97}} {
				broken := bytes.Clone(b)
				copy(broken[len(b)/2:], bad)
				texts = append(texts, broken)
			}
		}
	}
	for _, v := range validators {
		for i, b := range texts {
			if got, want := v.valid(b), utf8.Valid(b); got != want {
				t.Errorf("%s(text %d) = %v, want %v", v.name, i, got, want)
			}
		}
	}
}

// BenchmarkUTF8 measures validating whole valid texts.
func BenchmarkUTF8(b *testing.B) {
	for _, in := range utf8Inputs {
		for _, size := range utf8Sizes {
			text := in.text(size.n)
			for _, v := range validators {
				b.Run(v.name+"/"+in.name+"/"+size.name, func(b *testing.B) {
					b.SetBytes(int64(size.n))
					b.ReportAllocs()
					for b.Loop() {
						if !v.valid(text) {
							b.Fatal("valid text rejected")
						}
					}
				})
			}
		}
	}
}
