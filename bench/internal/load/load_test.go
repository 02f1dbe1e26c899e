package load_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/coderecho"
	"github.com/wirefast/websocket/bench/echo/gobwasecho"
	"github.com/wirefast/websocket/bench/echo/gorillaecho"
	"github.com/wirefast/websocket/bench/echo/gwsecho"
	"github.com/wirefast/websocket/bench/echo/tcpecho"
	"github.com/wirefast/websocket/bench/echo/wirefastecho"
	"github.com/wirefast/websocket/bench/internal/load"
	"github.com/wirefast/websocket/bench/internal/rawws"
)

func TestPayload(t *testing.T) {
	for _, n := range []int{1, 2, 3, 16, 100, 1024, 16 << 10} {
		for _, text := range []bool{false, true} {
			p := load.Payload(n, text)
			if len(p) != n {
				t.Errorf("Payload(%d, %v) has %d bytes", n, text, len(p))
			}
			if text && !utf8.Valid(p) {
				t.Errorf("Payload(%d, text) is not valid UTF-8", n)
			}
			if !bytes.Equal(p, load.Payload(n, text)) {
				t.Errorf("Payload(%d, %v) differs between calls", n, text)
			}
		}
	}
	for _, n := range []int{1, 2, 3, 100, 1024, 16 << 10} {
		p := load.JSONPayload(n)
		if len(p) != n || !utf8.Valid(p) || !bytes.Equal(p, load.JSONPayload(n)) {
			t.Errorf("JSONPayload(%d): %d bytes, valid UTF-8 %v; want %d bytes of valid, deterministic text", n, len(p), utf8.Valid(p), n)
		}
	}
	for _, n := range []int{100, 1024} {
		msgs := load.JSONPayloads(n, 3)
		if !bytes.Equal(msgs[0], load.JSONPayload(n)) {
			t.Errorf("JSONPayloads(%d, 3)[0] is not JSONPayload(%d)", n, n)
		}
		for k, p := range msgs {
			if len(p) != n || !utf8.Valid(p) {
				t.Errorf("JSONPayloads(%d, 3)[%d]: %d bytes, valid UTF-8 %v", n, k, len(p), utf8.Valid(p))
			}
			if k > 0 && bytes.Equal(p, msgs[k-1]) {
				t.Errorf("JSONPayloads(%d, 3)[%d] repeats the message before it", n, k)
			}
		}
	}
	if p := load.Payload(1024, true); utf8.RuneCount(p) == len(p) {
		t.Errorf("text payload is all ASCII; want some multi-byte runes")
	}
}

// serve serves m on loopback until the test ends.
func serve(t *testing.T, m echo.Mode) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go m.Serve(ln)
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

