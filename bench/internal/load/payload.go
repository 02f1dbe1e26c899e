package load

import (
	"math/rand/v2"
	"unicode/utf8"
)

// textPattern is the text payloads are made of: mostly ASCII, as chat and
// JSON traffic are, with a two-, a three- and a four-byte rune, so that
// UTF-8 validation cannot take an ASCII-only shortcut throughout.
const textPattern = `{"user":"zoë","text":"héllo, wörld — ✓ 🙂","seq":1234567890,"ok":true}` + "\n"

// Payload returns the payload of a message of size bytes: valid UTF-8
// text when text is true, deterministic pseudo-random bytes otherwise.
func Payload(size int, text bool) []byte {
	p := make([]byte, 0, size)
	if !text {
		r := rand.New(rand.NewPCG(1, 2))
		for len(p)+8 <= size {
			u := r.Uint64()
			p = append(p, byte(u), byte(u>>8), byte(u>>16), byte(u>>24), byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
		}
		for len(p) < size {
			p = append(p, byte(r.Uint32()))
		}
		return p
	}
	for len(p) < size {
		for _, c := range textPattern {
			if len(p)+utf8.RuneLen(c) > size {
				break
			}
			p = utf8.AppendRune(p, c)
		}
		for len(p) < size && len(p)+utf8.UTFMax > size {
			p = append(p, ' ') // pad the tail a whole rune cannot fill
		}
	}
	return p
}
