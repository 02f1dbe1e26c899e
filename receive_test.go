package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/netpoll"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// receiveEcho puts c in receive mode as an echo server and returns a
// channel with the error that ended it.
func receiveEcho(t *testing.T, c *websocket.Conn) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	err := c.Receive(func(typ websocket.MessageType, msg []byte) {
		if err := c.Write(context.Background(), typ, msg); err != nil {
			t.Errorf("echo: %v", err)
		}
	}, func(err error) { done <- err })
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// closeReceiver has the peer close with code 4000 and checks that the
// connection echoes the close and reports it to done.
func closeReceiver(t *testing.T, peer *wstest.Peer, done <-chan error) {
	t.Helper()
	go peer.Write(wstest.Close(4000, "done"))
	peer.ExpectClose(testTimeout, 4000)
	if err := waitDone(t, done, "in time"); websocket.CloseStatus(err) != 4000 {
		t.Errorf("done(%v), want close 4000", err)
	}
}

// waitDone returns the error receive mode passed to done, failing the
// test, with when saying at what point, if done is not called within
// testTimeout.
func waitDone(t *testing.T, done <-chan error, when string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(testTimeout):
		t.Fatalf("done not called %s", when)
		return nil
	}
}

func TestReceive(t *testing.T) {
	pairs := map[string]func(t *testing.T) (net.Conn, net.Conn){
		"tcp":  func(t *testing.T) (net.Conn, net.Conn) { return wstest.TCPPair(t) },
		"pipe": func(t *testing.T) (net.Conn, net.Conn) { a, b := net.Pipe(); return a, b },
	}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			a, b := pair(t)
			c := websocket.NewConnForTest(b, false, websocket.TestConfig{})
			defer c.CloseNow()
			peer := wstest.NewPeer(t, a, true)
			done := receiveEcho(t, c)
			// Idle, then bursts: single frames, fragments with a ping
			// inside, several messages in one write.
			for round := range 3 {
				time.Sleep(10 * time.Millisecond)
				go peer.Write(
					wstest.Text("one"),
					frag(false, protocol.OpBinary, "tw"), frag(true, protocol.OpPing, "p"), frag(true, protocol.OpContinuation, "o"),
				)
				if _, msg := peer.ReadMessage(testTimeout); string(msg) != "one" {
					t.Fatalf("round %d: echo %q", round, msg)
				}
				if h, p, err := peer.Read(testTimeout); err != nil || h.Opcode != protocol.OpPong || string(p) != "p" {
					t.Fatalf("round %d: got %v %q %v, want pong", round, h.Opcode, p, err)
				}
				if _, msg := peer.ReadMessage(testTimeout); string(msg) != "two" {
					t.Fatalf("round %d: echo %q", round, msg)
				}
			}
			// A ping alone wakes the connection and is answered.
			go peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPing, Payload: []byte("idle ping")})
			if h, p, err := peer.Read(testTimeout); err != nil || h.Opcode != protocol.OpPong || string(p) != "idle ping" {
				t.Fatalf("got %v %q %v, want pong", h.Opcode, p, err)
			}
			closeReceiver(t, peer, done)
			if err := c.Receive(nil, nil); !errors.Is(err, websocket.ErrReceiving) {
				t.Errorf("second Receive = %v, want ErrReceiving", err)
			}
		})
	}
}

func TestReceiveCloseNow(t *testing.T) {
	a, b := wstest.TCPPair(t)
	_ = a
	c := websocket.NewConnForTest(b, false, websocket.TestConfig{})
	done := receiveEcho(t, c)
	time.Sleep(10 * time.Millisecond) // idle in the poller
	c.CloseNow()
	if err := waitDone(t, done, "after CloseNow"); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("done(%v), want ErrClosed", err)
	}
}

func TestReceiveViolation(t *testing.T) {
	a, b := wstest.TCPPair(t)
	c := websocket.NewConnForTest(b, false, websocket.TestConfig{})
	peer := wstest.NewPeer(t, a, true)
	done := receiveEcho(t, c)
	peer.Write(wstest.Text("\xff"))
	peer.ExpectClose(testTimeout, websocket.CloseInvalidPayload)
	peer.Write(wstest.Close(websocket.CloseInvalidPayload, ""))
	if err := <-done; !errors.Is(err, protocol.ErrInvalidUTF8) {
		t.Errorf("done(%v), want ErrInvalidUTF8", err)
	}
}

func TestReceiveWithAccept(t *testing.T) {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		done := receiveEcho(t, c)
		<-done
	}))
	defer s.Close()
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for range 10 {
		roundTrip(t, c, "via receive")
	}
	c.Close(websocket.CloseNormal, "")
}

