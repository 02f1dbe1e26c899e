package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

const testTimeout = 5 * time.Second

// serverWithPeer returns a server Conn on loopback TCP and the raw client
// peer driving it.
func serverWithPeer(t *testing.T, cfg websocket.TestConfig) (*websocket.Conn, *wstest.Peer) {
	t.Helper()
	a, b := wstest.TCPPair(t)
	c := websocket.NewConnForTest(b, false, cfg)
	t.Cleanup(func() { c.CloseNow() })
	return c, wstest.NewPeer(t, a, true)
}

// clientWithPeer returns a client Conn and the raw server peer.
func clientWithPeer(t *testing.T, cfg websocket.TestConfig) (*websocket.Conn, *wstest.Peer) {
	t.Helper()
	a, b := wstest.TCPPair(t)
	c := websocket.NewConnForTest(b, true, cfg)
	t.Cleanup(func() { c.CloseNow() })
	return c, wstest.NewPeer(t, a, false)
}

type message struct {
	Type    websocket.MessageType
	Payload []byte
}

func frag(fin bool, op protocol.Opcode, payload string) wstest.Frame {
	return wstest.Frame{Fin: fin, Opcode: op, Payload: []byte(payload)}
}

func TestReadMessages(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, read past the buffer
	tests := []struct {
		name   string
		frames []wstest.Frame
		want   []message
		pongs  []string // pong payloads the peer must receive
	}{
		{"text", []wstest.Frame{wstest.Text("Hello")}, []message{{websocket.MessageText, []byte("Hello")}}, nil},
		{"binary", []wstest.Frame{wstest.Binary([]byte{0, 1, 2})}, []message{{websocket.MessageBinary, []byte{0, 1, 2}}}, nil},
		{"empty", []wstest.Frame{wstest.Text("")}, []message{{websocket.MessageText, []byte{}}}, nil},
		{"fragmented", []wstest.Frame{frag(false, protocol.OpText, "Hel"), frag(false, protocol.OpContinuation, ""), frag(true, protocol.OpContinuation, "lo")},
			[]message{{websocket.MessageText, []byte("Hello")}}, nil},
		{"utf-8 split across fragments", []wstest.Frame{frag(false, protocol.OpText, "κό\xcf"), frag(true, protocol.OpContinuation, "\x83με")},
			[]message{{websocket.MessageText, []byte("κόσμε")}}, nil},
		{"ping between fragments", []wstest.Frame{frag(false, protocol.OpBinary, "ab"), frag(true, protocol.OpPing, "p1"), frag(true, protocol.OpContinuation, "cd")},
			[]message{{websocket.MessageBinary, []byte("abcd")}}, []string{"p1"}},
		{"unsolicited pong ignored", []wstest.Frame{frag(true, protocol.OpPong, "x"), wstest.Text("after")},
			[]message{{websocket.MessageText, []byte("after")}}, nil},
		{"ping with 125 bytes", []wstest.Frame{frag(true, protocol.OpPing, strings.Repeat("p", 125)), wstest.Text("x")},
			[]message{{websocket.MessageText, []byte("x")}}, []string{strings.Repeat("p", 125)}},
		{"1 MiB binary", []wstest.Frame{wstest.Binary(big)}, []message{{websocket.MessageBinary, big}}, nil},
		{"several", []wstest.Frame{wstest.Text("a"), wstest.Binary([]byte("b")), wstest.Text("c")},
			[]message{{websocket.MessageText, []byte("a")}, {websocket.MessageBinary, []byte("b")}, {websocket.MessageText, []byte("c")}}, nil},
	}
	for _, role := range []string{"server", "client"} {
		for _, tc := range tests {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				c, peer := serverWithPeer, (*wstest.Peer)(nil)
				var conn *websocket.Conn
				if role == "client" {
					c = clientWithPeer
				}
				conn, peer = c(t, websocket.TestConfig{})
				// All frames in one write: the Conn must split them itself.
				var wire []byte
				for _, f := range tc.frames {
					wire = append(wire, peer.Encode(f)...)
				}
				go peer.WriteRaw(wire)
				var got []message
				for range tc.want {
					typ, p, err := conn.Read(context.Background())
					if err != nil {
						t.Fatalf("Read: %v", err)
					}
					got = append(got, message{typ, p})
				}
				// bytes.Equal keeps the 1 MiB case fast; cmp explains a mismatch.
				if diff := cmp.Diff(tc.want, got, cmp.Comparer(bytes.Equal)); diff != "" {
					t.Errorf("messages mismatch (-want +got):\n%s", diff)
				}
				for _, want := range tc.pongs {
					h, p, err := peer.Read(testTimeout)
					if err != nil || h.Opcode != protocol.OpPong || string(p) != want {
						t.Errorf("peer got %v %q, %v, want pong %q", h.Opcode, p, err, want)
					}
				}
			})
		}
	}
}

