package websocket

import (
	"bytes"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// TestReceiveLargeMessagesPooled reads messages larger than receive
// mode's first buffer, whole and in fragments: each is read into a
// pooled buffer of a larger size (growMessage), not into memory
// allocated for it, which made receive mode take two to three times the
// CPU of a ReadInto loop on 1 MiB echoes.
func TestReceiveLargeMessagesPooled(t *testing.T) {
	if raceEnabled {
		t.Skip("race detector: sync.Pool drops items at random, so the buffers allocate; the non-race runs (make purego) count")
	}
	const size, messages = 200 << 10, 30
	payload := bytes.Repeat([]byte("wirefast"), size/8)
	tests := []struct {
		name   string
		stream []byte
	}{
		{"whole", maskedFrame(true, protocol.OpBinary, payload)},
		{"fragments", append(
			maskedFrame(false, protocol.OpBinary, payload[:size/2]),
			maskedFrame(true, protocol.OpContinuation, payload[size/2:])...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			c := NewConnForTest(b, false, TestConfig{})
			defer c.CloseNow()
			got := make(chan bool, 1)
			err := c.Receive(func(_ MessageType, msg []byte) { got <- bytes.Equal(msg, payload) }, nil)
			if err != nil {
				t.Fatal(err)
			}
			send := func() {
				t.Helper()
				if _, err := a.Write(tt.stream); err != nil {
					t.Fatal(err)
				}
				select {
				case ok := <-got:
					if !ok {
						t.Fatal("the message received differs from the one sent")
					}
				case <-time.After(10 * time.Second):
					t.Fatal("no message received")
				}
			}
			send() // fill the pools
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range messages {
				send()
			}
			runtime.ReadMemStats(&after)
			if perMsg := (after.TotalAlloc - before.TotalAlloc) / messages; perMsg > size/8 {
				t.Errorf("%d bytes allocated per message of %d bytes, want the pooled buffers reused", perMsg, size)
			}
		})
	}
}

// TestReceiveDescriptorReused closes a receiving Conn's socket behind
// its back (the application closing the net.Conn it passed in), lets the
// next accepted socket take the same descriptor number for a second
// receiving Conn, and only then closes the first Conn: the second must
// go on receiving. (The first Conn's Remove leaves the second's
// registration alone, which TestWaitReusedDescriptor in netpoll checks;
// before, it took it and ran the second's wake-up, which registered the
// socket again, so no message was lost either way.)
func TestReceiveDescriptorReused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accept := func() net.Conn {
		t.Helper()
		nc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		return nc
	}
	dial := func() net.Conn {
		t.Helper()
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		return nc
	}
	// The kernel gives the lowest free number, but the runtime may open
	// descriptors of its own in between: try a few times.
	for range 20 {
		dial()
		first := NewConnForTest(accept(), false, TestConfig{})
		if err := first.Receive(func(MessageType, []byte) {}, nil); err != nil {
			t.Fatal(err)
		}
		// Dialled before the close, so that the accepted socket is the
		// only new descriptor after it.
		client := dial()
		fd := first.pollFD
		first.rb.nc.Close()
		second := NewConnForTest(accept(), false, TestConfig{})
		if second.pollFD != fd {
			first.CloseNow()
			second.CloseNow()
			continue
		}
		got := make(chan string, 1)
		err := second.Receive(func(_ MessageType, msg []byte) { got <- string(msg) }, nil)
		if err != nil {
			t.Fatal(err)
		}
		first.CloseNow()
		if _, err := client.Write(maskedFrame(true, protocol.OpText, []byte("still here"))); err != nil {
			t.Fatal(err)
		}
		select {
		case msg := <-got:
			if msg != "still here" {
				t.Fatalf("received %q", msg)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the Conn that reused the descriptor received nothing after the first Conn closed")
		}
		second.CloseNow()
		return
	}
	t.Fatal("no accepted socket reused the closed descriptor in 20 tries")
}