// TestReceiveRacesClose closes connections in receive mode while their
// messages arrive, so that closing meets the receiver at every point:
// parked in the poller, starting its goroutine, reading, re-arming. Each
// time done must run exactly once, and soon; TestMain checks that no
// goroutine is left behind.
func TestReceiveRacesClose(t *testing.T) {
	const rounds = 1000
	for i := range rounds {
		a, b := wstest.TCPPair(t)
		c := websocket.NewConnForTest(b, false, websocket.TestConfig{})
		burst := wstest.NewPeer(t, a, true).Encode(wstest.Text("race"))
		var calls atomic.Int32
		done := make(chan struct{})
		err := c.Receive(func(websocket.MessageType, []byte) {}, func(error) {
			if calls.Add(1) == 1 {
				close(done)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			for range 1 + i%4 {
				if _, err := a.Write(burst); err != nil {
					return // closed under the writer: the race this test wants
				}
			}
		}()
		if i%2 == 1 {
			<-wrote // sometimes close while reading, sometimes after
		}
		for range i % 7 {
			runtime.Gosched() // and at varied points of the receiver's work
		}
		c.CloseNow()
		select {
		case <-done:
		case <-time.After(testTimeout):
			t.Fatalf("round %d: done not called after CloseNow", i)
		}
		<-wrote
		a.Close()
		if n := calls.Load(); n != 1 {
			t.Fatalf("round %d: done called %d times", i, n)
		}
	}
}

// readCountingConn is a TCP connection that counts its raw reads: each
// call of a function given to its RawConn's Read is one read system
// call. If controlFD is not -1, its RawConn's Control reports that
// descriptor instead of the socket's, which is what the poller watches.
type readCountingConn struct {
	*net.TCPConn
	controlFD int
	reads     atomic.Int64
}

func (c *readCountingConn) SyscallConn() (syscall.RawConn, error) {
	raw, err := c.TCPConn.SyscallConn()
	if err != nil {
		return nil, err
	}
	return countingRawConn{RawConn: raw, c: c}, nil
}

type countingRawConn struct {
	syscall.RawConn
	c *readCountingConn
}

func (r countingRawConn) Read(f func(fd uintptr) bool) error {
	return r.RawConn.Read(func(fd uintptr) bool {
		r.c.reads.Add(1)
		return f(fd)
	})
}

func (r countingRawConn) Control(f func(fd uintptr)) error {
	if r.c.controlFD != -1 {
		f(uintptr(r.c.controlFD))
		return nil
	}
	return r.RawConn.Control(f)
}

// TestReceiveReadsPerMessage counts the read system calls of a
// connection in receive mode answering one message at a time. While the
// poller is busy, a read that empties the socket is not followed by
// another that would find nothing: the poller reports whatever arrives
// after it. While it is quiet, the reader looks once more before
// waiting, since waking the poller costs more than a read.
func TestReceiveReadsPerMessage(t *testing.T) {
	if !netpoll.Supported {
		t.Skip("no poller on " + runtime.GOOS + ": receive mode reads from a goroutine")
	}
	const rounds = 200
	tests := []struct {
		name   string
		busy   bool
		accept func(reads int64) bool
		want   string
	}{
		{"busy", true, func(n int64) bool { return n <= rounds*5/4 }, "about one each"},
		{"quiet", false, func(n int64) bool { return n >= rounds*3/2 }, "about two each"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			cc := &readCountingConn{TCPConn: b.(*net.TCPConn), controlFD: -1}
			c := websocket.NewConnForTest(cc, false, websocket.TestConfig{})
			defer c.CloseNow()
			peer := wstest.NewPeer(t, a, true)
			defer websocket.SetPollerBusy(tt.busy)()
			done := receiveEcho(t, c)
			for i := range rounds {
				// A pause before each message, so that a look for the
				// next one right after an echo finds nothing.
				time.Sleep(50 * time.Microsecond)
				peer.Write(wstest.Text("ping"))
				if _, msg := peer.ReadMessage(testTimeout); string(msg) != "ping" {
					t.Fatalf("round %d: echo %q", i, msg)
				}
			}
			if reads := cc.reads.Load(); !tt.accept(reads) {
				t.Errorf("%d reads for %d round trips, want %s", reads, rounds, tt.want)
			}
			c.CloseNow()
			// Once done runs, the receiver no longer looks at pollerBusy.
			waitDone(t, done, "after CloseNow")
		})
	}
}

// TestReceiveWithoutPoller gives receive mode a socket the poller cannot
// watch (its Control reports a regular file, which epoll refuses; where
// there is no poller, every socket): a goroutine then reads it, waiting
// in its reads. Messages are answered, and an idle connection makes no
// reads, where it used to look for bytes again and again.
func TestReceiveWithoutPoller(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "unpollable")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, b := wstest.TCPPair(t)
	cc := &readCountingConn{TCPConn: b.(*net.TCPConn), controlFD: int(f.Fd())}
	c := websocket.NewConnForTest(cc, false, websocket.TestConfig{})
	defer c.CloseNow()
	peer := wstest.NewPeer(t, a, true)
	done := receiveEcho(t, c)
	for i := range 10 {
		peer.Write(wstest.Text("hello"))
		if _, msg := peer.ReadMessage(testTimeout); string(msg) != "hello" {
			t.Fatalf("round %d: echo %q", i, msg)
		}
	}
	before := cc.reads.Load()
	time.Sleep(50 * time.Millisecond)
	if idle := cc.reads.Load() - before; idle > 2 {
		t.Errorf("%d reads in 50ms while idle, want at most 2", idle)
	}
	closeReceiver(t, peer, done)
}