func TestReadInto(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	go peer.Write(wstest.Text("first message"), wstest.Binary([]byte("second")))
	buf := make([]byte, 0, 64)
	typ, got, err := conn.ReadInto(context.Background(), buf)
	if err != nil || typ != websocket.MessageText || string(got) != "first message" {
		t.Fatalf("ReadInto = %v, %q, %v", typ, got, err)
	}
	if &got[0] != &buf[:1][0] {
		t.Error("ReadInto did not reuse dst's storage")
	}
	typ, got, err = conn.ReadInto(context.Background(), got)
	if err != nil || typ != websocket.MessageBinary || string(got) != "second" {
		t.Fatalf("ReadInto = %v, %q, %v", typ, got, err)
	}
}

func TestReader(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	payload := bytes.Repeat([]byte("streaming "), 10000)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		peer.Write(
			wstest.Frame{Opcode: protocol.OpText, Payload: payload[:50000]},
			frag(true, protocol.OpPing, "in between"),
			wstest.Frame{Fin: true, Opcode: protocol.OpContinuation, Payload: payload[50000:]},
			wstest.Text("next"),
		)
	}()
	typ, r, err := conn.Reader(context.Background())
	if err != nil || typ != websocket.MessageText {
		t.Fatalf("Reader = %v, %v", typ, err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("ReadAll = %d bytes, %v, want %d bytes", len(got), err, len(payload))
	}
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read after end = %d, %v, want 0, EOF", n, err)
	}
	// A reader abandoned half way: the next message skips the rest. The
	// peer writes frame by frame: these go after "next".
	<-wrote
	go peer.Write(wstest.Binary(bytes.Repeat([]byte{1}, 100000)), wstest.Text("after skip"))
	_, msg, err := conn.Read(context.Background())
	if err != nil || string(msg) != "next" {
		t.Fatalf("Read = %q, %v, want next", msg, err)
	}
	_, r, err = conn.Reader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	_, msg, err = conn.Read(context.Background())
	if err != nil || string(msg) != "after skip" {
		t.Fatalf("Read after partial reader = %q, %v", msg, err)
	}
	if _, err := r.Read(make([]byte, 1)); err == nil {
		t.Error("stale reader Read succeeded")
	}
}

