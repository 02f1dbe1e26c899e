package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/nettest"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// connPair returns the client and the server end of a WebSocket
// connection over transport: "pipe" (net.Pipe), "tcp" (loopback) or
// "dial" (Dial and Accept over loopback HTTP).
func connPair(t testing.TB, transport string) (client, server *websocket.Conn) {
	t.Helper()
	switch transport {
	case "pipe", "tcp":
		var a, b net.Conn
		if transport == "pipe" {
			a, b = net.Pipe()
		} else {
			a, b = wstest.TCPPair(t)
		}
		client = websocket.NewConnForTest(a, true, websocket.TestConfig{})
		server = websocket.NewConnForTest(b, false, websocket.TestConfig{})
	case "dial":
		accepted := make(chan *websocket.Conn, 1)
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				t.Errorf("Accept: %v", err)
			}
			accepted <- c // the connection outlives the handler
		}))
		defer s.Close()
		var err error
		client, _, err = websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.URL, "http"), nil)
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		if server = <-accepted; server == nil {
			t.FailNow()
		}
	default:
		t.Fatalf("unknown transport %q", transport)
	}
	t.Cleanup(func() { client.CloseNow(); server.CloseNow() })
	return client, server
}

// closeTracker is a net.Conn whose Close can be waited for: nettest's
// BasicIO closes one end in a goroutine it does not wait for, and the
// closing handshake must not be cut short by the pipe's stop function.
type closeTracker struct {
	net.Conn
	once    sync.Once
	started chan struct{}
	done    chan struct{}
}

func newCloseTracker(c net.Conn) *closeTracker {
	return &closeTracker{Conn: c, started: make(chan struct{}), done: make(chan struct{})}
}

func (c *closeTracker) Close() error {
	first := false
	c.once.Do(func() { first = true; close(c.started) })
	err := c.Conn.Close()
	if first {
		close(c.done)
	}
	return err
}

// wait waits for a Close in progress, if there is one.
func (c *closeTracker) wait(t testing.TB) {
	select {
	case <-c.started:
	default:
		return
	}
	select {
	case <-c.done:
	case <-time.After(testTimeout):
		t.Errorf("Close still running after %v", testTimeout)
	}
}

// TestNetConnNettest runs the net.Conn conformance tests of
// golang.org/x/net/nettest with the net.Conn under test (c1) on either
// end of the connection.
func TestNetConnNettest(t *testing.T) {
	for _, transport := range []string{"pipe", "tcp", "dial"} {
		for _, side := range []string{"client", "server"} {
			t.Run(transport+"/"+side, func(t *testing.T) {
				nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
					tested, other := connPair(t, transport)
					if side == "server" {
						tested, other = other, tested
					}
					n1 := newCloseTracker(websocket.NetConn(context.Background(), tested, websocket.MessageBinary))
					n2 := newCloseTracker(websocket.NetConn(context.Background(), other, websocket.MessageBinary))
					stop = func() {
						n1.wait(t)
						n2.wait(t)
						tested.CloseNow()
						other.CloseNow()
					}
					return n1, n2, stop, nil
				})
			})
		}
	}
}

// readStream reads nc with a buffer of size n until an error, returning
// what it read and the error.
func readStream(nc net.Conn, n int) ([]byte, error) {
	var got []byte
	buf := make([]byte, n)
	for {
		k, err := nc.Read(buf)
		got = append(got, buf[:k]...)
		if err != nil {
			return got, err
		}
	}
}

