package autobahn

import (
	"bufio"
	"net"
	"time"
)

// sendUtility writes frames of a utility exchange (fuzzing-server
// functions and excluded cases) outside the case engine, masking when F is
// the client.
func sendUtility(conn net.Conn, client bool, frames ...Frame) error {
	var buf []byte
	for _, f := range frames {
		f.Masked = client
		buf = AppendFrame(buf, f, newMaskKey())
	}
	_, err := conn.Write(buf)
	return err
}

// closeAndWait sends an empty CLOSE and waits up to the close handshake
// timeout for the peer's CLOSE or TCP close, answering nothing else; then
// it drops TCP, as the original suite aborts after a utility exchange.
func closeAndWait(conn net.Conn, br *bufio.Reader, client bool) {
	if sendUtility(conn, client, Frame{Fin: true, Opcode: OpClose, Payload: []byte{}}) == nil {
		_ = conn.SetReadDeadline(time.Now().Add(CloseHandshakeTimeout))
		for {
			f, err := ReadFrame(br, MaxMessageSize)
			if err != nil || f.Opcode == OpClose {
				break
			}
		}
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
