package autobahn

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// validWireCloseCode reports whether F accepts code in a peer's CLOSE
// (catalogue §1.2): 1000-1003, 1007-1011 and 3000-4999. The original engine
// also rejects 1012-1014.
func validWireCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1011, code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// onFrame handles one frame from the peer (catalogue §1.2 and §1.4).
func (s *session) onFrame(f Frame) {
	s.rxFrames[int(f.Opcode)]++
	s.logFrame("RF", f)
	if s.state == stateClosed || s.remoteClosed {
		return
	}
	switch {
	case s.isServer && !f.Masked:
		s.failConnection(1002, "unmasked frame from client")
		return
	case !s.isServer && f.Masked:
		s.failConnection(1002, "masked frame from server")
		return
	case isReserved(f.Opcode):
		s.failConnection(1002, fmt.Sprintf("reserved opcode %d", f.Opcode))
		return
	}
	if isControl(f.Opcode) {
		s.onControl(f)
		return
	}
	if f.Opcode == OpContinuation {
		if !s.inMsg {
			s.failConnection(1002, "continuation frame outside fragmented message")
			return
		}
		if f.Rsv != 0 {
			s.failConnection(1002, fmt.Sprintf("RSV = %d on continuation frame", f.Rsv))
			return
		}
	} else {
		if s.inMsg {
			s.failConnection(1002, "data frame inside fragmented message")
			return
		}
		compressed := f.Rsv == 4 && s.pmd != nil
		if f.Rsv != 0 && !compressed {
			s.failConnection(1002, fmt.Sprintf("RSV = %d and no extension negotiated", f.Rsv))
			return
		}
		s.inMsg, s.msgOp, s.msgCompressed = true, f.Opcode, compressed
		s.msgBuf = s.msgBuf[:0]
		s.u8.Reset()
	}
	if len(s.msgBuf)+len(f.Payload) > MaxMessageSize {
		s.inMsg = false
		s.failConnection(1009, "message too big")
		return
	}
	if s.msgBuf == nil && f.Fin {
		s.msgBuf = f.Payload // the common single-frame message: no copy
	} else {
		s.msgBuf = append(s.msgBuf, f.Payload...)
	}
	if s.msgOp == OpText && !s.msgCompressed && s.u8.Write(f.Payload) >= 0 {
		s.inMsg = false
		s.failConnection(1007, "invalid UTF-8 in text message")
		return
	}
	if !f.Fin {
		return
	}
	s.inMsg = false
	msg := s.msgBuf
	s.msgBuf = nil
	if s.msgCompressed {
		s.traffic.inWire += int64(len(msg))
		out, err := s.decomp.decompress(msg, MaxMessageSize)
		if err != nil {
			// The original engine's zlib error ends the connection.
			s.log.add("TI", err.Error())
			s.wasNotCleanReason = err.Error()
			s.loseConnection()
			return
		}
		s.traffic.inApp += int64(len(out))
		msg = out
		if s.msgOp == OpText && !utf8.Valid(msg) {
			s.failConnection(1007, "invalid UTF-8 in text message")
			return
		}
	} else if s.msgOp == OpText && !s.u8.Complete() {
		s.failConnection(1007, "text message ends inside a UTF-8 sequence")
		return
	}
	if s.failedByMe {
		return
	}
	binary := s.msgOp == OpBinary
	if s.logic != nil {
		s.logic.message(s, msg, binary)
		return
	}
	s.record(Event{Kind: KindMessage, Payload: msg, Binary: binary})
	s.checkAutoClose()
}

// onControl handles a control frame.
func (s *session) onControl(f Frame) {
	switch {
	case !f.Fin:
		s.failConnection(1002, "fragmented control frame")
		return
	case len(f.Payload) > MaxControlPayload:
		s.failConnection(1002, "control frame payload over 125 octets")
		return
	case f.Rsv != 0:
		s.failConnection(1002, fmt.Sprintf("RSV = %d on control frame", f.Rsv))
		return
	}
	switch f.Opcode {
	case OpPing:
		if s.state == stateOpen {
			s.sendFrame(Frame{Fin: true, Opcode: OpPong, Payload: f.Payload}, plain)
		}
	case OpPong:
		s.record(Event{Kind: KindPong, Payload: f.Payload})
		s.checkAutoClose()
	case OpClose:
		s.onClose(f.Payload)
	}
}

// onClose is catalogue §1.4 rule 2: F receives a CLOSE.
func (s *session) onClose(p []byte) {
	if len(p) == 1 {
		s.failConnection(1002, "close frame with payload length 1")
		return
	}
	if len(p) >= 2 {
		s.remoteCloseCode = int(binary.BigEndian.Uint16(p))
	}
	reason := p[min(2, len(p)):]
	if s.remoteCloseCode >= 0 && !validWireCloseCode(s.remoteCloseCode) {
		wasOpen := s.state == stateOpen
		s.failConnection(1002, fmt.Sprintf("invalid close code %d", s.remoteCloseCode))
		if !wasOpen {
			return
		}
	} else if !validUTF8(reason) {
		s.failConnection(1007, "invalid UTF-8 in close reason")
		s.loseConnection()
		return
	}
	s.remoteCloseReason = string(reason)
	s.remoteClosed = true
	switch s.state {
	case stateClosing:
		if s.closeTimer != nil {
			s.closeTimer.Stop()
		}
		s.wasClean = true
		if s.isServer {
			s.abort()
		} else {
			s.timer(ServerConnectionDropTimeout, s.onServerDropTimeout)
		}
	case stateOpen:
		s.wasClean = true
		s.sendFrame(Frame{Fin: true, Opcode: OpClose, Payload: closePayload(1000, nil)}, plain)
		s.state = stateClosing
		s.localCloseCode = 1000
		if s.isServer {
			s.dropGraceful()
		}
	}
}