func TestRun(t *testing.T) {
	ws := serve(t, wirefastecho.Server.Modes[0])
	tcp := serve(t, tcpecho.Server.Modes[0])
	wsDeflate := serve(t, echo.Mode{Serve: wirefastecho.Server.Modes[0].Deflate})
	tests := []struct {
		name string
		cfg  load.Config
	}{
		{"ws round trip", load.Config{Addr: ws, Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 16}},
		{"ws pipelined text", load.Config{Addr: ws, Proto: load.ProtoWebSocket, Conns: 3, Window: 8, Size: 1000, Text: true}},
		{"ws pipelined large", load.Config{Addr: ws, Proto: load.ProtoWebSocket, Conns: 2, Window: 2, Size: 300 << 10}},
		{"tcp pipelined", load.Config{Addr: tcp, Proto: load.ProtoTCP, Conns: 2, Window: 4, Size: 100}},
		{"ws compressed text", load.Config{Addr: wsDeflate, Proto: load.ProtoWebSocket, Conns: 2, Window: 1, Size: 1024, Text: true, Compress: true}},
		{"ws compressed pipelined", load.Config{Addr: wsDeflate, Proto: load.ProtoWebSocket, Conns: 2, Window: 4, Size: 16 << 10, Compress: true}},
		// Different messages in turn, several to a write.
		{"ws compressed text pipelined", load.Config{Addr: wsDeflate, Proto: load.ProtoWebSocket, Conns: 2, Window: 5, Size: 1024, Text: true, Compress: true}},
		// The echo of a 64-byte message stays under the server's threshold.
		{"ws compressed small", load.Config{Addr: wsDeflate, Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 64, Text: true, Compress: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Warmup, cfg.Round, cfg.Rounds = 20*time.Millisecond, 50*time.Millisecond, 2
			cfg.PID = os.Getpid()
			res, err := load.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rounds) != 2 {
				t.Fatalf("%d rounds, want 2", len(res.Rounds))
			}
			var msgs int64
			for _, r := range res.Rounds {
				msgs += r.Msgs
				if r.Seconds <= 0 || r.ServerCPU < 0 || r.ClientCPU < 0 || r.ServerSys < 0 || r.ServerSys > r.ServerCPU {
					t.Errorf("round %+v: want positive time, non-negative CPU, and the server's system time part of its CPU", r)
				}
			}
			if msgs == 0 || res.Samples == 0 || res.P50 <= 0 || res.P99 < res.P50 {
				t.Errorf("result %+v: want messages, samples and 0 < p50 <= p99", res)
			}
			if rate, _ := res.MsgsPerSec(); rate <= 0 {
				t.Errorf("MsgsPerSec = %v, want > 0", rate)
			}
			// Text of 1 KiB compresses; random binary and tiny text do not.
			compressible := cfg.Text && cfg.Size >= 1024
			if cfg.Compress && (res.SentWire <= 0 || res.EchoWire <= 0 || compressible && res.SentWire >= cfg.Size) {
				t.Errorf("compressed run: SentWire %d, EchoWire %d for %d-byte messages; want both > 0, SentWire < size for text",
					res.SentWire, res.EchoWire, cfg.Size)
			}
		})
	}
}

// TestCPUPerMsg checks the per-message CPU figures, summed over rounds
// before dividing, including results written before ServerSys existed.
func TestCPUPerMsg(t *testing.T) {
	tests := []struct {
		name                string
		rounds              []load.Round
		server, client, sys float64 // µs per message
	}{
		{"two rounds", []load.Round{
			{Msgs: 1000, Seconds: 1, ServerCPU: 0.01, ServerSys: 0.008, ClientCPU: 0.02},
			{Msgs: 3000, Seconds: 1, ServerCPU: 0.03, ServerSys: 0.024, ClientCPU: 0.02},
		}, 10, 10, 8},
		{"no system time recorded", []load.Round{{Msgs: 100, Seconds: 1, ServerCPU: 0.001}}, 10, 0, 0},
		{"no messages", []load.Round{{Seconds: 1, ServerCPU: 0.01, ServerSys: 0.01}}, 0, 0, 0},
	}
	for _, tc := range tests {
		r := load.Result{Rounds: tc.rounds}
		server, client := r.CPUPerMsg()
		sys := r.SysPerMsg()
		const eps = 1e-9
		if math.Abs(server-tc.server) > eps || math.Abs(client-tc.client) > eps || math.Abs(sys-tc.sys) > eps {
			t.Errorf("%s: CPUPerMsg = %v, %v, SysPerMsg = %v; want %v, %v, %v", tc.name, server, client, sys, tc.server, tc.client, tc.sys)
		}
	}
}

func TestRunConfig(t *testing.T) {
	good := load.Config{Addr: "127.0.0.1:1", Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 16, Round: time.Millisecond, Rounds: 1}
	tests := []struct {
		name   string
		change func(*load.Config)
	}{
		{"protocol", func(c *load.Config) { c.Proto = "http" }},
		{"no connections", func(c *load.Config) { c.Conns = 0 }},
		{"window", func(c *load.Config) { c.Window = load.MaxWindow + 1 }},
		{"size", func(c *load.Config) { c.Size = 0 }},
		{"rounds", func(c *load.Config) { c.Rounds = 0 }},
		{"compressed tcp", func(c *load.Config) { c.Proto, c.Compress = load.ProtoTCP, true }},
	}
	for _, tc := range tests {
		cfg := good
		tc.change(&cfg)
		if _, err := load.Run(cfg); err == nil {
			t.Errorf("%s: Run succeeded, want an error", tc.name)
		}
	}
}

