package autobahn

import (
	"encoding/binary"
	"math/rand/v2"
)

// newMaskKey returns a fresh random masking key.
func newMaskKey() [4]byte {
	var k [4]byte
	binary.LittleEndian.PutUint32(k[:], rand.Uint32())
	return k
}

// sendFrame writes one frame as is: F's state machine is not consulted,
// so a CLOSE sent this way does not move F to CLOSING (catalogue §1.3).
// Client-mode F masks every frame with a fresh key.
func (s *session) sendFrame(f Frame, m writeMode) {
	f.Masked = !s.isServer
	data := AppendFrame(make([]byte, 0, MaxHeaderSize+len(f.Payload)), f, newMaskKey())
	s.txFrames[int(f.Opcode)]++
	s.logFrameMode("TF", f, m)
	s.w.enqueue(writeItem{data: data, mode: m})
}

// sendMessage sends a data message with fragment size frag (0: never
// fragment), including the quirk of catalogue §1.3: a length that is an
// exact multiple of frag ends with an extra empty CONT fin=1. With
// compress set and permessage-deflate active the message is compressed
// first and the compressed bytes are fragmented, RSV1 on the first frame.
func (s *session) sendMessage(op byte, payload []byte, frag int, m writeMode, compress bool) {
	var rsv byte
	if compress && s.comp != nil {
		s.traffic.outApp += int64(len(payload))
		payload = append([]byte(nil), s.comp.compress(payload)...)
		s.traffic.outWire += int64(len(payload))
		rsv = 4
	}
	if frag <= 0 || len(payload) <= frag {
		s.sendFrame(Frame{Fin: true, Rsv: rsv, Opcode: op, Payload: payload}, m)
		return
	}
	for i := 0; i < len(payload); i += frag {
		end := min(i+frag, len(payload))
		opcode := OpContinuation
		if i == 0 {
			opcode = op
		}
		f := Frame{Fin: end == len(payload) && len(payload)%frag != 0, Opcode: opcode, Payload: payload[i:end]}
		if i == 0 {
			f.Rsv = rsv
		}
		s.sendFrame(f, m)
	}
	if len(payload)%frag == 0 {
		s.sendFrame(Frame{Fin: true, Opcode: OpContinuation, Payload: []byte{}}, m)
	}
}

// sendClose is F's close primitive (catalogue §1.3, §1.4 rule 1): while
// OPEN it sends CLOSE with the payload verbatim, moves to CLOSING, sets
// closedByMe and arms the close handshake timer; otherwise it does nothing.
func (s *session) sendClose(payload []byte) {
	if s.state != stateOpen {
		return
	}
	s.sendFrame(Frame{Fin: true, Opcode: OpClose, Payload: payload}, plain)
	s.state = stateClosing
	s.closedByMe = true
	s.setLocalClose(payload)
	s.closeTimer = s.timer(CloseHandshakeTimeout, s.onCloseHandshakeTimeout)
}

// setLocalClose records the code and reason F sent.
func (s *session) setLocalClose(payload []byte) {
	if len(payload) >= 2 {
		s.localCloseCode = int(binary.BigEndian.Uint16(payload))
		s.localCloseReason = string(payload[2:])
	}
}

// onCloseHandshakeTimeout fires when the peer has not answered F's CLOSE.
func (s *session) onCloseHandshakeTimeout() {
	if s.state == stateClosed {
		return
	}
	s.log.add("TI", "close handshake timeout")
	s.wasClean = false
	s.wasCloseHandshakeTimeout = true
	s.wasNotCleanReason = "peer did not respond (in time) in closing handshake"
	s.abort()
}

// onServerDropTimeout fires when a server under test has not closed TCP
// after the closing handshake.
func (s *session) onServerDropTimeout() {
	if s.state == stateClosed {
		return
	}
	s.log.add("TI", "server connection drop timeout")
	s.wasClean = false
	s.wasServerConnectionDropTimeout = true
	s.wasNotCleanReason = "server did not drop TCP connection (in time)"
	s.abort()
}

// streamBegin starts the streamed frame of 6.4.3 and 6.4.4: one frame
// header announcing the whole payload, then its first n bytes.
func (s *session) streamBegin(op byte, payload []byte, n int) {
	f := Frame{Fin: false, Opcode: op, Payload: payload, Masked: !s.isServer}
	s.stream = AppendFrame(nil, f, newMaskKey())
	s.streamHdr = len(s.stream) - len(payload)
	s.txFrames[int(op)]++
	s.logFrameMode("TF", f, sync1)
	s.w.enqueue(writeItem{data: s.stream[:s.streamHdr+n], mode: sync1})
}

// streamPart writes payload bytes [from, to) of the streamed frame.
func (s *session) streamPart(from, to int) {
	s.log.add("TO", renderPayload(s.stream[s.streamHdr+from:s.streamHdr+to]))
	s.w.enqueue(writeItem{data: s.stream[s.streamHdr+from : s.streamHdr+to], mode: sync1})
}
