package autobahn

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Fixed byte strings of 6.1-6.4 (catalogue §2, section 6).
var (
	greek  = mustHex("ce ba e1 bd b9 cf 83 ce bc ce b5")
	helloU = mustHex("48 65 6c 6c 6f 2d c2 b5 40 c3 9f c3 b6 c3 a4 c3 bc c3 a0 c3 a1 2d 55 54 46 2d 38 21 21")
	x3     = concat(greek, mustHex("ed a0 80"), []byte("edited"))
	x4     = concat(greek, mustHex("f4 90 80 80"), []byte("edited"))
)

// mustHex decodes space-separated hex.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic("autobahn: bad hex in catalogue: " + s)
	}
	return b
}

// concat joins byte slices into a new one.
func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// utf8Group is one generated subsection of 6.5-6.23.
type utf8Group struct {
	title    string
	payloads [][]byte
}

// hexes decodes several hex strings.
func hexes(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = mustHex(s)
	}
	return out
}

// leadSpace returns each byte of [from, to] followed by a space.
func leadSpace(from, to byte) []byte {
	var out []byte
	for b := int(from); b <= int(to); b++ {
		out = append(out, byte(b), ' ')
	}
	return out
}

// utf8Groups returns the payload table of 6.5-6.23.
func utf8Groups() []utf8Group {
	var prefixes [][]byte
	for i := 1; i <= len(greek); i++ {
		prefixes = append(prefixes, greek[:i])
	}
	var stray []byte
	for b := 0x80; b <= 0xbe; b++ {
		stray = append(stray, byte(b))
	}
	missing := hexes("c0", "e0 80", "f0 80 80", "f8 80 80 80", "fc 80 80 80 80",
		"df", "ef bf", "f7 bf bf", "fb bf bf bf", "fd bf bf bf bf")
	var pairs [][]byte
	for _, hi := range []string{"ed a0 80", "ed ad bf", "ed ae 80", "ed af bf"} {
		for _, lo := range []string{"ed b0 80", "ed bf bf"} {
			pairs = append(pairs, mustHex(hi+" "+lo))
		}
	}
	nonChars := [][]byte{utf8.AppendRune(nil, 0xFFFE), utf8.AppendRune(nil, 0xFFFF)}
	for plane := rune(1); plane <= 16; plane++ {
		nonChars = append(nonChars, utf8.AppendRune(nil, plane<<16|0xFFFE), utf8.AppendRune(nil, plane<<16|0xFFFF))
	}
	var specials [][]byte
	for r := rune(0xFFF9); r <= 0xFFFF; r++ {
		specials = append(specials, utf8.AppendRune(nil, r))
	}
	return []utf8Group{
		{"assorted valid strings", hexes("68 65 6c 6c 6f 24 77 6f 72 6c 64", "68 65 6c 6c 6f c2 a2 77 6f 72 6c 64",
			"68 65 6c 6c 6f e2 82 ac 77 6f 72 6c 64", "68 65 6c 6c 6f f0 a4 ad a2 77 6f 72 6c 64", "ce ba e1 bd b9 cf 83 ce bc ce b5")},
		{"every prefix of the Greek word kosme", prefixes},
		{"smallest code point of each encoded length", hexes("00", "c2 80", "e0 a0 80", "f0 90 80 80")},
		{"5- and 6-byte forms", hexes("f8 88 80 80 80", "fc 84 80 80 80 80")},
		{"largest code point of each encoded length", hexes("7f", "df bf", "ef bf bf", "f4 8f bf bf")},
		{"largest 4/5/6-byte forms", hexes("f7 bf bf bf", "fb bf bf bf bf", "fd bf bf bf bf bf")},
		{"boundaries around surrogates, U+FFFD and U+10FFFF", hexes("ed 9f bf", "ee 80 80", "ef bf bd", "f4 8f bf bf", "f4 90 80 80")},
		{"continuation bytes with no lead byte", append(hexes("80", "bf", "80 bf", "80 bf 80", "80 bf 80 bf", "80 bf 80 bf 80", "80 bf 80 bf 80 bf"), stray)},
		{"lead bytes each followed by a space", [][]byte{leadSpace(0xc0, 0xde), leadSpace(0xe0, 0xee), leadSpace(0xf0, 0xf6), leadSpace(0xf8, 0xfa), leadSpace(0xfc, 0xfc)}},
		{"sequences missing their last continuation byte", missing},
		{"all of 6.14 concatenated", [][]byte{concat(missing...)}},
		{"bytes that never occur in UTF-8", hexes("fe", "ff", "fe fe ff ff")},
		{"overlong encodings of '/'", hexes("c0 af", "e0 80 af", "f0 80 80 af", "f8 80 80 80 af", "fc 80 80 80 80 af")},
		{"largest overlong encodings per length", hexes("c1 bf", "e0 9f bf", "f0 8f bf bf", "f8 87 bf bf bf", "fc 83 bf bf bf bf")},
		{"overlong encodings of U+0000", hexes("c0 80", "e0 80 80", "f0 80 80 80", "f8 80 80 80 80", "fc 80 80 80 80 80")},
		{"lone UTF-16 surrogates", hexes("ed a0 80", "ed ad bf", "ed ae 80", "ed af bf", "ed b0 80", "ed be 80", "ed bf bf")},
		{"paired UTF-16 surrogates", pairs},
		{"non-characters", nonChars},
		{"Specials block U+FFF9..U+FFFF", specials},
	}
}