func TestNetConnReadStream(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 10<<10) // 160 KiB: streamed, not buffered
	tests := []struct {
		name   string
		frames []wstest.Frame
		want   []byte
	}{
		{"one message", []wstest.Frame{wstest.Binary([]byte("hello"))}, []byte("hello")},
		{"boundaries vanish", []wstest.Frame{wstest.Binary([]byte("abc")), wstest.Binary([]byte("defg"))}, []byte("abcdefg")},
		{"empty messages", []wstest.Frame{wstest.Binary(nil), wstest.Binary([]byte("x")), wstest.Binary(nil), wstest.Binary([]byte("y"))}, []byte("xy")},
		{"fragments and a ping", []wstest.Frame{frag(false, protocol.OpBinary, "ab"), frag(true, protocol.OpPing, "p"), frag(false, protocol.OpContinuation, ""), frag(true, protocol.OpContinuation, "cd")}, []byte("abcd")},
		{"160 KiB message", []wstest.Frame{wstest.Binary(big), wstest.Binary([]byte("!"))}, append(big[:len(big):len(big)], '!')},
	}
	for _, size := range []int{1, 7, 32 << 10} {
		for _, tc := range tests {
			if size == 1 && len(tc.want) > 1<<10 {
				continue // a Read per byte of the big message only takes time
			}
			t.Run(tc.name+"/"+byteSize(size), func(t *testing.T) {
				conn, peer := serverWithPeer(t, websocket.TestConfig{})
				nc := websocket.NetConn(context.Background(), conn, websocket.MessageBinary)
				go func() {
					peer.Write(tc.frames...)
					peer.Write(wstest.Close(websocket.CloseNormal, ""))
				}()
				got, err := readStream(nc, size)
				if err != io.EOF {
					t.Errorf("Read error = %v, want io.EOF", err)
				}
				if !bytes.Equal(got, tc.want) {
					t.Errorf("read %d bytes %.40q, want %d bytes %.40q", len(got), got, len(tc.want), tc.want)
				}
			})
		}
	}
}

// byteSize names a size for a subtest: 7B, 16KiB, 1MiB.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

func byteByByte(s string) []string {
	var chunks []string
	for i := range len(s) {
		chunks = append(chunks, s[i:i+1])
	}
	return chunks
}

func TestNetConnWriteMessages(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	nc := websocket.NetConn(context.Background(), conn, websocket.MessageBinary)
	writes := []string{"a", "", "bc", strings.Repeat("d", 70000)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, w := range writes {
			if n, err := nc.Write([]byte(w)); n != len(w) || err != nil {
				t.Errorf("Write(%d bytes) = %d, %v", len(w), n, err)
			}
		}
	}()
	for _, want := range []string{"a", "bc", writes[3]} { // nothing for ""
		if op, msg := peer.ReadMessage(testTimeout); op != protocol.OpBinary || string(msg) != want {
			t.Errorf("peer got %v message of %d bytes, want binary of %d", op, len(msg), len(want))
		}
	}
	<-done
	if n, err := nc.Read(nil); n != 0 || err != nil {
		t.Errorf("Read(nil) = %d, %v, want 0, nil", n, err)
	}
}

// TestNetConnText checks that a text stream survives Writes that split
// its characters: the receiving Conn fails the connection on any message
// that is not UTF-8 by itself.
func TestNetConnText(t *testing.T) {
	const text = "ascii, κόσμε, €uro, 𝄞 clef"
	tests := []struct {
		name   string
		chunks []string
	}{
		{"whole", []string{text}},
		{"2-byte character split", []string{"κ\xce", "\xbaό"}},
		{"3-byte character split twice", []string{"a\xe2", "\x82", "\xacb"}},
		{"4-byte character split three ways", []string{"\xf0", "\x9d\x84", "\x9e"}},
		{"split after a whole character", []string{"€", "€"}},
		{"byte by byte", byteByByte(text)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, server := connPair(t, "tcp")
			w := websocket.NetConn(context.Background(), client, websocket.MessageText)
			r := websocket.NetConn(context.Background(), server, websocket.MessageText)
			want := strings.Join(tc.chunks, "")
			go func() {
				for _, c := range tc.chunks {
					if n, err := w.Write([]byte(c)); n != len(c) || err != nil {
						t.Errorf("Write(%q) = %d, %v", c, n, err)
						return
					}
				}
				w.Close()
			}()
			got, err := readStream(r, 5)
			if err != io.EOF {
				t.Errorf("Read error = %v, want io.EOF", err)
			}
			if string(got) != want {
				t.Errorf("read %q, want %q", got, want)
			}
		})
	}
}

