package websocket_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// countingConn counts the Write and Read calls made on a connection, each
// one a system call on a socket. Embedding net.Conn, it hides the
// socket: reads go through net.Conn.Read, as on TLS and other wrappers.
type countingConn struct {
	net.Conn
	writes atomic.Int32
	reads  atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.reads.Add(1)
	return c.Conn.Read(p)
}

// coalescePair returns a Conn over a counted loopback TCP connection and
// the raw peer driving it.
func coalescePair(t *testing.T, client, coalesce bool) (*websocket.Conn, *countingConn, *wstest.Peer) {
	t.Helper()
	a, b := wstest.TCPPair(t)
	cc := &countingConn{Conn: b}
	c := websocket.NewConnForTest(cc, client, websocket.TestConfig{CoalesceWrites: coalesce})
	t.Cleanup(func() { c.CloseNow() })
	return c, cc, wstest.NewPeer(t, a, !client)
}

// burst sends n text messages "m0", "m1"... in one write, so that they
// arrive together, and returns their payloads.
func burst(p *wstest.Peer, n int) [][]byte {
	var msgs [][]byte
	for i := range n {
		msgs = append(msgs, []byte(fmt.Sprintf("m%d", i)))
	}
	sendBurst(p, msgs)
	return msgs
}

// sendBurst sends msgs as text messages in one write.
func sendBurst(p *wstest.Peer, msgs [][]byte) {
	var wire []byte
	for _, m := range msgs {
		wire = append(wire, p.Encode(wstest.Frame{Fin: true, Opcode: protocol.OpText, Payload: m})...)
	}
	p.WriteRaw(wire)
}

