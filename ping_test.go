package websocket_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

func TestPing(t *testing.T) {
	conn, peer := clientWithPeer(t, websocket.TestConfig{})
	go conn.Read(context.Background()) // handles the pong
	go func() {
		h, p, err := peer.Read(testTimeout)
		if err != nil || h.Opcode != protocol.OpPing {
			t.Errorf("peer got %v, %v, want ping", h.Opcode, err)
			return
		}
		// An unrelated pong first: Ping must wait for its own.
		peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPong, Payload: []byte("other")})
		peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPong, Payload: p})
	}()
	rtt, err := conn.Ping(context.Background())
	if err != nil || rtt <= 0 {
		t.Fatalf("Ping = %v, %v", rtt, err)
	}
}

func TestPingContext(t *testing.T) {
	conn, peer := clientWithPeer(t, websocket.TestConfig{})
	go peer.Read(testTimeout) // swallow the ping, never answer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := conn.Ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping = %v, want DeadlineExceeded", err)
	}
}

// TestKeepalive runs in fake time: pings every 10s, answered for a while,
// then the peer goes silent and the connection fails after the 5s pong
// timeout with 1011.
func TestKeepalive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := netPipe()
		conn := websocket.NewConnForTest(b, true, websocket.TestConfig{PingInterval: 10 * time.Second, PongTimeout: 5 * time.Second})
		peer := wstest.NewPeer(t, a, false)
		readErr := make(chan error, 1)
		go func() {
			_, _, err := conn.Read(context.Background())
			readErr <- err
		}()
		start := time.Now()
		for i := range 3 {
			h, p, err := peer.Read(time.Hour)
			if err != nil || h.Opcode != protocol.OpPing {
				t.Fatalf("ping %d: got %v, %v", i, h.Opcode, err)
			}
			if want := time.Duration(i+1) * 10 * time.Second; time.Since(start) != want {
				t.Errorf("ping %d at %v, want %v", i, time.Since(start), want)
			}
			peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPong, Payload: p})
		}
		// Fourth ping goes unanswered.
		if h, _, err := peer.Read(time.Hour); err != nil || h.Opcode != protocol.OpPing {
			t.Fatalf("fourth ping: got %v, %v", h.Opcode, err)
		}
		pinged := time.Now()
		if reason := peer.ExpectClose(time.Hour, websocket.CloseInternalError); reason != "keepalive ping timeout" {
			t.Errorf("close reason %q", reason)
		}
		if d := time.Since(pinged); d != 5*time.Second {
			t.Errorf("closed %v after the ping, want 5s", d)
		}
		if err := <-readErr; !errors.Is(err, websocket.ErrKeepaliveTimeout) {
			t.Errorf("Read = %v, want ErrKeepaliveTimeout", err)
		}
		a.Close()
	})
}