func TestNetConnClosedByPeer(t *testing.T) {
	tests := []struct {
		name    string
		close   wstest.Frame
		wantEOF bool
		want    websocket.CloseError // when not EOF
	}{
		{"normal", wstest.Close(websocket.CloseNormal, "bye"), true, websocket.CloseError{}},
		{"going away", wstest.Close(websocket.CloseGoingAway, ""), true, websocket.CloseError{}},
		{"application code", wstest.Close(4000, "done"), false, websocket.CloseError{Code: 4000, Reason: "done"}},
		{"internal error", wstest.Close(websocket.CloseInternalError, "oops"), false, websocket.CloseError{Code: websocket.CloseInternalError, Reason: "oops"}},
		{"no status", wstest.Close(0, ""), false, websocket.CloseError{Code: websocket.CloseNoStatus}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, peer := serverWithPeer(t, websocket.TestConfig{})
			nc := websocket.NetConn(context.Background(), conn, websocket.MessageBinary)
			go peer.Write(wstest.Binary([]byte("last words")), tc.close)
			got, err := readStream(nc, 64)
			if string(got) != "last words" {
				t.Errorf("read %q before the close, want %q", got, "last words")
			}
			for range 2 { // the error is sticky
				if tc.wantEOF {
					if err != io.EOF {
						t.Errorf("Read error = %v, want io.EOF", err)
					}
				} else {
					var ce *websocket.CloseError
					if !errors.As(err, &ce) {
						t.Fatalf("Read error = %v, want *CloseError", err)
					}
					if diff := cmp.Diff(tc.want, *ce); diff != "" {
						t.Errorf("CloseError mismatch (-want +got):\n%s", diff)
					}
				}
				_, err = nc.Read(make([]byte, 1))
			}
			if err := nc.Close(); err != nil {
				t.Errorf("Close after the peer closed = %v, want nil", err)
			}
		})
	}
}

func TestNetConnUnexpectedType(t *testing.T) {
	tests := []struct {
		name  string
		typ   websocket.MessageType
		good  wstest.Frame
		wrong wstest.Frame
	}{
		{"binary stream gets text", websocket.MessageBinary, wstest.Binary([]byte("ok")), wstest.Text("no")},
		{"text stream gets binary", websocket.MessageText, wstest.Text("ok"), wstest.Binary([]byte("no"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, peer := serverWithPeer(t, websocket.TestConfig{})
			nc := websocket.NetConn(context.Background(), conn, tc.typ)
			peer.Write(tc.good, tc.wrong)
			buf := make([]byte, 8)
			if n, err := nc.Read(buf); err != nil || string(buf[:n]) != "ok" {
				t.Fatalf("first Read = %q, %v, want ok", buf[:n], err)
			}
			errc := make(chan error, 1)
			go func() {
				_, err := nc.Read(buf)
				errc <- err
			}()
			peer.ExpectClose(testTimeout, websocket.CloseUnsupportedData)
			peer.Write(wstest.Close(websocket.CloseUnsupportedData, ""))
			if err := <-errc; !errors.Is(err, websocket.ErrUnexpectedType) {
				t.Errorf("Read = %v, want ErrUnexpectedType", err)
			}
			if code, ok := protocol.CloseCodeOf(websocket.ErrUnexpectedType); !ok || code != websocket.CloseUnsupportedData {
				t.Errorf("CloseCodeOf(ErrUnexpectedType) = %d, %v", code, ok)
			}
			if _, err := nc.Read(buf); !errors.Is(err, websocket.ErrUnexpectedType) {
				t.Errorf("Read again = %v, want ErrUnexpectedType", err)
			}
			peer.ExpectEOF(testTimeout)
		})
	}
}

// checkTimeout fails the test unless err is a deadline error as net.Conn
// defines it.
func checkTimeout(t *testing.T, what string, err error) {
	t.Helper()
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s error = %v, want a timeout wrapping os.ErrDeadlineExceeded", what, err)
	}
}