// echoN starts a goroutine that reads n messages from c and writes each
// back, reporting the first error.
func echoN(t *testing.T, c *websocket.Conn, n int) {
	ctx := context.Background()
	go func() {
		for range n {
			typ, msg, err := c.Read(ctx)
			if err == nil {
				err = c.Write(ctx, typ, msg)
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
}

// expectMessages reads len(want) messages from the peer, in order.
func expectMessages(t *testing.T, p *wstest.Peer, want [][]byte) {
	t.Helper()
	for i, w := range want {
		op, got := p.ReadMessage(testTimeout)
		if op != protocol.OpText || !bytes.Equal(got, w) {
			t.Fatalf("message %d: got %v %q, want text %q", i, op, got, w)
		}
	}
}

// TestCoalesceWrites echoes a burst of 16 pipelined messages and counts
// the writes: one per message without coalescing, one in all with it,
// from a read loop or a Receive handler, as a server or a client.
func TestCoalesceWrites(t *testing.T) {
	const n = 16
	tests := []struct {
		name       string
		client     bool
		coalesce   bool
		receive    bool
		wantWrites int32
	}{
		{"off", false, false, false, n},
		{"off/receive", false, false, true, n},
		{"server", false, true, false, 1},
		{"client", true, true, false, 1},
		{"server/receive", false, true, true, 1},
		{"client/receive", true, true, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cc, peer := coalescePair(t, tt.client, tt.coalesce)
			msgs := burst(peer, n) // all buffered before the first read
			ctx := context.Background()
			if tt.receive {
				err := c.Receive(func(typ websocket.MessageType, msg []byte) {
					if err := c.Write(ctx, typ, msg); err != nil {
						t.Error(err)
					}
				}, nil)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				echoN(t, c, n)
			}
			expectMessages(t, peer, msgs)
			if got := cc.writes.Load(); got != tt.wantWrites {
				t.Errorf("%d messages echoed in %d writes, want %d", n, got, tt.wantWrites)
			}
		})
	}
}

// TestCoalesceHeld follows messages held back while the reader has more
// input buffered, until each way of sending them.
func TestCoalesceHeld(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		send func(t *testing.T, c *websocket.Conn)
		// then, the extra frame the peer reads after the held message
		then protocol.Opcode
	}{
		{"Flush", func(t *testing.T, c *websocket.Conn) {
			if err := c.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"Ping", func(t *testing.T, c *websocket.Conn) {
			go func() { _, _ = c.Ping(ctx) }() // waits for a pong that never comes
		}, protocol.OpPing},
		{"next read", func(t *testing.T, c *websocket.Conn) {
			// Reading the second message empties the buffer; the read
			// after waits on the socket, and sends the held message first.
			if _, _, err := c.Read(ctx); err != nil {
				t.Fatal(err)
			}
			go func() { _, _, _ = c.Read(ctx) }()
		}, 0},
		{"Close", func(t *testing.T, c *websocket.Conn) {
			go func() { _ = c.Close(websocket.CloseNormal, "") }()
		}, protocol.OpClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cc, peer := coalescePair(t, false, true)
			msgs := burst(peer, 2)
			if _, _, err := c.Read(ctx); err != nil { // the second is buffered
				t.Fatal(err)
			}
			if err := c.Write(ctx, websocket.MessageText, msgs[0]); err != nil {
				t.Fatal(err)
			}
			if got := cc.writes.Load(); got != 0 {
				t.Fatalf("a message written with more input buffered made %d writes, want it held", got)
			}
			tt.send(t, c)
			expectMessages(t, peer, msgs[:1])
			if tt.then != 0 {
				if h, _, err := peer.Read(testTimeout); err != nil || h.Opcode != tt.then {
					t.Fatalf("after the held message: %v %v, want a %v frame", h.Opcode, err, tt.then)
				}
			}
			if tt.name != "next read" && cc.writes.Load() != 1 {
				t.Errorf("held message and %s went out in %d writes, want 1", tt.name, cc.writes.Load())
			}
		})
	}
}

// rawCountingConn is a countingConn that also offers the socket's
// syscall.RawConn, as a *net.TCPConn does, so that the Conn reads through
// it (the raw path of readBuf).
type rawCountingConn struct {
	countingConn
	sc syscall.Conn
}

func (c *rawCountingConn) SyscallConn() (syscall.RawConn, error) { return c.sc.SyscallConn() }

// echoBurstWrites sends n messages of size bytes in one write to a
// server with CoalesceWrites on a raw loopback socket, so that they are
// in the socket before its first read, has it echo them, checks the
// echoes and returns how many writes they took. socketBuf, if not 0,
// sizes the socket buffers the burst goes through.
func echoBurstWrites(t *testing.T, n, size, socketBuf int) int32 {
	t.Helper()
	a, b := wstest.TCPPair(t)
	if socketBuf > 0 {
		if err := b.(*net.TCPConn).SetReadBuffer(socketBuf); err != nil {
			t.Fatal(err)
		}
		if err := a.(*net.TCPConn).SetWriteBuffer(socketBuf); err != nil {
			t.Fatal(err)
		}
	}
	cc := &rawCountingConn{countingConn: countingConn{Conn: b}, sc: b.(syscall.Conn)}
	c := websocket.NewConnForTest(cc, false, websocket.TestConfig{CoalesceWrites: true})
	t.Cleanup(func() { c.CloseNow() })
	peer := wstest.NewPeer(t, a, true)
	var want [][]byte
	for i := range n {
		want = append(want, bytes.Repeat([]byte{'a' + byte(i%26)}, size))
	}
	sendBurst(peer, want)
	echoN(t, c, n)
	expectMessages(t, peer, want)
	return cc.writes.Load()
}

// TestCoalesceManyReads echoes a burst of 1 KiB messages that takes
// several reads (the read buffer holds 16 KiB) but is all in the socket
// before the first: on a raw socket the held echoes wait until the
// reader would wait, so the whole burst is answered with one write, not
// one per read.
func TestCoalesceManyReads(t *testing.T) {
	const n, size = 40, 1 << 10 // 41 KiB on the wire each way
	if got := echoBurstWrites(t, n, size, 0); got != 1 {
		t.Errorf("%d messages of %d bytes echoed in %d writes, want 1", n, size, got)
	}
}

// TestCoalesceLargeBurst echoes a burst of 16 KiB messages, all in the
// socket before the first read: the hold buffer takes three echoes at a
// time, and the echo that does not fit beside them starts the next
// batch instead of going out alone, so the burst is answered in one
// write per three messages, not two writes per four.
func TestCoalesceLargeBurst(t *testing.T) {
	const n, size = 8, 16 << 10
	perWrite := websocket.HoldBufferSize / (size + 4) // a server's header is 4 bytes
	// Room for the whole burst in the socket, so that the reader never
	// finds it empty before the end.
	got := echoBurstWrites(t, n, size, 1<<20)
	if want := int32((n + perWrite - 1) / perWrite); got != want {
		t.Errorf("%d messages of %d bytes echoed in %d writes, want %d (%d a write)", n, size, got, want, perWrite)
	}
}

// TestCoalesceFull checks that held frames go out before they would
// outgrow the write buffer, and that a frame too large to hold is sent
// after them, in order, also one large enough to be written from the
// caller's slice.
func TestCoalesceFull(t *testing.T) {
	ctx := context.Background()
	c, _, peer := coalescePair(t, false, true)
	burst(peer, 2)
	if _, _, err := c.Read(ctx); err != nil {
		t.Fatal(err)
	}
	var want [][]byte
	for i, size := range []int{30000, 30000, 30000, 70000, 10, websocket.DirectWriteMin + 5, 20} {
		p := bytes.Repeat([]byte{byte('a' + i)}, size)
		want = append(want, p)
		if err := c.Write(ctx, websocket.MessageText, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	expectMessages(t, peer, want)
}

// TestCoalesceStress echoes bursts of every size on real sockets while
// another goroutine writes too, with the race detector watching the
// handover between the reader and the writers: every message must arrive,
// the echoes in order, none stuck in the buffer.
func TestCoalesceStress(t *testing.T) {
	for _, receive := range []bool{false, true} {
		t.Run(fmt.Sprintf("receive=%v", receive), func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			c := websocket.NewConnForTest(b, false, websocket.TestConfig{CoalesceWrites: true})
			t.Cleanup(func() { c.CloseNow() })
			peer := wstest.NewPeer(t, a, true)
			ctx := context.Background()
			const bursts, sides = 200, 300 // bursts of 1 to 39 messages
			if receive {
				if err := c.Receive(func(typ websocket.MessageType, msg []byte) {
					_ = c.Write(ctx, typ, msg)
				}, nil); err != nil {
					t.Fatal(err)
				}
			} else {
				go func() {
					var buf []byte
					for {
						typ, msg, err := c.ReadInto(ctx, buf)
						if err != nil || c.Write(ctx, typ, msg) != nil {
							return
						}
						buf = msg
					}
				}()
			}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // the other writer
				defer wg.Done()
				for i := range sides {
					if err := c.Write(ctx, websocket.MessageBinary, []byte{byte(i)}); err != nil {
						t.Error(err)
						return
					}
					if i%16 == 0 {
						time.Sleep(100 * time.Microsecond)
					}
				}
			}()
			go func() {
				sent := 0
				for i := 1; i <= bursts; i++ {
					var wire []byte
					for range i % 40 {
						p := []byte(fmt.Sprintf("e%d", sent))
						wire = append(wire, peer.Encode(wstest.Frame{Fin: true, Opcode: protocol.OpText, Payload: p})...)
						sent++
					}
					if _, err := peer.Conn.Write(wire); err != nil {
						return
					}
				}
			}()
			want := 0
			for i := 1; i <= bursts; i++ {
				want += i % 40
			}
			echoes, side := 0, 0
			deadline := time.Now().Add(2 * testTimeout)
			for echoes < want || side < sides {
				if time.Now().After(deadline) {
					t.Fatalf("stuck: %d of %d echoes and %d of %d other messages arrived", echoes, want, side, sides)
				}
				op, got := peer.ReadMessage(testTimeout)
				switch op {
				case protocol.OpText:
					if w := fmt.Sprintf("e%d", echoes); string(got) != w {
						t.Fatalf("echo %d is %q, want %q", echoes, got, w)
					}
					echoes++
				case protocol.OpBinary:
					if len(got) != 1 || got[0] != byte(side) {
						t.Fatalf("other message %d is %v", side, got)
					}
					side++
				}
			}
			wg.Wait()
		})
	}
}
