package micro

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"unicode/utf8"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
	xnet "golang.org/x/net/websocket"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/bench/internal/load"
	"github.com/wirefast/websocket/bench/internal/rawws"
	"github.com/wirefast/websocket/mask"
)

// readLimit is the largest message the readers accept, in bytes.
const readLimit = 32 << 20

// pullReaders start each library's server-side read path on a memConn
// that begins with the opening handshake; next reads one message and
// returns its payload. gws, which pushes messages to a callback, is
// gwsRead. Each is the library's allocation-free path where it has one.
var pullReaders = []struct {
	name  string
	start func(tb testing.TB, nc *memConn) (next func() ([]byte, error))
}{
	{"wirefast", startWirefast},
	{"gorilla", startGorilla},
	{"coder", startCoder},
	{"gobwas", startGobwas},
	{"xnet", startXnet},
}

// pushReaders run each library's event-driven server-side read path on
// a memConn that begins with the opening handshake, calling on for each
// message until it returns false: gws's read loop and wirefast's receive
// mode.
var pushReaders = []struct {
	name string
	run  func(tb testing.TB, nc *memConn, on func([]byte) bool)
}{
	{"wirefast-receive", wirefastReceive},
	{"gws", gwsRead},
}

// startWirefast upgrades with AcceptConn and reads with ReadInto, reusing
// the buffer.
func startWirefast(tb testing.TB, nc *memConn) func() ([]byte, error) {
	ctx := context.Background()
	c, err := websocket.AcceptConn(ctx, nc, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var buf []byte
	return func() ([]byte, error) {
		_, buf, err = c.ReadInto(ctx, buf)
		return buf, err
	}
}

// startGorilla reads each message from NextReader into a reused buffer.
func startGorilla(tb testing.TB, nc *memConn) func() ([]byte, error) {
	nc.prefix = nil // the request went to net/http
	up := gorilla.Upgrader{WriteBufferPool: &sync.Pool{}}
	c, err := up.Upgrade(newHijackWriter(nc), newRequest(tb), nil)
	if err != nil {
		tb.Fatal(err)
	}
	var buf []byte
	return func() ([]byte, error) {
		_, r, err := c.NextReader()
		if err != nil {
			return nil, err
		}
		buf, err = readAll(r, buf)
		return buf, err
	}
}

// startCoder reads each message from Reader into a reused buffer.
func startCoder(tb testing.TB, nc *memConn) func() ([]byte, error) {
	nc.prefix = nil
	c, err := coder.Accept(newHijackWriter(nc), newRequest(tb), nil)
	if err != nil {
		tb.Fatal(err)
	}
	c.SetReadLimit(readLimit)
	ctx := context.Background()
	var buf []byte
	return func() ([]byte, error) {
		_, r, err := c.Reader(ctx)
		if err != nil {
			return nil, err
		}
		buf, err = readAll(r, buf)
		return buf, err
	}
}

// startGobwas reads through the low-level API over a 4 KiB bufio.Reader,
// as the gobwas echo server does, validating text with utf8.Valid.
func startGobwas(tb testing.TB, nc *memConn) func() ([]byte, error) {
	if _, err := ws.Upgrade(nc); err != nil {
		tb.Fatal(err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	var hb [ws.MaxHeaderSize]byte
	var buf []byte
	return func() ([]byte, error) {
		h, err := ws.ReadHeaderBuffer(br, hb[:])
		if err != nil {
			return nil, err
		}
		if err := ws.CheckHeader(h, ws.StateServerSide); err != nil {
			return nil, err
		}
		if !h.Fin || h.Length > readLimit {
			return nil, fmt.Errorf("unexpected frame %+v", h)
		}
		if int64(cap(buf)) < h.Length {
			buf = make([]byte, h.Length)
		}
		buf = buf[:h.Length]
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, err
		}
		ws.Cipher(buf, h.Mask, 0)
		if h.OpCode == ws.OpText && !utf8.Valid(buf) {
			return nil, fmt.Errorf("invalid UTF-8")
		}
		return buf, nil
	}
}

// xnetCodec receives payloads without copying them again.
var xnetCodec = xnet.Codec{
	Marshal: func(v any) ([]byte, byte, error) { return *v.(*[]byte), xnet.BinaryFrame, nil },
	Unmarshal: func(data []byte, _ byte, v any) error {
		*v.(*[]byte) = data
		return nil
	},
}

// startXnet reads whole frames with Codec.Receive, x/net's only way to
// find message boundaries (it allocates each payload). The handshake runs
// through Server.ServeHTTP, which closes the net.Conn when the handler
// returns; memConn ignores Close, so the Conn stays usable after.
func startXnet(tb testing.TB, nc *memConn) func() ([]byte, error) {
	nc.prefix = nil
	var c *xnet.Conn
	xnet.Server{
		Handshake: func(*xnet.Config, *http.Request) error { return nil },
		Handler:   func(conn *xnet.Conn) { c = conn },
	}.ServeHTTP(newHijackWriter(nc), newRequest(tb))
	if c == nil {
		tb.Fatal("x/net: handshake failed")
	}
	var msg []byte
	return func() ([]byte, error) {
		err := xnetCodec.Receive(c, &msg)
		return msg, err
	}
}

// readAll reads r to its end into buf's storage, growing it if needed.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// gwsHandler hands each message to on until on returns false, then ends
// the stream.
type gwsHandler struct {
	gws.BuiltinEventHandler
	nc      *memConn
	on      func([]byte) bool
	stopped bool
}

// OnMessage calls h.on with the payload.
func (h *gwsHandler) OnMessage(_ *gws.Conn, m *gws.Message) {
	if !h.stopped && !h.on(m.Bytes()) {
		h.stopped = true
		h.nc.stop.Store(true)
	}
	_ = m.Close()
}

// gwsRead runs gws's read loop on nc (the handshake already read: gws
// upgrades from a parsed request), with text validated as the gws echo
// server has it, calling on for each message until it returns false.
func gwsRead(tb testing.TB, nc *memConn, on func([]byte) bool) {
	nc.prefix = nil
	up := gws.NewUpgrader(&gwsHandler{nc: nc, on: on}, &gws.ServerOption{CheckUtf8Enabled: true})
	c, err := up.UpgradeFromConn(nc, bufio.NewReaderSize(nc, 4096), newRequest(tb))
	if err != nil {
		tb.Fatal(err)
	}
	c.ReadLoop()
}

// wirefastReceive reads nc in wirefast's receive mode (Conn.Receive, as
// the receive-raw echo server does), calling on for each message until
// it returns false, then ends the stream and waits for the connection to
// end. memConn has no descriptor to poll, so Receive runs its loop on a
// goroutine of its own; on runs there.
func wirefastReceive(tb testing.TB, nc *memConn, on func([]byte) bool) {
	c, err := websocket.AcceptConn(context.Background(), nc, nil)
	if err != nil {
		tb.Fatal(err)
	}
	stopped := false
	ended := make(chan struct{})
	err = c.Receive(func(_ websocket.MessageType, msg []byte) {
		if !stopped && !on(msg) {
			stopped = true
			nc.stop.Store(true)
		}
	}, func(error) { close(ended) })
	if err != nil {
		tb.Fatal(err)
	}
	<-ended
}

// readUnmasked reads the next frame into buf, which holds exactly one,
// and unmasks its payload of size bytes in place, returning the payload:
// BenchmarkReadFrame's floor-unmask.
func readUnmasked(nc *memConn, buf []byte, size int) ([]byte, error) {
	if _, err := io.ReadFull(nc, buf); err != nil {
		return nil, err
	}
	p := buf[len(buf)-size:]
	mask.Apply(frameKey, 0, p)
	return p, nil
}

// readCases are the messages read.
var readCases = []struct {
	name string
	op   byte
	size int
}{
	{"binary/1KiB", rawws.OpBinary, 1 << 10},
	{"binary/16KiB", rawws.OpBinary, 16 << 10},
	{"text/1KiB", rawws.OpText, 1 << 10},
	{"text/16KiB", rawws.OpText, 16 << 10},
}

// TestReadFrame checks that every reader returns the payloads sent, so
// that BenchmarkReadFrame measures correct work.
func TestReadFrame(t *testing.T) {
	for _, rc := range readCases {
		payload := load.Payload(rc.size, rc.op == rawws.OpText)
		for _, r := range pullReaders {
			t.Run(r.name+"/"+rc.name, func(t *testing.T) {
				next := r.start(t, newMemConn(requestBytes, frames(rc.op, payload)))
				for i := range 3 {
					got, err := next()
					if err != nil {
						t.Fatalf("message %d: %v", i, err)
					}
					if !bytes.Equal(got, payload) {
						t.Fatalf("message %d: got %d bytes, want the %d sent", i, len(got), len(payload))
					}
				}
			})
		}
		t.Run("floor-unmask/"+rc.name, func(t *testing.T) {
			nc := newMemConn(nil, frames(rc.op, payload))
			buf := make([]byte, frameLen(rc.op, payload))
			for i := range 3 {
				got, err := readUnmasked(nc, buf, rc.size)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if !bytes.Equal(got, payload) {
					t.Fatalf("frame %d: the unmasked payload differs from the one sent", i)
				}
			}
		})
		for _, r := range pushReaders {
			t.Run(r.name+"/"+rc.name, func(t *testing.T) {
				n := 0
				r.run(t, newMemConn(requestBytes, frames(rc.op, payload)), func(got []byte) bool {
					if !bytes.Equal(got, payload) {
						t.Errorf("message %d: got %d bytes, want the %d sent", n, len(got), len(payload))
					}
					n++
					return n < 3
				})
				if n != 3 {
					t.Errorf("%s read %d messages, want 3", r.name, n)
				}
			})
		}
	}
}

// BenchmarkReadFrame reads masked messages from memory through each
// library's server-side read API. wirefast, gws and gobwas validate text;
// gorilla, coder and x/net do not. wirefast is read both ways it offers:
// pulled with ReadInto, which takes the read lock per message (two
// atomic operations, a third of the time of a 1 KiB message), and pushed
// in receive mode, which takes it once per wake and hands the handler
// every message found then.
//
// wirefast against gobwas compares like with like: on this stream (whole
// data frames, no control frames, no fragments) both parse and check each
// header, copy the payload out of the connection's buffer or straight
// from the connection, unmask it and validate text. gobwas's low-level
// loop would need more code to handle pings and fragments, which
// wirefast's ReadInto handles on the same path at the cost of a few
// branches per frame; it also skips the context handling and the read
// lock that let Close run concurrently with a wirefast read. Both read
// through a buffer: gobwas a 4 KiB bufio.Reader, wirefast 16 KiB, filled
// at most 256 bytes at a time while frames are large (readBuf.large), so
// neither copies a large payload twice.
func BenchmarkReadFrame(b *testing.B) {
	for _, rc := range readCases {
		payload := load.Payload(rc.size, rc.op == rawws.OpText)
		stream := frames(rc.op, payload)
		for _, r := range pullReaders {
			b.Run(r.name+"/"+rc.name, func(b *testing.B) {
				next := r.start(b, newMemConn(requestBytes, stream))
				b.SetBytes(int64(rc.size))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := next(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		for _, r := range pushReaders {
			b.Run(r.name+"/"+rc.name, func(b *testing.B) {
				b.SetBytes(int64(rc.size))
				b.ReportAllocs()
				// Each message ends one iteration; the first starts the clock.
				r.run(b, newMemConn(requestBytes, stream), func([]byte) bool { return b.Loop() })
			})
		}
		b.Run("floor/"+rc.name, func(b *testing.B) {
			// The copy out of the connection alone, one frame per read
			// into a reused buffer: what every library pays before it
			// parses, unmasks or validates anything, so no reader can
			// be faster. It bounds the ratio any library can reach
			// against another.
			nc := newMemConn(nil, stream)
			buf := make([]byte, frameLen(rc.op, payload))
			b.SetBytes(int64(rc.size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := io.ReadFull(nc, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("floor-unmask/"+rc.name, func(b *testing.B) {
			// The floor, then one unmasking pass over each payload in
			// place with wirefast's mask package, the fastest here: the
			// least a reader that unmasks pays, since the copy out of the
			// connection (a system call's, on a socket) cannot unmask as
			// it goes. Copying out of a buffer and unmasking in one pass
			// costs as much as this second pass, not less.
			nc := newMemConn(nil, stream)
			buf := make([]byte, frameLen(rc.op, payload))
			b.SetBytes(int64(rc.size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := readUnmasked(nc, buf, rc.size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