type readResult struct {
	data []byte
	err  error
}

// goRead starts a Read of up to n bytes.
func goRead(nc net.Conn, n int) chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		buf := make([]byte, n)
		k, err := nc.Read(buf)
		ch <- readResult{buf[:k], err}
	}()
	return ch
}

// pipeWithPeer returns a NetConn on the server end of a net.Pipe and the
// raw client peer. In a synctest bubble the pipe and the deadlines run on
// the bubble's clock.
func pipeWithPeer(t *testing.T, closeTimeout time.Duration) (net.Conn, *wstest.Peer) {
	a, b := netPipe()
	conn := websocket.NewConnForTest(b, false, websocket.TestConfig{CloseTimeout: closeTimeout})
	t.Cleanup(func() { conn.CloseNow(); a.Close() })
	return websocket.NetConn(context.Background(), conn, websocket.MessageBinary), wstest.NewPeer(t, a, true)
}

func TestNetConnReadDeadline(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, nc net.Conn, peer *wstest.Peer)
	}{
		{"past deadline before Read", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			nc.SetReadDeadline(time.Now().Add(-time.Second))
			n, err := nc.Read(make([]byte, 8))
			if n != 0 {
				t.Errorf("Read = %d bytes, want 0", n)
			}
			checkTimeout(t, "Read", err)
		}},
		{"past deadline while blocked", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			ch := goRead(nc, 8)
			synctest.Wait()
			nc.SetReadDeadline(time.Unix(1, 0))
			checkTimeout(t, "blocked Read", (<-ch).err)
		}},
		{"future deadline", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			start := time.Now()
			nc.SetDeadline(start.Add(time.Second))
			_, err := nc.Read(make([]byte, 8))
			checkTimeout(t, "Read", err)
			if d := time.Since(start); d != time.Second {
				t.Errorf("Read timed out after %v, want 1s", d)
			}
		}},
		{"deadline moved later while blocked", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			nc.SetReadDeadline(time.Now().Add(time.Second))
			ch := goRead(nc, 8)
			time.Sleep(500 * time.Millisecond)
			nc.SetReadDeadline(time.Now().Add(time.Hour))
			time.Sleep(time.Second)
			synctest.Wait()
			select {
			case r := <-ch:
				t.Fatalf("Read returned %q, %v at the deadline it no longer has", r.data, r.err)
			default:
			}
			peer.Write(wstest.Binary([]byte("late")))
			if r := <-ch; r.err != nil || string(r.data) != "late" {
				t.Errorf("Read = %q, %v, want late", r.data, r.err)
			}
		}},
		{"deadline moved earlier while blocked", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			start := time.Now()
			nc.SetReadDeadline(start.Add(time.Hour))
			ch := goRead(nc, 8)
			synctest.Wait()
			nc.SetReadDeadline(start.Add(time.Second))
			checkTimeout(t, "Read", (<-ch).err)
			if d := time.Since(start); d != time.Second {
				t.Errorf("Read timed out after %v, want 1s", d)
			}
		}},
		{"between the fragments of a message", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			go peer.Write(frag(false, protocol.OpBinary, "first"))
			if r := <-goRead(nc, 8); string(r.data) != "first" || r.err != nil {
				t.Fatalf("Read = %q, %v", r.data, r.err)
			}
			nc.SetReadDeadline(time.Now().Add(time.Second))
			checkTimeout(t, "Read", (<-goRead(nc, 8)).err)
			nc.SetReadDeadline(time.Time{})
			go peer.Write(frag(true, protocol.OpContinuation, "second"))
			if r := <-goRead(nc, 8); string(r.data) != "second" || r.err != nil {
				t.Fatalf("Read after the timeout = %q, %v, want the rest of the message", r.data, r.err)
			}
		}},
		{"in the middle of a frame", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			wire := peer.Encode(wstest.Binary([]byte("0123456789")))
			go peer.WriteRaw(wire[:len(wire)-4]) // all but "6789"
			if r := <-goRead(nc, 16); string(r.data) != "012345" || r.err != nil {
				t.Fatalf("Read = %q, %v", r.data, r.err)
			}
			nc.SetReadDeadline(time.Now().Add(time.Second))
			checkTimeout(t, "Read", (<-goRead(nc, 16)).err)
			go peer.WriteRaw(wire[len(wire)-4:])
			nc.SetReadDeadline(time.Time{})
			if r := <-goRead(nc, 16); string(r.data) != "6789" || r.err != nil {
				t.Fatalf("Read after the timeout = %q, %v, want the rest of the frame", r.data, r.err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				nc, peer := pipeWithPeer(t, 0)
				tc.run(t, nc, peer)
				// Whatever the timeout interrupted, the connection carries on
				// once the deadline is cleared.
				nc.SetReadDeadline(time.Time{})
				go peer.Write(wstest.Binary([]byte("after")))
				got, err := io.ReadAll(io.LimitReader(nc, 5))
				if err != nil || string(got) != "after" {
					t.Errorf("Read after the deadline = %q, %v, want after", got, err)
				}
			})
		})
	}
}