// TestRunDeflateDeclined checks that a compressed run against a server
// that does not compress fails instead of measuring uncompressed echoes.
func TestRunDeflateDeclined(t *testing.T) {
	addr := serve(t, wirefastecho.Server.Modes[0])
	_, err := load.Run(load.Config{Addr: addr, Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 16, Compress: true,
		Round: 10 * time.Millisecond, Rounds: 1})
	if !errors.Is(err, rawws.ErrDeflateDeclined) {
		t.Errorf("compressed Run against a server without compression = %v, want ErrDeflateDeclined", err)
	}
}

// fakeServer serves WebSocket connections on loopback until the test
// ends: it accepts every handshake, answering with a
// Sec-WebSocket-Extensions of extensions (none when empty), then writes
// reply(op, payload) for every message it reads (the payload as
// received, still compressed under permessage-deflate).
func fakeServer(t *testing.T, extensions string, reply func(op byte, payload []byte) []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go echo.AcceptLoop(ln, func(nc net.Conn) {
		defer nc.Close()
		br := bufio.NewReader(nc)
		key := ""
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if v, ok := strings.CutPrefix(line, "Sec-WebSocket-Key: "); ok {
				key = strings.TrimSpace(v)
			}
			if line == "\r\n" {
				break
			}
		}
		response := "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: " + rawws.AcceptKey(key) + "\r\n"
		if extensions != "" {
			response += "Sec-WebSocket-Extensions: " + extensions + "\r\n"
		}
		io.WriteString(nc, response+"\r\n")
		for {
			op, _, payload, err := rawws.ReadMessageRSV1(br, nil, 1<<20)
			if err != nil {
				return
			}
			nc.Write(reply(op, payload))
		}
	})
	return ln.Addr().String()
}

// TestRunBadEcho checks that a server echoing the wrong thing fails the
// run instead of being measured.
func TestRunBadEcho(t *testing.T) {
	addr := fakeServer(t, "", func(byte, []byte) []byte {
		return rawws.AppendFrame(nil, rawws.OpText, []byte("short"), false, [4]byte{})
	})
	_, err := load.Run(load.Config{Addr: addr, Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 16,
		Warmup: time.Second, Round: time.Second, Rounds: 1})
	if err == nil || !strings.Contains(err.Error(), "echo is opcode") {
		t.Errorf("Run against a bad echo = %v, want an echo mismatch", err)
	}
}

// TestRunStaleEcho checks that the echoes of compressed text, different
// messages in turn, are checked against their own message: a server
// that echoes the first message every time fails the run.
func TestRunStaleEcho(t *testing.T) {
	var first []byte
	addr := fakeServer(t, "permessage-deflate; server_no_context_takeover; client_no_context_takeover", func(op byte, payload []byte) []byte {
		if first == nil {
			first = payload // one connection, read by one goroutine
		}
		return rawws.AppendCompressedFrame(nil, op, first, [4]byte{})
	})
	_, err := load.Run(load.Config{Addr: addr, Proto: load.ProtoWebSocket, Conns: 1, Window: 1, Size: 1024, Text: true, Compress: true,
		Warmup: time.Second, Round: time.Second, Rounds: 1})
	if err == nil || !strings.Contains(err.Error(), "echo 1 differs") {
		t.Errorf("Run against a server echoing its first message = %v, want echo 1 to differ", err)
	}
}

