package load

import (
	"fmt"
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

// JSONPayload returns the payload of a compressed cell's message of size
// bytes: JSON-like records of an event stream whose ids, names, numbers
// and timestamps vary, as API and chat traffic does, with a few
// multi-byte runes; valid UTF-8 and deterministic. Payload's text, one
// short pattern repeated, would compress far better than real traffic.
func JSONPayload(size int) []byte {
	return jsonPayload(size, 0)
}

// JSONPayloads returns n different messages of size bytes made as
// JSONPayload makes one; the first is JSONPayload(size). A benchmark that
// compresses or inflates the same message over and over measures a
// branch predictor that has learnt that message: on this machine 8
// messages of 16 KiB compressed in 35 to 40 µs each when repeated and in
// about 90 when 64 different ones took turns (docs/performance.md).
func JSONPayloads(size, n int) [][]byte {
	msgs := make([][]byte, n)
	for k := range msgs {
		msgs[k] = jsonPayload(size, uint64(k))
	}
	return msgs
}

// Variants is how many different messages of size bytes make 1 MiB (at
// least two): enough that no branch predictor learns them.
func Variants(size int) int { return max(2, (1<<20)/max(size, 1)) }

func jsonPayload(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(3+seed, uint64(size)))
	users := []string{"zoë", "bob", "chloé", "dmitri", "erin", "françois", "grace"}
	events := []string{"click", "view", "purchase", "login", "logout", "scroll"}
	notes := []string{"ok ✓", "héllo", "wörld", "🙂", "plain", "naïve"}
	p := make([]byte, 0, size+256)
	p = append(p, '[')
	for len(p) < size {
		if len(p) > 1 {
			p = append(p, ',')
		}
		p = fmt.Appendf(p, `{"id":%d,"user":"%s%d","event":"%s","ts":"2026-11-26T%02d:%02d:%02d.%03dZ",`+
			`"pos":{"x":%d,"y":%d},"price":%d.%02d,"ok":%v,"note":"%s"}`,
			r.IntN(1e9), users[r.IntN(len(users))], r.IntN(1000), events[r.IntN(len(events))],
			r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(1920), r.IntN(1080),
			r.IntN(500), r.IntN(100), r.IntN(2) == 0, notes[r.IntN(len(notes))])
	}
	// Cut at size on a rune boundary, padding with spaces.
	p = p[:size]
	for len(p) > 0 && !utf8.Valid(p) {
		p = p[:len(p)-1]
	}
	for len(p) < size {
		p = append(p, ' ')
	}
	return p
}