func TestNetConnWriteDeadline(t *testing.T) {
	big := bytes.Repeat([]byte("payload!"), 8<<10) // 64 KiB: several pipe writes
	tests := []struct {
		name string
		run  func(t *testing.T, nc net.Conn, peer *wstest.Peer)
	}{
		{"past deadline before Write", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			nc.SetWriteDeadline(time.Unix(1, 0))
			n, err := nc.Write([]byte("never sent"))
			if n != 0 {
				t.Errorf("Write = %d, want 0", n)
			}
			checkTimeout(t, "Write", err)
		}},
		{"future deadline, peer not reading", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			start := time.Now()
			nc.SetDeadline(start.Add(time.Second))
			p := bytes.Clone(big)
			n, err := nc.Write(p)
			checkTimeout(t, "Write", err)
			if n != len(p) {
				t.Errorf("Write = %d, want %d: the message is on its way", n, len(p))
			}
			if d := time.Since(start); d != time.Second {
				t.Errorf("Write timed out after %v, want 1s", d)
			}
			clear(p) // Write copied p
			// The next Write waits for that message, within its deadline.
			nc.SetWriteDeadline(time.Now().Add(time.Second))
			n, err = nc.Write([]byte("queued"))
			if n != 0 {
				t.Errorf("Write behind a pending message = %d, want 0", n)
			}
			checkTimeout(t, "Write behind a pending message", err)
			nc.SetWriteDeadline(time.Time{})
			if op, msg := peer.ReadMessage(time.Minute); op != protocol.OpBinary || !bytes.Equal(msg, big) {
				t.Errorf("peer got %v message of %d bytes, want the %d bytes of the timed-out Write", op, len(msg), len(big))
			}
		}},
		{"deadline while blocked in the middle of a frame", func(t *testing.T, nc net.Conn, peer *wstest.Peer) {
			done := make(chan error, 1)
			go func() {
				_, err := nc.Write(big)
				done <- err
			}()
			if _, err := io.ReadFull(peer.R, make([]byte, 100)); err != nil { // part of the frame
				t.Fatal(err)
			}
			synctest.Wait()
			nc.SetWriteDeadline(time.Unix(1, 0))
			checkTimeout(t, "Write", <-done)
			nc.SetWriteDeadline(time.Time{})
			// The frame is finished in the background: the stream stays
			// in step. Read the rest of this frame raw.
			header := protocol.Header{Length: int64(len(big))}.HeaderSize()
			rest := make([]byte, header+len(big)-100)
			if _, err := io.ReadFull(peer.R, rest); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				nc, peer := pipeWithPeer(t, 0)
				tc.run(t, nc, peer)
				nc.SetWriteDeadline(time.Time{})
				go func() {
					if _, err := nc.Write([]byte("after")); err != nil {
						t.Errorf("Write after the deadline: %v", err)
					}
				}()
				if op, msg := peer.ReadMessage(time.Minute); op != protocol.OpBinary || string(msg) != "after" {
					t.Errorf("peer got %v %q, want binary after", op, msg)
				}
			})
		})
	}
}

