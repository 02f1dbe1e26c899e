package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

func TestPeerCloses(t *testing.T) {
	tests := []struct {
		name     string
		frame    wstest.Frame
		want     websocket.CloseError
		wantEcho []byte // payload of the close frame echoed back
	}{
		{"code and reason", wstest.Close(4000, "bye"), websocket.CloseError{Code: 4000, Reason: "bye"}, []byte{0x0f, 0xa0}},
		{"normal", wstest.Close(websocket.CloseNormal, ""), websocket.CloseError{Code: 1000}, []byte{0x03, 0xe8}},
		{"going away", wstest.Close(websocket.CloseGoingAway, "restart"), websocket.CloseError{Code: 1001, Reason: "restart"}, []byte{0x03, 0xe9}},
		{"no code", wstest.Close(0, ""), websocket.CloseError{Code: websocket.CloseNoStatus}, nil},
	}
	for _, role := range []string{"server", "client"} {
		for _, tc := range tests {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				newPair := serverWithPeer
				if role == "client" {
					newPair = clientWithPeer
				}
				conn, peer := newPair(t, websocket.TestConfig{CloseTimeout: time.Second})
				peer.Write(tc.frame)
				if role == "client" {
					// The server (our peer) closes TCP after the echo, as
					// RFC 6455, Section 7.1.1 asks; the client waits for it.
					go func() {
						h, p, err := peer.Read(testTimeout)
						if err == nil && h.Opcode == protocol.OpClose && string(p) == string(tc.wantEcho) {
							peer.Conn.Close()
						}
					}()
				}
				_, _, err := conn.Read(context.Background())
				var ce *websocket.CloseError
				if !errors.As(err, &ce) {
					t.Fatalf("Read error = %v, want *CloseError", err)
				}
				if diff := cmp.Diff(tc.want, *ce); diff != "" {
					t.Errorf("CloseError mismatch (-want +got):\n%s", diff)
				}
				if got := websocket.CloseStatus(err); got != tc.want.Code {
					t.Errorf("CloseStatus = %d, want %d", got, tc.want.Code)
				}
				if role == "server" {
					h, p, err := peer.Read(testTimeout)
					if err != nil || h.Opcode != protocol.OpClose || string(p) != string(tc.wantEcho) {
						t.Fatalf("peer got %v %x, %v, want close %x", h.Opcode, p, err, tc.wantEcho)
					}
					peer.ExpectEOF(testTimeout) // the server closes TCP first
				}
				if err := conn.Write(context.Background(), websocket.MessageText, []byte("late")); err == nil {
					t.Error("Write after close succeeded")
				}
				if err := conn.Close(websocket.CloseNormal, ""); !errors.Is(err, websocket.ErrClosed) {
					t.Errorf("Close after peer close = %v, want ErrClosed", err)
				}
			})
		}
	}
}

