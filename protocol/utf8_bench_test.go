package protocol_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/protocol"
)

// utf8BenchWords are the words the benchmark texts are drawn from, by kind.
var utf8BenchWords = map[string][]string{
	"ascii": strings.Fields(`the quick brown fox jumps over the lazy dog while a
		WebSocket server echoes every frame it receives, 42 times per second;
		see RFC 6455 for the framing rules and close codes (1000, 1002, 1007).`),
	// Mostly English, with accented Latin now and then and a few CJK
	// words and emoji: a chat message or a JSON document in the wild.
	"mixed": append(strings.Fields(`the quick brown fox jumps over the lazy dog
		while a WebSocket server echoes every frame it receives and users
		send messages about their day to the rest of the chat room`),
		"café", "naïve", "Zürich", "façade", "São", "Paulo", "crème", "brûlée", "Ångström",
		"東京", "😀"),
	"cjk": strings.Fields(`我们 在 这里 测试 一个 用 Go 写 的 库 ， 它 实现 了
		WebSocket 协议 的 所有 部分 。 日本語 の 文章 も 少し 混ぜて 、
		検証 の 速度 を 測ります 。 東京 大阪 京都 北京 上海 香港`),
	"emoji": strings.Fields(`😀 😃 😄 😁 🎉 👍 👍🏽 🚀 🔥 ❤️ 🙈 🤖 🌍 👨‍👩‍👧 ✨`),
}

// utf8BenchText returns n bytes of valid text of the given kind, the same on
// every run: words drawn with a fixed seed, cut at a code point boundary
// and padded with spaces.
func utf8BenchText(kind string, n int) []byte {
	words := utf8BenchWords[kind]
	r := rand.New(rand.NewPCG(1, 2))
	var p []byte
	for len(p) < n {
		p = append(p, words[r.IntN(len(words))]...)
		if kind != "cjk" {
			p = append(p, ' ')
		}
	}
	p = p[:n]
	for len(p) > 0 && !utf8.Valid(p) {
		p = p[:len(p)-1]
	}
	for len(p) < n {
		p = append(p, ' ')
	}
	return p
}

var utf8BenchSizes = []struct {
	name string
	n    int
}{
	{"16B", 16}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"1MiB", 1 << 20},
}

func utf8GenericImpl() protocol.UTF8Impl {
	for _, impl := range protocol.UTF8Impls {
		if impl.Name == "generic" {
			return impl
		}
	}
	panic("no generic implementation")
}

// BenchmarkUTF8 measures ValidUTF8 (wirefast), the portable DFA alone
// (generic) and unicode/utf8.Valid (stdlib) on texts of several scripts.
func BenchmarkUTF8(b *testing.B) {
	validators := []struct {
		name  string
		valid func([]byte) bool
	}{
		{"wirefast", protocol.ValidUTF8},
		{"generic", utf8GenericImpl().Valid},
		{"stdlib", utf8.Valid},
	}
	for _, kind := range []string{"ascii", "mixed", "cjk", "emoji"} {
		for _, size := range utf8BenchSizes {
			p := utf8BenchText(kind, size.n)
			for _, v := range validators {
				b.Run(kind+"/"+size.name+"/"+v.name, func(b *testing.B) {
					b.SetBytes(int64(len(p)))
					b.ReportAllocs()
					for b.Loop() {
						if !v.valid(p) {
							b.Fatal("invalid")
						}
					}
				})
			}
		}
	}
}

// BenchmarkUTF8Feed measures a 64 KiB text message validated as it
// arrives in 4 KiB pieces, most of which end inside a sequence.
func BenchmarkUTF8Feed(b *testing.B) {
	const msgSize, pieceSize = 64 << 10, 4 << 10
	generic := utf8GenericImpl()
	for _, kind := range []string{"mixed", "cjk"} {
		p := utf8BenchText(kind, msgSize)
		b.Run(kind+"/4KiB/wirefast", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			var v protocol.UTF8Validator
			for b.Loop() {
				v.Reset()
				for i := 0; i < len(p); i += pieceSize {
					v.Feed(p[i : i+pieceSize])
				}
				if !v.Done() {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(kind+"/4KiB/generic", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				s := protocol.UTF8Accept
				for i := 0; i < len(p); i += pieceSize {
					s = generic.Feed(s, p[i:i+pieceSize])
				}
				if s != protocol.UTF8Accept {
					b.Fatal("invalid")
				}
			}
		})
	}
}

// BenchmarkUTF8Impls runs every implementation this CPU has on mixed text
// of the lengths around the dispatch thresholds, which is how they were
// chosen.
func BenchmarkUTF8Impls(b *testing.B) {
	for _, n := range []int{16, 32, 64, 96, 128, 192, 256, 1 << 10} {
		p := utf8BenchText("mixed", n)
		for _, impl := range utf8Impls(b) {
			if impl.Name == "generic-split" {
				continue
			}
			b.Run(fmt.Sprintf("%dB/%s", n, impl.Name), func(b *testing.B) {
				b.SetBytes(int64(len(p)))
				b.ReportAllocs()
				for b.Loop() {
					if !impl.Valid(p) {
						b.Fatal("invalid")
					}
				}
			})
		}
	}
}