// TestNetConnDeadlineDirections checks that each deadline applies to its
// direction only.
func TestNetConnDeadlineDirections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nc, peer := pipeWithPeer(t, 0)
		nc.SetReadDeadline(time.Unix(1, 0))
		done := make(chan error, 1)
		go func() {
			_, err := nc.Write([]byte("w"))
			done <- err
		}()
		peer.ReadMessage(time.Minute)
		if err := <-done; err != nil {
			t.Errorf("Write with a past read deadline: %v", err)
		}
		nc.SetReadDeadline(time.Time{})
		nc.SetWriteDeadline(time.Unix(1, 0))
		go peer.Write(wstest.Binary([]byte("r")))
		if r := <-goRead(nc, 8); r.err != nil || string(r.data) != "r" {
			t.Errorf("Read with a past write deadline = %q, %v", r.data, r.err)
		}
	})
}

func TestNetConnClose(t *testing.T) {
	t.Run("handshake", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			nc, peer := pipeWithPeer(t, 0)
			ch := goRead(nc, 8)
			synctest.Wait()
			done := make(chan error, 1)
			go func() { done <- nc.Close() }()
			peer.ExpectClose(time.Minute, websocket.CloseNormal)
			peer.Write(wstest.Close(websocket.CloseNormal, ""))
			if err := <-done; err != nil {
				t.Fatalf("Close = %v", err)
			}
			if r := <-ch; !errors.Is(r.err, net.ErrClosed) {
				t.Errorf("pending Read = %v, want net.ErrClosed", r.err)
			}
			checks := []struct {
				name string
				err  error
			}{
				{"Close again", nc.Close()},
				{"Read", func() error { _, err := nc.Read(make([]byte, 1)); return err }()},
				{"Write", func() error { _, err := nc.Write([]byte("x")); return err }()},
				{"SetDeadline", nc.SetDeadline(time.Time{})},
			}
			for _, c := range checks {
				if !errors.Is(c.err, net.ErrClosed) {
					t.Errorf("%s after Close = %v, want net.ErrClosed", c.name, c.err)
				}
			}
		})
	})
	t.Run("pending message goes first", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			nc, peer := pipeWithPeer(t, 0)
			nc.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := nc.Write([]byte("pending")); err == nil {
				t.Fatal("Write to a peer that does not read succeeded")
			}
			done := make(chan error, 1)
			go func() { done <- nc.Close() }()
			if op, msg := peer.ReadMessage(time.Minute); op != protocol.OpBinary || string(msg) != "pending" {
				t.Errorf("peer got %v %q, want the pending message", op, msg)
			}
			peer.ExpectClose(time.Minute, websocket.CloseNormal)
			peer.Write(wstest.Close(websocket.CloseNormal, ""))
			if err := <-done; err != nil {
				t.Fatalf("Close = %v", err)
			}
		})
	})
	t.Run("peer that never reads", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			nc, _ := pipeWithPeer(t, 3*time.Second)
			nc.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := nc.Write([]byte("stuck")); err == nil {
				t.Fatal("Write to a peer that does not read succeeded")
			}
			start := time.Now()
			if err := nc.Close(); !errors.Is(err, websocket.ErrCloseTimeout) {
				t.Errorf("Close = %v, want ErrCloseTimeout", err)
			}
			if d := time.Since(start); d != 3*time.Second {
				t.Errorf("Close took %v, want the 3s close timeout", d)
			}
		})
	})
	t.Run("unblocks a Write", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			nc, _ := pipeWithPeer(t, time.Second)
			done := make(chan error, 1)
			go func() {
				_, err := nc.Write([]byte("stuck"))
				done <- err
			}()
			synctest.Wait()
			nc.Close()
			if err := <-done; !errors.Is(err, net.ErrClosed) {
				t.Errorf("pending Write = %v, want net.ErrClosed", err)
			}
		})
	})
}

