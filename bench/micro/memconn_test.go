package micro

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirefast/websocket/bench/internal/rawws"
)

// memConn is a net.Conn whose reads return prefix once, then replay
// stream forever, until stop is set; writes are discarded. It is a socket
// without the kernel, so a read benchmark measures the library.
type memConn struct {
	prefix []byte
	stream []byte
	off    int
	stop   atomic.Bool
}

func newMemConn(prefix, stream []byte) *memConn {
	return &memConn{prefix: prefix, stream: stream}
}

// Read never returns prefix and stream bytes together, so an upgrader
// that reads the request cannot swallow frames.
func (m *memConn) Read(p []byte) (int, error) {
	if len(m.prefix) > 0 {
		n := copy(p, m.prefix)
		m.prefix = m.prefix[n:]
		return n, nil
	}
	if m.stop.Load() {
		return 0, io.EOF
	}
	n := copy(p, m.stream[m.off:])
	m.off = (m.off + n) % len(m.stream)
	return n, nil
}

func (m *memConn) Write(p []byte) (int, error)      { return len(p), nil }
func (m *memConn) Close() error                     { return nil }
func (m *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (m *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

// requestBytes is the opening handshake every server conn starts with.
var requestBytes = rawws.AppendRequest(nil, "localhost", "/", "dGhlIHNhbXBsZSBub25jZQ==")

// newRequest parses requestBytes as net/http would.
func newRequest(tb testing.TB) *http.Request {
	tb.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(requestBytes)))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// hijackWriter is an http.ResponseWriter whose connection is nc, with
// net/http's 4 KiB buffers, for the upgraders that hijack.
type hijackWriter struct {
	nc  net.Conn
	hdr http.Header
}

func newHijackWriter(nc net.Conn) *hijackWriter {
	return &hijackWriter{nc: nc, hdr: http.Header{}}
}

func (w *hijackWriter) Header() http.Header         { return w.hdr }
func (w *hijackWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *hijackWriter) WriteHeader(int)             {}
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.nc, bufio.NewReadWriter(bufio.NewReaderSize(w.nc, 4096), bufio.NewWriterSize(w.nc, 4096)), nil
}

// frameKey is the masking key of the frames the readers read.
var frameKey = [4]byte{0x12, 0x34, 0x56, 0x78}

// frames returns copies of a masked message of payload, back to back, at
// least 64 KiB of them, as a client sends them.
func frames(op byte, payload []byte) []byte {
	frame := rawws.AppendFrame(nil, op, payload, true, frameKey)
	return bytes.Repeat(frame, max(1, (64<<10)/len(frame)))
}

// frameLen returns the length of one of the frames frames repeats.
func frameLen(op byte, payload []byte) int {
	return len(rawws.AppendFrame(nil, op, payload, true, [4]byte{}))
}
