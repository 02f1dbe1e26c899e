// Package wstest provides a raw WebSocket peer for tests: it writes and
// reads frames byte for byte, valid or not, so tests can drive a Conn
// through any sequence of frames.
package wstest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// Peer is the raw end of a connection under test.
type Peer struct {
	T      testing.TB
	Conn   net.Conn
	R      *bufio.Reader
	Client bool // mask outgoing frames and expect unmasked ones
}

// NewPeer returns a Peer over nc; client says whether it plays the client.
func NewPeer(t testing.TB, nc net.Conn, client bool) *Peer {
	return &Peer{T: t, Conn: nc, R: bufio.NewReader(nc), Client: client}
}

// Frame is a frame for Peer.Write: every field is sent as given.
type Frame struct {
	Fin     bool
	RSV     byte
	Opcode  protocol.Opcode
	Payload []byte
}

// Encode returns the wire bytes of f, masked when the peer is a client.
func (p *Peer) Encode(f Frame) []byte {
	h := protocol.Header{Fin: f.Fin, RSV: f.RSV, Opcode: f.Opcode, Length: int64(len(f.Payload))}
	payload := append([]byte(nil), f.Payload...)
	if p.Client {
		h.Masked = true
		h.Key = [4]byte{0x12, 0x34, 0x56, 0x78}
		mask.Apply(h.Key, 0, payload)
	}
	return append(protocol.AppendHeader(nil, h), payload...)
}

// Write sends frames, each with its own write call.
func (p *Peer) Write(frames ...Frame) {
	p.T.Helper()
	for _, f := range frames {
		if _, err := p.Conn.Write(p.Encode(f)); err != nil {
			p.T.Fatalf("wstest: write %v frame: %v", f.Opcode, err)
		}
	}
}

// WriteRaw sends bytes as they are.
func (p *Peer) WriteRaw(b []byte) {
	p.T.Helper()
	if _, err := p.Conn.Write(b); err != nil {
		p.T.Fatalf("wstest: write: %v", err)
	}
}

// Text returns a final text frame.
func Text(s string) Frame { return Frame{Fin: true, Opcode: protocol.OpText, Payload: []byte(s)} }

// Binary returns a final binary frame.
func Binary(b []byte) Frame { return Frame{Fin: true, Opcode: protocol.OpBinary, Payload: b} }

// Close returns a close frame with code and reason (no payload for 0).
func Close(code protocol.CloseCode, reason string) Frame {
	var p []byte
	if code != 0 {
		p = append([]byte{byte(code >> 8), byte(code)}, reason...)
	}
	return Frame{Fin: true, Opcode: protocol.OpClose, Payload: p}
}

// Read reads one frame, failing the test after timeout.
func (p *Peer) Read(timeout time.Duration) (protocol.Header, []byte, error) {
	_ = p.Conn.SetReadDeadline(time.Now().Add(timeout))
	defer p.Conn.SetReadDeadline(time.Time{})
	h, err := protocol.ReadHeader(p.R)
	if err != nil {
		return h, nil, err
	}
	if h.Length > 64<<20 {
		return h, nil, fmt.Errorf("wstest: frame of %d bytes", h.Length)
	}
	payload := make([]byte, h.Length)
	if _, err := io.ReadFull(p.R, payload); err != nil {
		return h, nil, err
	}
	if h.Masked != !p.Client {
		return h, payload, fmt.Errorf("wstest: frame masked=%v, want %v", h.Masked, !p.Client)
	}
	if h.Masked {
		mask.Apply(h.Key, 0, payload)
	}
	return h, payload, nil
}

// ReadMessage reads frames until a whole data message, answering nothing
// and failing the test on control frames other than pong.
func (p *Peer) ReadMessage(timeout time.Duration) (protocol.Opcode, []byte) {
	p.T.Helper()
	var op protocol.Opcode
	var msg []byte
	for {
		h, payload, err := p.Read(timeout)
		if err != nil {
			p.T.Fatalf("wstest: read message: %v", err)
		}
		if h.Opcode.IsControl() {
			p.T.Fatalf("wstest: got %v frame %q while reading a message", h.Opcode, payload)
		}
		if h.Opcode != protocol.OpContinuation {
			op = h.Opcode
		}
		msg = append(msg, payload...)
		if h.Fin {
			return op, msg
		}
	}
}

// ExpectClose reads frames until a close frame and checks its code.
// Data and pong frames before it are skipped.
func (p *Peer) ExpectClose(timeout time.Duration, want protocol.CloseCode) string {
	p.T.Helper()
	for {
		h, payload, err := p.Read(timeout)
		if err != nil {
			p.T.Fatalf("wstest: waiting for close %d: %v", want, err)
		}
		if h.Opcode != protocol.OpClose {
			continue
		}
		code, reason, err := protocol.DecodeClosePayload(payload)
		if err != nil {
			p.T.Fatalf("wstest: bad close payload %x: %v", payload, err)
		}
		if code != want {
			p.T.Fatalf("wstest: close code %d (%q), want %d", code, reason, want)
		}
		return reason
	}
}

// ExpectEOF checks that the other side closes the TCP connection within
// timeout, dropping any bytes before that.
func (p *Peer) ExpectEOF(timeout time.Duration) {
	p.T.Helper()
	_ = p.Conn.SetReadDeadline(time.Now().Add(timeout))
	defer p.Conn.SetReadDeadline(time.Time{})
	if _, err := io.Copy(io.Discard, p.R); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			p.T.Fatalf("wstest: connection still open after %v", timeout)
		}
	}
}

// TCPPair returns the two ends of a loopback TCP connection.
func TCPPair(t testing.TB) (a, b net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		ch <- result{c, err}
	}()
	a, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { a.Close(); r.c.Close() })
	return a, r.c
}
