package websocket

import (
	"bytes"
	"errors"
	"net"
	"runtime"
	"testing"
	"time"
	"unsafe"

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

// TestReceiveInPlace checks that receive mode hands out a message of one
// frame whole in the read buffer where it lies there, unmasked, rather
// than copied into the message buffer, and a message of fragments copied.
func TestReceiveInPlace(t *testing.T) {
	a, b := wstest.TCPPair(t)
	c := NewConnForTest(b, false, TestConfig{})
	defer c.CloseNow()
	type delivery struct {
		msg     string
		inPlace bool
	}
	got := make(chan delivery, 3)
	err := c.Receive(func(_ MessageType, msg []byte) {
		// The handler runs on the reader, which holds the read lock.
		buf := c.rb.buffered()
		inPlace := len(msg) > 0 && len(buf) >= len(msg) &&
			uintptr(unsafe.Pointer(&msg[0])) >= uintptr(unsafe.Pointer(&buf[0])) &&
			uintptr(unsafe.Pointer(&msg[0])) < uintptr(unsafe.Pointer(&buf[0]))+uintptr(len(buf))
		got <- delivery{string(msg), inPlace}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var stream []byte
	stream = append(stream, maskedFrame(true, protocol.OpText, []byte("whole, in place"))...)
	stream = append(stream, maskedFrame(true, protocol.OpBinary, bytes.Repeat([]byte{7}, 3000))...)
	stream = append(stream, maskedFrame(false, protocol.OpText, []byte("in "))...)
	stream = append(stream, maskedFrame(true, protocol.OpContinuation, []byte("fragments"))...)
	if _, err := a.Write(stream); err != nil {
		t.Fatal(err)
	}
	want := []delivery{{"whole, in place", true}, {string(bytes.Repeat([]byte{7}, 3000)), true}, {"in fragments", false}}
	for i, w := range want {
		select {
		case d := <-got:
			if d.msg != w.msg || d.inPlace != w.inPlace {
				t.Errorf("message %d: %.20q in place %v, want %.20q in place %v", i, d.msg, d.inPlace, w.msg, w.inPlace)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d not received", i)
		}
	}
}

// TestReceiveInvalidTextInPlace sends a text frame, whole in the read
// buffer, that holds a surrogate (ED A0 80) where the bytes on the wire,
// with maskedFrame's key, read as a valid rune (EC A2 83): the in-place
// path must put back the bytes it unmasked before the general path
// reads the frame again, or that path would take the wire's bytes for
// the payload and deliver them.
func TestReceiveInvalidTextInPlace(t *testing.T) {
	a, b := wstest.TCPPair(t)
	c := NewConnForTest(b, false, TestConfig{})
	defer c.CloseNow()
	delivered := make(chan []byte, 1)
	done := make(chan error, 1)
	err := c.Receive(func(_ MessageType, msg []byte) { delivered <- bytes.Clone(msg) }, func(err error) { done <- err })
	if err != nil {
		t.Fatal(err)
	}
	payload := append(bytes.Repeat([]byte("abcd"), 50), "\xed\xa0\x80 and more"...)
	if _, err := a.Write(maskedFrame(true, protocol.OpText, payload)); err != nil {
		t.Fatal(err)
	}
	peer := wstest.NewPeer(t, a, true)
	peer.ExpectClose(5*time.Second, protocol.ErrInvalidUTF8.Code)
	peer.Write(wstest.Close(protocol.ErrInvalidUTF8.Code, ""))
	select {
	case msg := <-delivered:
		t.Fatalf("invalid text delivered as %.20q...", msg)
	case err := <-done:
		if !errors.Is(err, protocol.ErrInvalidUTF8) {
			t.Fatalf("done(%v), want ErrInvalidUTF8", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("neither a message nor the end")
	}
}

// TestReceiveHugeLength sends, to a connection without a read limit, the
// header of a frame whose length is the largest the protocol allows: the
// in-place path must leave it to the general path without adding to the
// length (which would overflow), and nothing may panic; the connection
// then waits for the payload, and closes when told.
func TestReceiveHugeLength(t *testing.T) {
	for _, name := range []string{"raw", "plain"} {
		t.Run(name, func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			var nc net.Conn = b
			if name == "plain" {
				nc = struct{ net.Conn }{b} // hides the socket: reads through net.Conn.Read
			}
			c := NewConnForTest(nc, false, TestConfig{ReadLimit: 1<<63 - 1}) // no limit
			done := make(chan error, 1)
			if err := c.Receive(func(MessageType, []byte) { t.Error("a message was delivered") }, func(err error) { done <- err }); err != nil {
				t.Fatal(err)
			}
			h := protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: 1<<63 - 1}
			if _, err := a.Write(append(protocol.AppendHeader(nil, h), "some payload"...)); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				t.Logf("ended: %v", err)
			case <-time.After(200 * time.Millisecond):
			}
			c.CloseNow()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("done not called after CloseNow")
			}
		})
	}
}
