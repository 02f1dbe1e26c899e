package rawws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestAcceptKey(t *testing.T) {
	// RFC 6455, Section 1.3.
	if got, want := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("AcceptKey = %q, want %q", got, want)
	}
	if k := NewKey(); len(k) != 24 || k == NewKey() {
		t.Errorf("NewKey = %q: want 24 characters, different each time", k)
	}
}

func TestAppendRequest(t *testing.T) {
	got := string(AppendRequest(nil, "example.com:80", "/chat", "KEY"))
	want := "GET /chat HTTP/1.1\r\nHost: example.com:80\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if got != want {
		t.Errorf("AppendRequest = %q, want %q", got, want)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 70000} {
		for _, masked := range []bool{false, true} {
			for _, op := range []byte{OpText, OpBinary} {
				t.Run(fmt.Sprintf("%d/%v/%d", n, masked, op), func(t *testing.T) {
					payload := bytes.Repeat([]byte("x"), n)
					frame := AppendFrame(nil, op, payload, masked, key)
					gotOp, got, err := ReadMessage(bufio.NewReader(bytes.NewReader(frame)), nil, 1<<20)
					if err != nil || gotOp != op || !bytes.Equal(got, payload) {
						t.Errorf("ReadMessage(AppendFrame(%d bytes)) = %d, %d bytes, %v; want %d, %d bytes, nil", n, gotOp, len(got), err, op, n)
					}
				})
			}
		}
	}
}

// frame builds a raw frame: first byte b0, payload p, unmasked.
func frame(b0 byte, p []byte) []byte {
	f := AppendFrame(nil, 0, p, false, [4]byte{})
	f[0] = b0
	return f
}

func TestReadMessageFragments(t *testing.T) {
	var in []byte
	in = append(in, frame(OpText, []byte("hel"))...)    // first fragment, FIN clear
	in = append(in, frame(0x80|OpPing, []byte("p"))...) // a ping between fragments
	in = append(in, frame(OpContinuation, []byte("lo, "))...)
	in = append(in, frame(0x80|OpContinuation, []byte("wörld"))...)
	in = append(in, frame(0x80|OpBinary, []byte{7})...)
	br := bufio.NewReader(bytes.NewReader(in))
	buf := make([]byte, 0, 4)
	op, msg, err := ReadMessage(br, buf, 100)
	if err != nil || op != OpText || string(msg) != "hello, wörld" {
		t.Fatalf("ReadMessage = %d, %q, %v; want text, %q", op, msg, err, "hello, wörld")
	}
	op, msg, err = ReadMessage(br, msg, 100)
	if err != nil || op != OpBinary || !bytes.Equal(msg, []byte{7}) {
		t.Fatalf("second ReadMessage = %d, %q, %v; want binary [7]", op, msg, err)
	}
	if _, _, err := ReadMessage(br, msg, 100); err != io.EOF {
		t.Errorf("ReadMessage at the end = %v, want io.EOF", err)
	}
}

func TestReadMessageErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"close", frame(0x80|OpClose, []byte{3, 232}), ErrClosed},
		{"too large", frame(0x80|OpBinary, make([]byte, 11)), ErrTooLarge},
		{"too large in fragments", append(frame(OpBinary, make([]byte, 6)), frame(0x80|OpContinuation, make([]byte, 6))...), ErrTooLarge},
		{"reserved opcode", frame(0x83, nil), ErrProtocol},
		{"reserved control opcode", frame(0x8B, nil), ErrProtocol},
		{"reserved bits", frame(0xC2, nil), ErrProtocol},
		{"fragmented control", frame(OpPing, nil), ErrProtocol},
		{"continuation first", frame(0x80|OpContinuation, nil), ErrProtocol},
		{"message inside message", append(frame(OpText, nil), frame(0x80|OpText, nil)...), ErrProtocol},
		{"non-minimal 16-bit length", []byte{0x82, 126, 0, 5}, ErrProtocol},
		{"non-minimal 64-bit length", []byte{0x82, 127, 0, 0, 0, 0, 0, 0, 0, 5}, ErrProtocol},
		{"64-bit length top bit", []byte{0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0}, ErrProtocol},
		{"truncated header", []byte{0x82, 126, 1}, io.ErrUnexpectedEOF},
		{"truncated payload", []byte{0x82, 5, 1, 2}, io.ErrUnexpectedEOF},
		{"empty", nil, io.EOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadMessage(bufio.NewReader(bytes.NewReader(tc.in)), nil, 10)
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadMessage(%x) = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

// serve runs a fake server on one end of a pipe: it reads the request and
// writes answer(key).
func serve(t *testing.T, answer func(key string) string) net.Conn {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	go func() {
		br := bufio.NewReader(server)
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
		io.WriteString(server, answer(key))
		server.Close()
	}()
	return client
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(key string) string
		wantErr error
	}{
		{"ok", func(key string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nsec-websocket-accept: " + AcceptKey(key) + "\r\n\r\n\x82\x01\x2a"
		}, nil},
		{"wrong accept", func(string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n"
		}, ErrBadResponse},
		{"refused", func(string) string { return "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n" }, ErrBadResponse},
		{"endless header", func(string) string {
			return "HTTP/1.1 101 OK\r\nX: " + strings.Repeat("a", MaxResponseBytes) + "\r\n\r\n"
		}, ErrBadResponse},
		{"cut short", func(string) string { return "HTTP/1.1 101 OK\r\n" }, io.EOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			br, err := Handshake(serve(t, tc.answer), "/", 256, 5*time.Second)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Handshake = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			// The frame sent right behind the response must not be lost.
			op, msg, err := ReadMessage(br, nil, 10)
			if err != nil || op != OpBinary || !bytes.Equal(msg, []byte{42}) {
				t.Errorf("frame after the response = %d, %v, %v; want binary [42]", op, msg, err)
			}
		})
	}
}
