package echo_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/coderecho"
	"github.com/wirefast/websocket/bench/echo/gobwasecho"
	"github.com/wirefast/websocket/bench/echo/gorillaecho"
	"github.com/wirefast/websocket/bench/echo/gwsecho"
	"github.com/wirefast/websocket/bench/echo/tcpecho"
	"github.com/wirefast/websocket/bench/echo/wirefastecho"
	"github.com/wirefast/websocket/bench/echo/xnetecho"
	"github.com/wirefast/websocket/bench/internal/rawws"
)

// servers are every echo server of the benchmark.
var servers = []echo.Server{
	tcpecho.Server,
	wirefastecho.Server,
	gorillaecho.Server,
	gwsecho.Server,
	coderecho.Server,
	gobwasecho.Server,
	xnetecho.Server,
}

// messages are what each server must echo: both types, lengths on each
// side of the 7-, 16- and 64-bit length encodings, text with multi-byte
// runes.
var messages = []struct {
	op      byte
	payload []byte
}{
	{rawws.OpBinary, nil},
	{rawws.OpBinary, bytes.Repeat([]byte{0xAB}, 16)},
	{rawws.OpText, []byte("héllo, wörld ✓ 🙂")},
	{rawws.OpBinary, bytes.Repeat([]byte{1, 2, 3}, 1000)},
	{rawws.OpText, []byte(strings.Repeat("ünïcode ", 9000))}, // 64-bit length
}

// TestEcho checks that every mode of every server answers each message,
// one at a time and then several in flight at once, so that the harness
// cannot rot unnoticed.
func TestEcho(t *testing.T) {
	for _, s := range servers {
		for _, m := range s.Modes {
			t.Run(s.Name+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				addr := start(t, m)
				if s.Proto == echo.ProtoTCP {
					testTCP(t, addr)
				} else {
					testWebSocket(t, addr)
				}
			})
		}
	}
}

// TestCommands checks that every server has its binary under cmd/.
func TestCommands(t *testing.T) {
	for _, s := range servers {
		main := filepath.Join("..", "cmd", s.Cmd, "main.go")
		if _, err := os.Stat(main); err != nil {
			t.Errorf("server %s: binary %s: %v", s.Name, s.Cmd, err)
		}
	}
}

// start serves m on a loopback port until the test ends.
func start(t *testing.T, m echo.Mode) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve(ln) }()
	t.Cleanup(func() {
		ln.Close()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve returned %v after the listener closed, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after the listener closed")
		}
	})
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	return nc
}

func testWebSocket(t *testing.T, addr string) {
	nc := dial(t, addr)
	br, err := rawws.Handshake(nc, "/", 4096, 5*time.Second)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	key := [4]byte{0x11, 0x22, 0x33, 0x44}
	var buf []byte
	check := func(i int) {
		t.Helper()
		want := messages[i]
		var op byte
		op, buf, err = rawws.ReadMessage(br, buf, 1<<20)
		if err != nil {
			t.Fatalf("message %d: read echo: %v", i, err)
		}
		if op != want.op || !bytes.Equal(buf, want.payload) {
			t.Fatalf("message %d: echo = opcode %d, %d bytes; want opcode %d, %d bytes", i, op, len(buf), want.op, len(want.payload))
		}
	}
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	// One at a time.
	for i, m := range messages {
		if _, err := nc.Write(rawws.AppendFrame(nil, m.op, m.payload, true, key)); err != nil {
			t.Fatalf("message %d: write: %v", i, err)
		}
		check(i)
	}
	// All in flight at once, in one write.
	var batch []byte
	for _, m := range messages {
		batch = rawws.AppendFrame(batch, m.op, m.payload, true, key)
	}
	go nc.Write(batch) // the echo of a large batch may not fit in the socket buffers
	for i := range messages {
		check(i)
	}
}

func testTCP(t *testing.T, addr string) {
	nc := dial(t, addr)
	for i, m := range messages {
		want := append([]byte(fmt.Sprintf("%d:", i)), m.payload...)
		go nc.Write(want)
		got := make([]byte, len(want))
		if _, err := io.ReadFull(nc, got); err != nil {
			t.Fatalf("message %d: read echo: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("message %d: echo differs from what was sent", i)
		}
	}
}

// TestEchoDeflate checks every mode that can compress (Mode.Deflate):
// the server accepts the load generator's permessage-deflate offer and
// echoes compressed messages, and uncompressed ones too, whether it
// compresses its echo or not.
func TestEchoDeflate(t *testing.T) {
	for _, s := range servers {
		for _, m := range s.Modes {
			if m.Deflate == nil {
				continue
			}
			t.Run(s.Name+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				addr := start(t, echo.Mode{Serve: m.Deflate})
				nc := dial(t, addr)
				br, ext, err := rawws.HandshakeExtensions(nc, "/", rawws.DeflateOffer, 4096, 5*time.Second)
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
				if err := rawws.CheckDeflate(ext); err != nil {
					t.Fatal(err)
				}
				key := [4]byte{0x11, 0x22, 0x33, 0x44}
				var inf rawws.Inflater
				var raw, got []byte
				for i, msg := range messages {
					for _, compress := range []bool{true, false} {
						frame := rawws.AppendFrame(nil, msg.op, msg.payload, true, key)
						if compress {
							frame = rawws.AppendCompressedFrame(nil, msg.op, rawws.Compress(msg.payload), key)
						}
						go nc.Write(frame) // a large echo may not fit in the socket buffers
						var op byte
						var compressed bool
						op, compressed, raw, err = rawws.ReadMessageRSV1(br, raw, 1<<20)
						if err != nil {
							t.Fatalf("message %d (compressed %v): read echo: %v", i, compress, err)
						}
						got = append(got[:0], raw...)
						if compressed {
							if got, err = inf.Inflate(got, raw, 1<<20); err != nil {
								t.Fatalf("message %d (compressed %v): inflate echo: %v", i, compress, err)
							}
						}
						if op != msg.op || !bytes.Equal(got, msg.payload) {
							t.Fatalf("message %d (compressed %v): echo = opcode %d, %d bytes; want opcode %d, %d bytes",
								i, compress, op, len(got), msg.op, len(msg.payload))
						}
					}
				}
			})
		}
	}
}
