package autobahn

import (
	"encoding/hex"
	"unicode/utf8"
)

// Wire log limits: a 12.x case exchanges 2000 frames and a 9.x frame can
// be 16 MiB, so the log keeps its first and last entries and cuts every
// payload to an excerpt.
const (
	wirelogHead    = 150 // entries kept from the start
	wirelogTail    = 50  // entries kept from the end
	excerptBytes   = 64  // payload bytes shown as text
	excerptHexSize = 32  // payload bytes shown as hex
	excerptMarker  = " ..."
)

// wirelog is a compact, bounded log of what crossed the wire.
type wirelog struct {
	head    [][]any
	tail    [][]any // ring buffer of the most recent entries
	next    int
	dropped int
}

func newWirelog() *wirelog { return &wirelog{} }

// add appends one entry.
func (w *wirelog) add(kind string, args ...any) {
	e := append([]any{kind}, args...)
	if len(w.head) < wirelogHead {
		w.head = append(w.head, e)
		return
	}
	if len(w.tail) < wirelogTail {
		w.tail = append(w.tail, e)
		return
	}
	w.tail[w.next] = e
	w.next = (w.next + 1) % wirelogTail
	w.dropped++
}

// entries returns the log, with a ["WLM", n] marker where n entries were
// left out.
func (w *wirelog) entries() [][]any {
	out := append([][]any{}, w.head...)
	if w.dropped > 0 {
		out = append(out, []any{"WLM", w.dropped})
	}
	out = append(out, w.tail[w.next:]...)
	return append(out, w.tail[:w.next]...)
}

// renderPayload renders a payload as the reports do: [length, excerpt],
// the excerpt UTF-8 text cut to 64 bytes plus " ...", or hex when the
// bytes are not valid UTF-8.
func renderPayload(p []byte) []any {
	return []any{len(p), excerpt(p)}
}

// excerpt returns a short printable form of p.
func excerpt(p []byte) string {
	if utf8.Valid(p) {
		if len(p) <= excerptBytes {
			return string(p)
		}
		cut := excerptBytes
		for cut > 0 && !utf8.RuneStart(p[cut]) {
			cut--
		}
		return string(p[:cut]) + excerptMarker
	}
	if len(p) <= excerptHexSize {
		return "0x" + hex.EncodeToString(p)
	}
	return "0x" + hex.EncodeToString(p[:excerptHexSize]) + excerptMarker
}

// logFrame logs a received frame.
func (s *session) logFrame(kind string, f Frame) {
	s.log.add(kind, renderPayload(f.Payload), int(f.Opcode), f.Fin, int(f.Rsv), f.Masked)
}

// logFrameMode logs a sent frame with its write mode.
func (s *session) logFrameMode(kind string, f Frame, m writeMode) {
	var mode any
	switch {
	case m.chop > 0:
		mode = m.chop
	case m.sync:
		mode = "sync"
	}
	s.log.add(kind, renderPayload(f.Payload), int(f.Opcode), f.Fin, int(f.Rsv), f.Masked, mode)
}