// TestReceiveSizes echoes messages of every size class in receive mode,
// on a raw socket and behind net.Conn.Read, sent back to back in one
// burst: those whole in the read buffer are handed out where they lie,
// the others through the message buffer.
func TestReceiveSizes(t *testing.T) {
	sizes := []int{0, 16, 1000, 9000, 16 << 10, 20000, 70000}
	for _, name := range []string{"raw", "plain"} {
		t.Run(name, func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			if name == "plain" {
				b = &countingConn{Conn: b}
			}
			c := websocket.NewConnForTest(b, false, websocket.TestConfig{})
			defer c.CloseNow()
			peer := wstest.NewPeer(t, a, true)
			done := receiveEcho(t, c)
			var frames []wstest.Frame
			for _, n := range sizes {
				frames = append(frames, wstest.Binary(bytes.Repeat([]byte{byte(n)}, n)), wstest.Text(longText(n)))
			}
			go peer.Write(frames...)
			for _, f := range frames {
				op, msg := peer.ReadMessage(testTimeout)
				if op != f.Opcode || !bytes.Equal(msg, f.Payload) {
					t.Fatalf("echo of a %d-byte %v message: %v, %d bytes, equal %v", len(f.Payload), f.Opcode, op, len(msg), bytes.Equal(msg, f.Payload))
				}
			}
			closeReceiver(t, peer, done)
		})
	}
}

// TestReceiveInvalidLargeText sends a large text message with a bad
// byte near its end, behind net.Conn.Read, where receive mode completes
// the frame in its buffer before looking at it: the connection fails
// with 1007 all the same.
func TestReceiveInvalidLargeText(t *testing.T) {
	a, b := wstest.TCPPair(t)
	c := websocket.NewConnForTest(&countingConn{Conn: b}, false, websocket.TestConfig{})
	defer c.CloseNow()
	peer := wstest.NewPeer(t, a, true)
	done := make(chan error, 1)
	if err := c.Receive(func(websocket.MessageType, []byte) {}, func(err error) { done <- err }); err != nil {
		t.Fatal(err)
	}
	go peer.Write(wstest.Text(longText(20000) + "\xff" + longText(100)))
	peer.ExpectClose(testTimeout, 1007)
	peer.Write(wstest.Close(1007, ""))
	if err := waitDone(t, done, "in time"); !errors.Is(err, protocol.ErrInvalidUTF8) {
		t.Errorf("done(%v), want ErrInvalidUTF8", err)
	}
}

// TestReceiveReadsPerLargeFrame counts the reads of a connection behind
// net.Conn.Read in receive mode taking 16 KiB frames sent back to back:
// each read completes a frame and brings the next one's header, about
// one read a frame, where reading the header and then the payload made
// two.
func TestReceiveReadsPerLargeFrame(t *testing.T) {
	const frames = 20
	a, b := wstest.TCPPair(t)
	pc := &countingConn{Conn: b}
	c := websocket.NewConnForTest(pc, false, websocket.TestConfig{})
	defer c.CloseNow()
	peer := wstest.NewPeer(t, a, true)
	var burst []wstest.Frame
	for range frames {
		burst = append(burst, wstest.Binary(make([]byte, 16<<10)))
	}
	peer.Write(burst...) // all in the socket before the first read
	got := make(chan struct{}, frames)
	if err := c.Receive(func(websocket.MessageType, []byte) { got <- struct{}{} }, nil); err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		select {
		case <-got:
		case <-time.After(testTimeout):
			t.Fatalf("%d of %d messages received", i, frames)
		}
	}
	// A read may come back short if the socket had less than asked.
	if reads := pc.reads.Load(); reads > frames*3/2 {
		t.Errorf("%d reads for %d frames of 16 KiB, want about one a frame", reads, frames)
	}
}