func TestNetConnContext(t *testing.T) {
	conn, _ := serverWithPeer(t, websocket.TestConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	nc := websocket.NetConn(ctx, conn, websocket.MessageBinary)
	ch := goRead(nc, 8)
	cancel()
	if r := <-ch; !errors.Is(r.err, context.Canceled) {
		t.Errorf("Read after cancel = %v, want context.Canceled", r.err)
	}
	if _, err := nc.Write([]byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Write after cancel = %v, want context.Canceled", err)
	}
}

func TestNetConnAddr(t *testing.T) {
	a, b := wstest.TCPPair(t)
	conn := websocket.NewConnForTest(b, false, websocket.TestConfig{})
	defer conn.CloseNow()
	nc := websocket.NetConn(context.Background(), conn, websocket.MessageBinary)
	if nc.LocalAddr().String() != b.LocalAddr().String() || nc.RemoteAddr().String() != a.LocalAddr().String() {
		t.Errorf("addresses %v -> %v, want %v -> %v", nc.LocalAddr(), nc.RemoteAddr(), b.LocalAddr(), a.LocalAddr())
	}
}

func TestNetConnInvalidType(t *testing.T) {
	conn, _ := serverWithPeer(t, websocket.TestConfig{})
	defer func() {
		if recover() == nil {
			t.Error("NetConn with message type 0 did not panic")
		}
	}()
	websocket.NetConn(context.Background(), conn, 0)
}

// BenchmarkNetConn compares a stream through NetConn with the Conn's own
// message calls over loopback TCP, a client writing to a server: each op
// is one message of the given size.
func BenchmarkNetConn(b *testing.B) {
	ctx := context.Background()
	drain := func(c *websocket.Conn) { go io.Copy(io.Discard, websocket.NetConn(ctx, c, websocket.MessageBinary)) }
	flood := func(c *websocket.Conn, p []byte) {
		go func() {
			for c.Write(ctx, websocket.MessageBinary, p) == nil {
			}
		}()
	}
	variants := []struct {
		name  string
		setup func(client, server *websocket.Conn, p []byte) (step func() error)
	}{
		{"write/conn", func(client, server *websocket.Conn, p []byte) func() error {
			drain(server)
			return func() error { return client.Write(ctx, websocket.MessageBinary, p) }
		}},
		{"write/netconn", func(client, server *websocket.Conn, p []byte) func() error {
			drain(server)
			nc := websocket.NetConn(ctx, client, websocket.MessageBinary)
			return func() error { _, err := nc.Write(p); return err }
		}},
		{"read/conn", func(client, server *websocket.Conn, p []byte) func() error {
			flood(client, p)
			buf := make([]byte, len(p))
			return func() (err error) { _, buf, err = server.ReadInto(ctx, buf); return err }
		}},
		{"read/netconn", func(client, server *websocket.Conn, p []byte) func() error {
			flood(client, p)
			nc := websocket.NetConn(ctx, server, websocket.MessageBinary)
			buf := make([]byte, len(p))
			return func() error { _, err := io.ReadFull(nc, buf); return err }
		}},
	}
	for _, size := range []int{1 << 10, 16 << 10, 1 << 20} {
		for _, v := range variants {
			b.Run(v.name+"/"+byteSize(size), func(b *testing.B) {
				client, server := connPair(b, "tcp")
				step := v.setup(client, server, make([]byte, size))
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if err := step(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