func TestClose(t *testing.T) {
	t.Run("server", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		done := make(chan error, 1)
		go func() { done <- conn.Close(websocket.CloseGoingAway, "shutting down") }()
		if reason := peer.ExpectClose(testTimeout, websocket.CloseGoingAway); reason != "shutting down" {
			t.Errorf("close reason = %q", reason)
		}
		peer.Write(wstest.Close(websocket.CloseGoingAway, ""))
		if err := <-done; err != nil {
			t.Fatalf("Close = %v", err)
		}
		peer.ExpectEOF(testTimeout)
	})
	t.Run("server with data before the reply", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		done := make(chan error, 1)
		go func() { done <- conn.Close(websocket.CloseNormal, "") }()
		peer.ExpectClose(testTimeout, websocket.CloseNormal)
		peer.Write(wstest.Text("in flight"), wstest.Frame{Fin: true, Opcode: protocol.OpPing}, wstest.Close(websocket.CloseNormal, ""))
		if err := <-done; err != nil {
			t.Fatalf("Close = %v", err)
		}
	})
	t.Run("client waits for the server to close TCP", func(t *testing.T) {
		conn, peer := clientWithPeer(t, websocket.TestConfig{})
		done := make(chan error, 1)
		go func() { done <- conn.Close(websocket.CloseNormal, "") }()
		peer.ExpectClose(testTimeout, websocket.CloseNormal)
		peer.Write(wstest.Close(websocket.CloseNormal, ""))
		select {
		case err := <-done:
			t.Fatalf("Close returned %v before the server closed TCP", err)
		case <-time.After(50 * time.Millisecond):
		}
		peer.Conn.Close()
		if err := <-done; err != nil {
			t.Fatalf("Close = %v", err)
		}
	})
	t.Run("while another goroutine reads", func(t *testing.T) {
		// synctest.Wait makes sure the reader is blocked before Close.
		synctest.Test(t, func(t *testing.T) {
			a, b := netPipe()
			conn := websocket.NewConnForTest(b, false, websocket.TestConfig{})
			peer := wstest.NewPeer(t, a, true)
			readErr := make(chan error, 1)
			go func() {
				_, _, err := conn.Read(context.Background())
				readErr <- err
			}()
			synctest.Wait()
			done := make(chan error, 1)
			go func() { done <- conn.Close(websocket.CloseNormal, "") }()
			peer.ExpectClose(testTimeout, websocket.CloseNormal)
			peer.Write(wstest.Close(websocket.CloseNormal, ""))
			if err := <-done; err != nil {
				t.Fatalf("Close = %v", err)
			}
			if err := <-readErr; websocket.CloseStatus(err) != websocket.CloseNormal {
				t.Errorf("Read = %v, want close 1000", err)
			}
			a.Close()
		})
	})
	t.Run("invalid arguments", func(t *testing.T) {
		conn, _ := serverWithPeer(t, websocket.TestConfig{})
		for _, tc := range []struct {
			code   websocket.CloseCode
			reason string
			want   error
		}{
			{1005, "x", protocol.ErrInvalidCloseCode},
			{1006, "", protocol.ErrInvalidCloseCode},
			{1000, string(make([]byte, 124)), protocol.ErrCloseReasonTooLong},
			{1000, "\xff", protocol.ErrInvalidCloseReason},
		} {
			if err := conn.Close(tc.code, tc.reason); !errors.Is(err, tc.want) {
				t.Errorf("Close(%d, %d bytes) = %v, want %v", tc.code, len(tc.reason), err, tc.want)
			}
		}
	})
}

// TestCloseTimeout runs in a synctest bubble over net.Pipe, so the close
// timeout passes in fake time.
func TestCloseTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := netPipe()
		conn := websocket.NewConnForTest(b, false, websocket.TestConfig{CloseTimeout: 3 * time.Second})
		peer := wstest.NewPeer(t, a, true)
		go func() {
			// Read our close frame and then say nothing.
			peer.Read(time.Hour)
		}()
		start := time.Now()
		err := conn.Close(websocket.CloseNormal, "")
		if !errors.Is(err, websocket.ErrCloseTimeout) {
			t.Fatalf("Close = %v, want ErrCloseTimeout", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("Close took %v, want the 3s close timeout", d)
		}
		a.Close()
	})
}

func TestCloseNow(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	readErr := make(chan error, 1)
	go func() {
		_, _, err := conn.Read(context.Background())
		readErr <- err
	}()
	if err := conn.CloseNow(); err != nil {
		t.Fatalf("CloseNow = %v", err)
	}
	if err := <-readErr; !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("pending Read = %v, want ErrClosed", err)
	}
	if err := conn.Write(context.Background(), websocket.MessageText, []byte("x")); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("Write after CloseNow = %v, want ErrClosed", err)
	}
	if err := conn.CloseNow(); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("second CloseNow = %v, want ErrClosed", err)
	}
	peer.ExpectEOF(testTimeout)
}

func TestCloseRead(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	ctx := conn.CloseRead(context.Background())
	peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPing, Payload: []byte("hb")})
	if h, p, err := peer.Read(testTimeout); err != nil || h.Opcode != protocol.OpPong || string(p) != "hb" {
		t.Fatalf("peer got %v %q, %v, want pong hb", h.Opcode, p, err)
	}
	if err := conn.Write(context.Background(), websocket.MessageText, []byte("push")); err != nil {
		t.Fatal(err)
	}
	peer.ReadMessage(testTimeout)
	peer.Write(wstest.Text("unexpected"))
	peer.ExpectClose(testTimeout, websocket.ClosePolicyViolation)
	peer.Write(wstest.Close(websocket.ClosePolicyViolation, ""))
	select {
	case <-ctx.Done():
	case <-time.After(testTimeout):
		t.Fatal("CloseRead context not done after the connection closed")
	}
	if cause := context.Cause(ctx); !errors.Is(cause, websocket.ErrUnexpectedData) {
		t.Errorf("context.Cause = %v, want ErrUnexpectedData", cause)
	}
}

