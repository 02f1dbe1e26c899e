package websocket_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

var benchSizes = []struct {
	name string
	n    int
}{{"16B", 16}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"1MiB", 1 << 20}}

// BenchmarkEcho measures a full round trip through two Conns: the client
// writes a message, the server reads and writes it back, the client reads
// it.
func BenchmarkEcho(b *testing.B) {
	for _, transport := range []string{"tcp", "pipe"} {
		for _, size := range benchSizes {
			b.Run(transport+"/"+size.name, func(b *testing.B) {
				var cc, sc net.Conn
				if transport == "tcp" {
					cc, sc = wstest.TCPPair(b)
				} else {
					cc, sc = net.Pipe()
				}
				client := startEcho(b, cc, sc, websocket.TestConfig{}, websocket.TestConfig{})
				roundTrips(b, client, websocket.MessageBinary, [][]byte{make([]byte, size.n)})
			})
		}
	}
}

// roundTrips runs b's loop as the client of an echo: each iteration
// writes the next of msgs, all of one size, as a message of type typ and
// reads the echo.
func roundTrips(b *testing.B, client *websocket.Conn, typ websocket.MessageType, msgs [][]byte) {
	ctx := context.Background()
	buf := make([]byte, len(msgs[0]))
	b.SetBytes(int64(len(msgs[0])))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := client.Write(ctx, typ, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		var err error
		if _, buf, err = client.ReadInto(ctx, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEchoPipelined measures a server echoing bursts of messages
// that a raw client writes in one system call, as a pipelining client
// does, with and without ConnOptions.CoalesceWrites. One op is a burst:
// 16 messages, or 64 for the names ending in x64 (more than one read
// buffer of input at 1 KiB and up).
func BenchmarkEchoPipelined(b *testing.B) {
	for _, burst := range []int{16, 64} {
		for _, coalesce := range []bool{false, true} {
			for _, size := range benchSizes[:3] {
				name := "plain/" + size.name
				if coalesce {
					name = "coalesce/" + size.name
				}
				if burst != 16 {
					name += fmt.Sprintf("x%d", burst)
				}
				b.Run(name, func(b *testing.B) { echoBursts(b, size.n, burst, coalesce) })
			}
		}
	}
}

// echoBursts is one case of BenchmarkEchoPipelined.
func echoBursts(b *testing.B, size, burst int, coalesce bool) {
	cc, sc := wstest.TCPPair(b)
	server := websocket.NewConnForTest(sc, false, websocket.TestConfig{CoalesceWrites: coalesce})
	b.Cleanup(func() { server.CloseNow() })
	go func() {
		var buf []byte
		for {
			typ, msg, err := server.ReadInto(context.Background(), buf)
			if err != nil || server.Write(context.Background(), typ, msg) != nil {
				return
			}
			buf = msg
		}
	}()
	in := maskedFrames(size, burst)
	out := make([]byte, burst*(protocol.Header{Length: int64(size)}.HeaderSize()+size))
	b.SetBytes(int64(burst * size))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cc.Write(in); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(cc, out); err != nil {
			b.Fatal(err)
		}
	}
}

// startEcho makes a client Conn of cc and a server Conn of sc, with their
// configurations, and serves an echo on the server until b ends. It
// returns the client.
func startEcho(b *testing.B, cc, sc net.Conn, clientCfg, serverCfg websocket.TestConfig) *websocket.Conn {
	client := websocket.NewConnForTest(cc, true, clientCfg)
	server := websocket.NewConnForTest(sc, false, serverCfg)
	b.Cleanup(func() {
		client.CloseNow()
		server.CloseNow()
	})
	go func() {
		var buf []byte
		for {
			typ, msg, err := server.ReadInto(context.Background(), buf)
			if err != nil {
				return
			}
			if server.Write(context.Background(), typ, msg) != nil {
				return
			}
			buf = msg
		}
	}()
	return client
}

// memConn is a net.Conn whose reads replay a byte stream forever and
// whose writes are discarded: the framing cost without the kernel.
type memConn struct {
	stream []byte
	off    int
}

func (m *memConn) Read(p []byte) (int, error) {
	n := copy(p, m.stream[m.off:])
	m.off = (m.off + n) % len(m.stream)
	return n, nil
}
func (m *memConn) Write(p []byte) (int, error)      { return len(p), nil }
func (m *memConn) Close() error                     { return nil }
func (m *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (m *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

// maskedFrames returns copies frames of a masked binary message of n
// bytes, back to back, as a client sends them.
func maskedFrames(n, copies int) []byte {
	payload := make([]byte, n)
	h := protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: int64(n)}
	mask.Apply(h.Key, 0, payload)
	frame := append(protocol.AppendHeader(nil, h), payload...)
	var stream []byte
	for range copies {
		stream = append(stream, frame...)
	}
	return stream
}

// BenchmarkRead measures a server reading masked messages from memory.
func BenchmarkRead(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			copies := max(1, (64<<10)/size.n)
			conn := websocket.NewConnForTest(&memConn{stream: maskedFrames(size.n, copies)}, false, websocket.TestConfig{})
			ctx := context.Background()
			buf := make([]byte, 0, size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if _, buf, err = conn.ReadInto(ctx, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWrite measures writing messages to a connection that discards
// them, as a server (unmasked) and as a client (masked through a buffer).
func BenchmarkWrite(b *testing.B) {
	for _, role := range []string{"server", "client"} {
		for _, size := range benchSizes {
			b.Run(role+"/"+size.name, func(b *testing.B) {
				conn := websocket.NewConnForTest(&memConn{stream: []byte{0}}, role == "client", websocket.TestConfig{})
				ctx := context.Background()
				msg := make([]byte, size.n)
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					if err := conn.Write(ctx, websocket.MessageBinary, msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReader measures streaming a message through Reader.
func BenchmarkReader(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			copies := max(1, (64<<10)/size.n)
			conn := websocket.NewConnForTest(&memConn{stream: maskedFrames(size.n, copies)}, false, websocket.TestConfig{})
			ctx := context.Background()
			buf := make([]byte, 32<<10)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				_, r, err := conn.Reader(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := r.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