// utf8Cases returns section 6.
func utf8Cases() []*Case {
	var cs []*Case
	add := func(c *Case, exp string) {
		if exp != "" {
			c.Expectation = exp
		}
		cs = append(cs, c)
	}
	echo := "The message is echo'ed back to us."
	failFast := "The connection is failed immediately, since the payload is not valid UTF-8."
	add(echoClean(newCase("6.1.1", "Send text message of length 0.", text("", plain), closeAfter(Second)), msgText([]byte{})), echo)
	add(echoClean(newCase("6.1.2", "Send fragmented text message, 3 fragments each of length 0.",
		frame(OpText, false, 0, []byte{}, plain), frame(OpContinuation, false, 0, []byte{}, plain),
		frame(OpContinuation, true, 0, []byte{}, plain), closeAfter(Second)), msgText([]byte{})), echo)
	mid := []byte("middle frame payload")
	add(echoClean(newCase("6.1.3", "Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.",
		frame(OpText, false, 0, []byte{}, plain), frame(OpContinuation, false, 0, mid, plain),
		frame(OpContinuation, true, 0, []byte{}, plain), closeAfter(Second)), msgText(mid)), echo)
	add(echoClean(newCase("6.2.1", "Send a valid UTF-8 text message in one fragment.", message(OpText, helloU, 0, plain), closeAfter(Second)), msgText(helloU)), echo)
	add(echoClean(newCase("6.2.2", "Send a valid UTF-8 text message in two fragments, fragmented on UTF-8 code point boundary.",
		frame(OpText, false, 0, helloU[:15], plain), frame(OpContinuation, true, 0, helloU[15:], plain), closeAfter(Second)), msgText(helloU)), echo)
	add(echoClean(newCase("6.2.3", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.",
		message(OpText, helloU, 1, plain), closeAfter(Second)), msgText(helloU)), echo)
	add(echoClean(newCase("6.2.4", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.",
		message(OpText, greek, 1, plain), closeAfter(Second)), msgText(greek)), echo)
	add(fatal(peerFails(newCase("6.3.1", "Send invalid UTF-8 text message unfragmented.", message(OpText, x3, 0, plain), kill(Second)), 1007)), failFast)
	add(fatal(peerFails(newCase("6.3.2", "Send invalid UTF-8 text message in fragments of 1 octet.", message(OpText, x3, 1, plain), kill(Second)), 1007)), failFast)
	add(failFastCase("6.4.1", "Send invalid UTF-8 text message in 3 fragments (frames). First frame payload is valid, then wait, then 2nd frame which contains the payload making the sequence invalid, then wait, then 3rd frame with rest.", false, 11, 15), "")
	add(failFastCase("6.4.2", "Send invalid UTF-8 text message in 3 fragments (frames). First frame payload is valid, then wait, then 2nd frame which contains just the payload octet making the sequence invalid, then wait, then 3rd frame with rest.", false, 12, 13), "")
	add(failFastCase("6.4.3", "Send invalid UTF-8 text message in 3 chops, within one frame. First chop is valid, then wait, then 2nd chop which contains the payload making the sequence invalid, then wait, then 3rd chop with rest.", true, 11, 15), "")
	add(failFastCase("6.4.4", "Send invalid UTF-8 text message in 3 chops, within one frame. First chop is valid, then wait, then 2nd chop which contains just the payload octet making the sequence invalid, then wait, then 3rd chop with rest.", true, 12, 13), "")
	for gi, g := range utf8Groups() {
		for i, p := range g.payloads {
			id := fmt.Sprintf("6.%d.%d", 5+gi, i+1)
			desc := fmt.Sprintf("Send a text message with payload which is %s UTF-8 in one fragment (%s). Payload: 0x%x", validWord(p), g.title, p)
			c := newCase(id, desc, message(OpText, p, 0, plain), kill(500*time.Millisecond))
			if utf8.Valid(p) {
				add(echoClean(c, msgText(p)), echo)
			} else {
				add(fatal(peerFails(c, 1007)), failFast)
			}
		}
	}
	return cs
}

// validWord describes p's validity.
func validWord(p []byte) string {
	if utf8.Valid(p) {
		return "valid"
	}
	return "not valid"
}

// failFastCase builds 6.4.x: X4 cut at a and b, sent as three frames or as
// three chops of one streamed frame, with 1 s pauses.
func failFastCase(id, desc string, streamed bool, a, b int) *Case {
	var c *Case
	if streamed {
		c = newCase(id, desc,
			func(s *session) { s.streamBegin(OpText, x4, a) },
			after(Second, step("A", func(s *session) { s.streamPart(a, b) },
				after(Second, step("B", func(s *session) {
					s.streamPart(b, len(x4))
					s.sendFrame(Frame{Fin: true, Opcode: OpContinuation, Payload: []byte{}}, plain)
				}, kill(Second))))))
	} else {
		c = newCase(id, desc,
			frame(OpText, false, 0, x4[:a], plain),
			after(Second, step("A", frame(OpContinuation, false, 0, x4[a:b], plain),
				after(Second, step("B", frame(OpContinuation, true, 0, x4[b:], plain), kill(Second))))))
	}
	c = fatal(peerFailsNS(c, []Event{timeout("A")}, []Event{timeout("A"), timeout("B")}, 1007))
	c.Expectation = "The connection is failed immediately, since the second part makes the payload invalid UTF-8 (fail fast: OK), or when the message ends (NON-STRICT)."
	return c
}

// step is a 6.4.x step: when F is still OPEN it records ("timeout", tag)
// and runs the actions; otherwise it does nothing.
func step(tag string, next ...action) action {
	return func(s *session) {
		if s.state != stateOpen {
			return
		}
		s.record(timeout(tag))
		for _, a := range next {
			a(s)
		}
	}
}
