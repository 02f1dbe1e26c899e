package websocket

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// scriptConn is a net.Conn whose reads return script in chunks of at
// most chunk bytes, then io.EOF, and whose writes are recorded.
type scriptConn struct {
	script  []byte
	chunk   int
	written bytes.Buffer
}

func (s *scriptConn) Read(p []byte) (int, error) {
	if len(s.script) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), s.chunk)], s.script)
	s.script = s.script[n:]
	return n, nil
}

func (s *scriptConn) Write(p []byte) (int, error)      { return s.written.Write(p) }
func (s *scriptConn) Close() error                     { return nil }
func (s *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (s *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (s *scriptConn) SetDeadline(time.Time) error      { return nil }
func (s *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (s *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// readOutcome is what a server made of a client's byte stream.
type readOutcome struct {
	Messages  []string // type, then payload
	CloseCode CloseCode
	Written   []byte // pongs and close frames sent back
}

// readScript reads every message of script through ReadInto, which takes
// the fast path for whole buffered frames, or through Reader, which
// never does.
func readScript(script []byte, chunk int, limit int64, reader bool) readOutcome {
	nc := &scriptConn{script: script, chunk: chunk}
	c := NewConnForTest(nc, false, TestConfig{ReadLimit: limit})
	var out readOutcome
	var buf []byte
	for range 1000 {
		var typ MessageType
		var err error
		if reader {
			var r io.Reader
			if typ, r, err = c.Reader(context.Background()); err == nil {
				buf, err = io.ReadAll(r)
			}
		} else {
			typ, buf, err = c.ReadInto(context.Background(), buf)
		}
		if err != nil {
			out.CloseCode = CloseStatus(err)
			break
		}
		out.Messages = append(out.Messages, typ.String(), string(buf))
	}
	c.CloseNow()
	out.Written = nc.written.Bytes()
	return out
}

// FuzzReadPaths checks that the fast path of ReadInto for whole buffered
// frames reads any client byte stream exactly as the general path does:
// same messages, same close code from the peer, same bytes sent back
// (pongs, and the close frame that names a violation).
func FuzzReadPaths(f *testing.F) {
	client := &wstest.Peer{Client: true}
	frames := func(fs ...wstest.Frame) []byte {
		var b []byte
		for _, fr := range fs {
			b = append(b, client.Encode(fr)...)
		}
		return b
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<10)
	seeds := [][]byte{
		frames(wstest.Text("hello"), wstest.Binary([]byte{0, 1, 2}), wstest.Binary(nil)),
		frames(wstest.Text("a\xffb")),
		frames(wstest.Binary(big), wstest.Text(string(big[:300]))),
		frames(wstest.Binary(big[:300]), wstest.Binary(big[:100])),
		frames(wstest.Frame{Opcode: protocol.OpText, Payload: []byte("frag")},
			wstest.Frame{Fin: true, Opcode: protocol.OpPing, Payload: []byte("p")},
			wstest.Frame{Fin: true, Opcode: protocol.OpContinuation, Payload: []byte("ment")}),
		frames(wstest.Frame{Fin: true, Opcode: protocol.OpContinuation, Payload: []byte("x")}),
		frames(wstest.Frame{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpBinary, Payload: []byte("x")}),
		frames(wstest.Text("bye"), wstest.Close(CloseGoingAway, "done")),
		(&wstest.Peer{}).Encode(wstest.Text("unmasked")),
	}
	// The first message is read by the general path, which fills the
	// buffer; the fast path can take the ones after it.
	first := frames(wstest.Binary([]byte("first")))
	for _, s := range seeds {
		s = append(first[:len(first):len(first)], s...)
		for _, chunk := range []uint8{0, 7} {
			f.Add(s, chunk, uint16(0))
			f.Add(s, chunk, uint16(100))
		}
	}
	f.Fuzz(func(t *testing.T, script []byte, chunk uint8, limit uint16) {
		if len(script) > 64<<10 {
			return
		}
		n := int(chunk)
		if n == 0 {
			n = len(script) + 1 // whole script in one read
		}
		fast := readScript(script, n, int64(limit), false)
		general := readScript(script, n, int64(limit), true)
		if diff := cmp.Diff(general, fast); diff != "" {
			t.Errorf("ReadInto and Reader differ (-Reader +ReadInto):\n%s", diff)
		}
	})
}

// TestReaderTruncated checks that a connection ending inside a message,
// inside a frame or between two of its frames, is an error for the
// reader Reader returns, not the end of the message: io.ReadAll used to
// return the bytes before the cut and no error. Found by FuzzReadPaths.
func TestReaderTruncated(t *testing.T) {
	client := &wstest.Peer{Client: true}
	whole := client.Encode(wstest.Binary([]byte("hello")))
	first := client.Encode(wstest.Frame{Opcode: protocol.OpBinary, Payload: []byte("hel")})
	tests := []struct {
		name   string
		script []byte
	}{
		{"inside a frame", whole[:len(whole)-3]},
		{"between frames", first},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewConnForTest(&scriptConn{script: tc.script, chunk: len(tc.script)}, false, TestConfig{})
			defer c.CloseNow()
			_, r, err := c.Reader(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b, err := io.ReadAll(r); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("ReadAll of a message cut short = %q, %v, want io.ErrUnexpectedEOF", b, err)
			}
		})
	}
}