func TestReadViolations(t *testing.T) {
	tests := []struct {
		name     string
		limit    int64
		frames   []wstest.Frame
		raw      []byte // sent after frames
		wantErr  error
		wantCode protocol.CloseCode
	}{
		{"reserved opcode 3", 0, []wstest.Frame{{Fin: true, Opcode: 3}}, nil, protocol.ErrReservedOpcode, 1002},
		{"reserved opcode 11", 0, []wstest.Frame{{Fin: true, Opcode: 11}}, nil, protocol.ErrReservedOpcode, 1002},
		{"rsv1", 0, []wstest.Frame{{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpText}}, nil, protocol.ErrReservedBits, 1002},
		{"fragmented ping", 0, []wstest.Frame{{Opcode: protocol.OpPing}}, nil, protocol.ErrFragmentedControl, 1002},
		{"ping over 125", 0, []wstest.Frame{{Fin: true, Opcode: protocol.OpPing, Payload: make([]byte, 126)}}, nil, protocol.ErrControlTooLong, 1002},
		{"continuation first", 0, []wstest.Frame{frag(true, protocol.OpContinuation, "x")}, nil, protocol.ErrUnexpectedContinuation, 1002},
		{"text inside fragments", 0, []wstest.Frame{frag(false, protocol.OpText, "a"), wstest.Text("b")}, nil, protocol.ErrExpectedContinuation, 1002},
		{"non-minimal length", 0, nil, []byte{0x82, 0xfe, 0x00, 0x05, 0, 0, 0, 0, 1, 2, 3, 4, 5}, protocol.ErrNonMinimalLength, 1002},
		{"invalid utf-8", 0, []wstest.Frame{wstest.Text("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited")}, nil, protocol.ErrInvalidUTF8, 1007},
		{"truncated utf-8 at end", 0, []wstest.Frame{wstest.Text("ok\xe2\x82")}, nil, protocol.ErrInvalidUTF8, 1007},
		// Fail fast: the rest of the message never comes.
		{"invalid utf-8 in first fragment", 0, []wstest.Frame{frag(false, protocol.OpText, "ok\xf4\x90\x80")}, nil, protocol.ErrInvalidUTF8, 1007},
		{"invalid utf-8 in middle fragment", 0, []wstest.Frame{frag(false, protocol.OpText, "ok\xe2"), frag(false, protocol.OpContinuation, "\x28")}, nil, protocol.ErrInvalidUTF8, 1007},
		// Texts long enough for the one pass that unmasks and validates
		// (protocol.ValidUTF8Masked, UTF8Validator.FeedMasked).
		{"invalid utf-8 in a long message", 0, []wstest.Frame{wstest.Text(longText(250) + "\xff" + longText(50))}, nil, protocol.ErrInvalidUTF8, 1007},
		{"invalid byte ends a long message", 0, []wstest.Frame{wstest.Text(longText(300) + "\xf8")}, nil, protocol.ErrInvalidUTF8, 1007},
		{"truncated utf-8 ends a long message", 0, []wstest.Frame{wstest.Text(longText(300) + "\xe2\x82")}, nil, protocol.ErrInvalidUTF8, 1007},
		{"invalid utf-8 in a long first fragment", 0, []wstest.Frame{frag(false, protocol.OpText, longText(300)+"\xf4\x90\x80")}, nil, protocol.ErrInvalidUTF8, 1007},
		{"invalid utf-8 deep in a large message", 0, []wstest.Frame{wstest.Text(longText(40000) + "\xed\xa0\x80" + longText(100))}, nil, protocol.ErrInvalidUTF8, 1007},
		{"over read limit", 10, []wstest.Frame{wstest.Binary(make([]byte, 11))}, nil, protocol.ErrMessageTooBig, 1009},
		{"over read limit across fragments", 10, []wstest.Frame{frag(false, protocol.OpBinary, "123456"), frag(false, protocol.OpContinuation, "78901")}, nil, protocol.ErrMessageTooBig, 1009},
		{"close one byte", 0, []wstest.Frame{{Fin: true, Opcode: protocol.OpClose, Payload: []byte{3}}}, nil, protocol.ErrCloseLength, 1002},
		{"close code 1005", 0, []wstest.Frame{wstest.Close(1005, "")}, nil, protocol.ErrInvalidCloseCode, 1002},
		{"close code 5000", 0, []wstest.Frame{wstest.Close(5000, "")}, nil, protocol.ErrInvalidCloseCode, 1002},
		{"close reason not utf-8", 0, []wstest.Frame{wstest.Close(1000, "\xff")}, nil, protocol.ErrInvalidCloseReason, 1007},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, peer := serverWithPeer(t, websocket.TestConfig{ReadLimit: tc.limit})
			peer.Write(tc.frames...)
			if tc.raw != nil {
				peer.WriteRaw(tc.raw)
			}
			errc := make(chan error, 1)
			go func() {
				_, _, err := conn.Read(context.Background())
				errc <- err
			}()
			// The peer sees the close frame before it answers, so the
			// failure does not wait for the rest of the message.
			peer.ExpectClose(testTimeout, tc.wantCode)
			peer.Write(wstest.Close(tc.wantCode, ""))
			err := <-errc
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Read error = %v, want %v", err, tc.wantErr)
			}
			peer.ExpectEOF(testTimeout)
			if _, _, again := conn.Read(context.Background()); !errors.Is(again, tc.wantErr) {
				t.Errorf("second Read error = %v, want %v", again, tc.wantErr)
			}
		})
	}
}