// TestIdle holds connections to live servers and echoes twice on each:
// plain on the WebSocket and TCP echoes, compressed on every mode the
// peer benchmark measures compressed (Idle, with Deflate), so that every
// server must compress the echo of a load.IdleDeflateSize message.
func TestIdle(t *testing.T) {
	type idleCase struct {
		name     string
		proto    string
		mode     echo.Mode
		compress bool
	}
	tests := []idleCase{
		{"wirefast", wirefastecho.Server.Proto, wirefastecho.Server.Modes[0], false},
		{"tcp", tcpecho.Server.Proto, tcpecho.Server.Modes[0], false},
	}
	for _, s := range []echo.Server{wirefastecho.Server, gorillaecho.Server, gwsecho.Server, coderecho.Server, gobwasecho.Server} {
		for _, m := range s.Modes {
			if m.Idle && m.Deflate != nil {
				tests = append(tests, idleCase{s.Name + "/" + m.Name + "/deflate", s.Proto, echo.Mode{Serve: m.Deflate}, true})
			}
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := load.IdleConfig{Addr: serve(t, tc.mode), Proto: tc.proto, Conns: 40, Compress: tc.compress}
			var out bytes.Buffer
			if err := load.Idle(cfg, strings.NewReader("echo\necho\n"), &out); err != nil {
				t.Fatal(err)
			}
			if got, want := out.String(), "ready\nechoed\nechoed\n"; got != want {
				t.Errorf("Idle wrote %q, want %q", got, want)
			}
			cfg.Conns = 2
			if err := load.Idle(cfg, strings.NewReader("dance\n"), io.Discard); err == nil {
				t.Errorf("Idle accepted an unknown command")
			}
		})
	}
}

func TestIdleConfig(t *testing.T) {
	good := load.IdleConfig{Addr: "127.0.0.1:1", Proto: load.ProtoWebSocket, Conns: 1}
	tests := []struct {
		name   string
		change func(*load.IdleConfig)
	}{
		{"protocol", func(c *load.IdleConfig) { c.Proto = "http" }},
		{"no connections", func(c *load.IdleConfig) { c.Conns = 0 }},
		{"compressed tcp", func(c *load.IdleConfig) { c.Proto, c.Compress = load.ProtoTCP, true }},
	}
	for _, tc := range tests {
		cfg := good
		tc.change(&cfg)
		if err := load.Idle(cfg, strings.NewReader(""), io.Discard); err == nil {
			t.Errorf("%s: Idle succeeded, want an error", tc.name)
		}
	}
}

// TestIdleDeflateDeclined checks that a compressed idle load against a
// server that does not compress fails instead of holding uncompressed
// connections.
func TestIdleDeflateDeclined(t *testing.T) {
	cfg := load.IdleConfig{Addr: serve(t, wirefastecho.Server.Modes[0]), Proto: load.ProtoWebSocket, Conns: 3, Compress: true}
	if err := load.Idle(cfg, strings.NewReader(""), io.Discard); !errors.Is(err, rawws.ErrDeflateDeclined) {
		t.Errorf("compressed Idle against a server without compression = %v, want ErrDeflateDeclined", err)
	}
}

// TestIdleBadCompressedEcho checks that the compressed idle echo proves
// the compression: an echo sent back uncompressed, or one that does not
// inflate to the text message sent, fails the load.
func TestIdleBadCompressedEcho(t *testing.T) {
	var inflater rawws.Inflater
	inflate := func(payload []byte) []byte {
		msg, err := inflater.Inflate(nil, payload, 1<<20)
		if err != nil {
			t.Errorf("fake server: %v", err)
		}
		return msg
	}
	tests := []struct {
		name    string
		reply   func(op byte, payload []byte) []byte
		wantErr string
	}{
		{"uncompressed", func(op byte, payload []byte) []byte {
			return rawws.AppendFrame(nil, op, inflate(payload), false, [4]byte{})
		}, load.ErrNotCompressed.Error()},
		{"binary", func(_ byte, payload []byte) []byte {
			return rawws.AppendCompressedFrame(nil, rawws.OpBinary, payload, [4]byte{})
		}, "echo is opcode 2"},
		{"half the text", func(op byte, payload []byte) []byte {
			msg := inflate(payload)
			return rawws.AppendCompressedFrame(nil, op, rawws.Compress(msg[:len(msg)/2]), [4]byte{})
		}, fmt.Sprintf("%d bytes inflated", load.IdleDeflateSize/2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeServer(t, rawws.DeflateOffer, tc.reply)
			cfg := load.IdleConfig{Addr: addr, Proto: load.ProtoWebSocket, Conns: 1, Compress: true}
			err := load.Idle(cfg, strings.NewReader("echo\n"), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Idle against a server whose echo is %s = %v, want an error with %q", tc.name, err, tc.wantErr)
			}
		})
	}
}