func TestCloseReadCause(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	ctx := conn.CloseRead(context.Background())
	peer.Write(wstest.Close(4001, "bye"))
	<-ctx.Done()
	if code := websocket.CloseStatus(context.Cause(ctx)); code != 4001 {
		t.Errorf("CloseStatus(context.Cause) = %d, want 4001", code)
	}
}

// TestCloseAfterReaderStops covers a reader that holds the read lock when
// Close starts and then stops reading: Close must read the reply itself.
func TestCloseAfterReaderStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := netPipe()
		conn := websocket.NewConnForTest(b, false, websocket.TestConfig{CloseTimeout: time.Hour})
		peer := wstest.NewPeer(t, a, true)
		read := make(chan string, 1)
		go func() {
			_, msg, _ := conn.Read(context.Background())
			read <- string(msg) // and never reads again
		}()
		synctest.Wait()
		done := make(chan error, 1)
		go func() { done <- conn.Close(websocket.CloseNormal, "") }()
		peer.ExpectClose(time.Hour, websocket.CloseNormal)
		peer.Write(wstest.Text("last words"))
		if got := <-read; got != "last words" {
			t.Fatalf("reader got %q", got)
		}
		start := time.Now()
		peer.Write(wstest.Close(websocket.CloseNormal, ""))
		if err := <-done; err != nil {
			t.Fatalf("Close = %v", err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close waited %v after the reply", d)
		}
		a.Close()
	})
}

// TestCloseBehindStuckWrite: a write blocked on a peer that does not read
// holds the frame lock; Close must give up after its timeout, drop TCP
// and so unblock the write.
func TestCloseBehindStuckWrite(t *testing.T) {
	conn, _ := serverWithPeer(t, websocket.TestConfig{CloseTimeout: 100 * time.Millisecond})
	writeErr := make(chan error, 1)
	go func() { writeErr <- conn.Write(context.Background(), websocket.MessageBinary, make([]byte, 64<<20)) }()
	time.Sleep(20 * time.Millisecond) // let the write fill the socket buffers
	if err := conn.Close(websocket.CloseNormal, ""); !errors.Is(err, websocket.ErrCloseTimeout) {
		t.Fatalf("Close = %v, want ErrCloseTimeout", err)
	}
	select {
	case err := <-writeErr:
		if err == nil {
			t.Error("stuck Write returned nil")
		}
	case <-time.After(testTimeout):
		t.Fatal("Write still blocked after Close")
	}
}

// TestMalformedCloseFromPeer: a bad close frame is the peer's close
// frame: the server answers 1002 and drops TCP without waiting for
// another one (Autobahn 7.3.2, 7.3.6, 7.9.x).
func TestMalformedCloseFromPeer(t *testing.T) {
	for _, bad := range []string{"one byte", "too long"} {
		t.Run(bad, func(t *testing.T) { testMalformedClose(t, bad) })
	}
}

func testMalformedClose(t *testing.T, bad string) {
	synctest.Test(t, func(t *testing.T) {
		a, b := netPipe()
		conn := websocket.NewConnForTest(b, false, websocket.TestConfig{CloseTimeout: time.Hour})
		peer := wstest.NewPeer(t, a, true)
		go conn.Read(context.Background())
		payload := []byte{0x03}
		if bad == "too long" {
			payload = append([]byte{0x03, 0xe8}, bytes.Repeat([]byte{'*'}, 124)...)
		}
		peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpClose, Payload: payload})
		start := time.Now()
		peer.ExpectClose(time.Hour, websocket.CloseProtocolError)
		peer.ExpectEOF(time.Hour)
		if d := time.Since(start); d != 0 {
			t.Errorf("TCP closed after %v, want at once", d)
		}
	})
}