// longText returns n bytes of valid text in several scripts.
func longText(n int) string {
	s := strings.Repeat("Grüße, 世界 😀 ", n/19+1)
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// TestReadLongText reads valid texts long enough for the one pass that
// unmasks and validates, whole and in fragments cut inside a four-byte
// rune: short ones whole in the read buffer (readBufferedMessage), the
// longer ones streamed in pieces (readPayload).
func TestReadLongText(t *testing.T) {
	for _, n := range []int{130, 131, 200, 1000, 20000, 70000} {
		text := longText(n)
		// Cut inside an emoji: the second fragment starts with its last
		// three bytes.
		cut := strings.Index(text[n/3:], "😀") + n/3 + 1
		for _, fragmented := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dB/fragmented=%v", n, fragmented), func(t *testing.T) {
				conn, peer := serverWithPeer(t, websocket.TestConfig{})
				if fragmented {
					peer.Write(frag(false, protocol.OpText, text[:cut]), frag(true, protocol.OpContinuation, text[cut:]))
				} else {
					peer.Write(wstest.Text(text))
				}
				typ, msg, err := conn.Read(context.Background())
				if err != nil || typ != websocket.MessageText || string(msg) != text {
					t.Fatalf("Read = %v, %d bytes (equal %v), %v; want the %d bytes sent", typ, len(msg), string(msg) == text, err, n)
				}
			})
		}
	}
}

func TestReadMaskingByRole(t *testing.T) {
	t.Run("server rejects unmasked", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		peer.Client = false // send unmasked
		peer.Write(wstest.Text("x"))
		go conn.Read(context.Background())
		peer.Client = true // read unmasked frames from the server
		peer.ExpectClose(testTimeout, 1002)
	})
	t.Run("client rejects masked", func(t *testing.T) {
		conn, peer := clientWithPeer(t, websocket.TestConfig{})
		peer.Client = true
		peer.Write(wstest.Text("x"))
		go conn.Read(context.Background())
		peer.Client = false
		peer.ExpectClose(testTimeout, 1002)
	})
}

func TestReadContext(t *testing.T) {
	t.Run("idle deadline keeps the connection", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, _, err := conn.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Read = %v, want DeadlineExceeded", err)
		}
		peer.Write(wstest.Text("still here"))
		if _, p, err := conn.Read(context.Background()); err != nil || string(p) != "still here" {
			t.Fatalf("Read after timeout = %q, %v", p, err)
		}
	})
	t.Run("cancel mid-message drops the connection", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		peer.Write(frag(false, protocol.OpText, "part"))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, _, err := conn.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Read = %v, want DeadlineExceeded", err)
		}
		peer.ExpectEOF(testTimeout)
		if _, _, err := conn.Read(context.Background()); err == nil {
			t.Fatal("Read after mid-message cancel succeeded")
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		conn, _ := serverWithPeer(t, websocket.TestConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := conn.Read(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Read = %v, want Canceled", err)
		}
	})
}

func TestReadEmptyMessageIsNotNil(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	go peer.Write(wstest.Binary(nil))
	_, p, err := conn.Read(context.Background())
	if err != nil || p == nil || len(p) != 0 {
		t.Fatalf("Read = %#v, %v, want empty non-nil slice", p, err)
	}
}

// TestReadTimeoutRace alternates reads that time out at once with plain
// reads: a deadline set by an expiring context must never leak into the
// next read.
func TestReadTimeoutRace(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	for i := range 300 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Microsecond)
		if _, _, err := conn.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("iteration %d: Read = %v, want DeadlineExceeded", i, err)
		}
		cancel()
		go peer.Write(wstest.Text("x"))
		if _, _, err := conn.Read(context.Background()); err != nil {
			t.Fatalf("iteration %d: Read after timeout = %v", i, err)
		}
	}
}

// TestReadHugeLengthNoLimit sends, to a connection without a read limit,
// the header of a frame of the largest length the protocol allows and a
// few bytes of it: Read must wait for the rest without making room for
// all of it up front (which overflows, or runs out of memory), and
// return when the connection is closed.
func TestReadHugeLengthNoLimit(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{ReadLimit: 1<<63 - 1})
	h := protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: 1<<63 - 1}
	peer.WriteRaw(append(protocol.AppendHeader(nil, h), "some payload"...))
	errc := make(chan error, 1)
	go func() {
		_, _, err := conn.Read(context.Background())
		errc <- err
	}()
	select {
	case err := <-errc:
		t.Fatalf("Read returned %v before the payload came", err)
	case <-time.After(200 * time.Millisecond):
	}
	conn.CloseNow()
	select {
	case err := <-errc:
		if !errors.Is(err, websocket.ErrClosed) {
			t.Errorf("Read = %v, want ErrClosed", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Read did not return after CloseNow")
	}
}
