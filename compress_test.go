package websocket_test

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// deflate15 is a negotiated configuration with 32 KiB windows, as
// compress/flate on the raw peer needs, and every message compressed.
func deflate15(takeover bool) *deflate.Config {
	return &deflate.Config{
		Params: deflate.Params{
			ServerNoContextTakeover: !takeover, ClientNoContextTakeover: !takeover,
			ServerMaxWindowBits: 15, ClientMaxWindowBits: 15,
		},
		Level: deflate.BestSpeed,
	}
}

// flateMessage compresses msg as a peer does for permessage-deflate:
// sync flush, tail removed. fw carries context between messages when
// reused.
func flateMessage(t *testing.T, fw *flate.Writer, out *bytes.Buffer, msg []byte) []byte {
	t.Helper()
	out.Reset()
	fw.Write(msg)
	fw.Flush()
	b := out.Bytes()
	if !bytes.HasSuffix(b, []byte{0, 0, 0xff, 0xff}) {
		t.Fatalf("flush did not end in the sync marker: %x", b[max(0, len(b)-8):])
	}
	return bytes.Clone(b[:len(b)-4])
}

// inflateMessages inflates payloads as one context-takeover stream and
// returns the messages, cut at the lengths given: a sync flush does not
// mark message ends in what compress/flate's reader returns.
func inflateMessages(t *testing.T, payloads [][]byte, lengths []int) [][]byte {
	t.Helper()
	var stream bytes.Buffer
	for _, p := range payloads {
		stream.Write(p)
		stream.Write([]byte{0, 0, 0xff, 0xff})
	}
	fr := flate.NewReader(&stream)
	var out [][]byte
	for _, n := range lengths {
		msg := make([]byte, n)
		if _, err := io.ReadFull(fr, msg); err != nil {
			t.Fatalf("inflate: %v", err)
		}
		out = append(out, msg)
	}
	if n, _ := fr.Read(make([]byte, 1)); n != 0 {
		t.Fatal("inflated more bytes than the messages hold")
	}
	return out
}

func TestCompressedRead(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		t.Run(fmt.Sprintf("takeover=%v", takeover), func(t *testing.T) {
			conn, peer := serverWithPeer(t, websocket.TestConfig{Deflate: deflate15(takeover)})
			var out bytes.Buffer
			fw, _ := flate.NewWriter(&out, flate.BestSpeed)
			msgs := []string{"hello hello hello", strings.Repeat("κόσμε ", 3000), "", "hello hello hello again"}
			for i, m := range msgs {
				if !takeover {
					fw.Reset(&out)
				}
				payload := flateMessage(t, fw, &out, []byte(m))
				if i == 1 {
					// Fragmented, with a ping between the fragments.
					half := len(payload) / 2
					go peer.Write(
						wstest.Frame{RSV: protocol.RSV1, Opcode: protocol.OpText, Payload: payload[:half]},
						wstest.Frame{Fin: true, Opcode: protocol.OpPing, Payload: []byte("p")},
						wstest.Frame{Fin: true, Opcode: protocol.OpContinuation, Payload: payload[half:]},
					)
				} else {
					go peer.Write(wstest.Frame{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpText, Payload: payload})
				}
				typ, got, err := conn.Read(context.Background())
				if err != nil || typ != websocket.MessageText || string(got) != m {
					t.Fatalf("message %d: Read = %v, %d bytes, %v; want %d bytes", i, typ, len(got), err, len(m))
				}
				if i == 1 {
					if h, _, err := peer.Read(testTimeout); err != nil || h.Opcode != protocol.OpPong {
						t.Fatalf("no pong: %v %v", h.Opcode, err)
					}
				}
			}
			// An uncompressed message (RSV1 clear) still reads.
			go peer.Write(wstest.Binary([]byte("plain")))
			if _, got, err := conn.Read(context.Background()); err != nil || string(got) != "plain" {
				t.Fatalf("Read plain = %q, %v", got, err)
			}
		})
	}
}

func TestCompressedWrite(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		t.Run(fmt.Sprintf("takeover=%v", takeover), func(t *testing.T) {
			cfg := deflate15(takeover)
			conn, peer := serverWithPeer(t, websocket.TestConfig{Deflate: cfg})
			msgs := [][]byte{[]byte("first message, first message"), bytes.Repeat([]byte("json{\"a\":1}"), 5000), []byte("first message, first message")}
			var payloads [][]byte
			for i, m := range msgs {
				go func() {
					if i == 1 {
						w, _ := conn.Writer(context.Background(), websocket.MessageText)
						for chunk := range slices.Chunk(m, 1000) {
							w.Write(chunk)
						}
						w.Close()
						return
					}
					conn.Write(context.Background(), websocket.MessageText, m)
				}()
				var payload []byte
				first := true
				for {
					h, p, err := peer.Read(testTimeout)
					if err != nil {
						t.Fatal(err)
					}
					if wantRSV := map[bool]byte{true: protocol.RSV1}[first]; h.RSV != wantRSV {
						t.Fatalf("message %d: frame RSV %#x, want %#x", i, h.RSV, wantRSV)
					}
					first = false
					payload = append(payload, p...)
					if h.Fin {
						break
					}
				}
				if i == 1 && len(payload) > len(m)/4 {
					t.Errorf("message %d: %d bytes compressed to %d", i, len(m), len(payload))
				}
				payloads = append(payloads, payload)
			}
			var got [][]byte
			if takeover {
				got = inflateMessages(t, payloads, []int{len(msgs[0]), len(msgs[1]), len(msgs[2])})
			} else {
				for i, p := range payloads {
					got = append(got, inflateMessages(t, [][]byte{p}, []int{len(msgs[i])})...)
				}
			}
			for i := range msgs {
				if !bytes.Equal(got[i], msgs[i]) {
					t.Errorf("message %d inflated to %d bytes, want %d", i, len(got[i]), len(msgs[i]))
				}
			}
		})
	}
}

func TestCompressedViolations(t *testing.T) {
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestSpeed)
	bomb := flateMessage(t, fw, &out, make([]byte, 16<<20)) // 16 MiB of zeros
	fw.Reset(&out)
	badText := flateMessage(t, fw, &out, []byte("ok \xed\xa0\x80 surrogate"))
	tests := []struct {
		name     string
		limit    int64
		frames   []wstest.Frame
		wantErr  error
		wantCode protocol.CloseCode
	}{
		{"rsv1 on continuation", 0, []wstest.Frame{{RSV: protocol.RSV1, Opcode: protocol.OpText, Payload: []byte{0}}, {Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpContinuation}}, protocol.ErrReservedBits, 1002},
		{"rsv1 on ping", 0, []wstest.Frame{{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpPing}}, protocol.ErrReservedBits, 1002},
		{"rsv2", 0, []wstest.Frame{{Fin: true, RSV: protocol.RSV2, Opcode: protocol.OpText}}, protocol.ErrReservedBits, 1002},
		{"corrupt", 0, []wstest.Frame{{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpBinary, Payload: []byte{0xff, 0xff, 0xff, 0xff}}}, deflate.ErrCorrupt, 1007},
		{"bomb over the limit", 1 << 20, []wstest.Frame{{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpBinary, Payload: bomb}}, protocol.ErrMessageTooBig, 1009},
		{"invalid utf-8 inside", 0, []wstest.Frame{{Fin: true, RSV: protocol.RSV1, Opcode: protocol.OpText, Payload: badText}}, protocol.ErrInvalidUTF8, 1007},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, peer := serverWithPeer(t, websocket.TestConfig{ReadLimit: tc.limit, Deflate: deflate15(false)})
			go peer.Write(tc.frames...)
			errc := make(chan error, 1)
			go func() {
				_, _, err := conn.Read(context.Background())
				errc <- err
			}()
			peer.ExpectClose(testTimeout, tc.wantCode)
			peer.Write(wstest.Close(tc.wantCode, ""))
			if err := <-errc; !errors.Is(err, tc.wantErr) {
				t.Errorf("Read = %v, want %v", err, tc.wantErr)
			}
		})
	}
	if len(bomb) > 64<<10 {
		t.Errorf("the bomb is %d bytes compressed; the test wants a small one", len(bomb))
	}
}

// TestCompressionNegotiation dials and accepts with every combination of
// modes and checks both sides agree and messages flow.
func TestCompressionNegotiation(t *testing.T) {
	modes := []*websocket.CompressionOptions{
		nil,
		{Mode: websocket.CompressionNoContextTakeover},
		{Mode: websocket.CompressionContextTakeover},
		{Mode: websocket.CompressionContextTakeover, ServerMaxWindowBits: 9, ClientMaxWindowBits: 10},
		{Mode: websocket.CompressionContextTakeover, Threshold: -1},
	}
	for si, server := range modes {
		var gotExt string
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{Compression: server}})
			if err != nil {
				return
			}
			echo(r.Context(), c)
		}))
		for ci, client := range modes {
			t.Run(fmt.Sprintf("server%d/client%d", si, ci), func(t *testing.T) {
				c, resp, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{ConnOptions: websocket.ConnOptions{Compression: client}})
				if err != nil {
					t.Fatal(err)
				}
				defer c.CloseNow()
				gotExt = resp.Header.Get("Sec-WebSocket-Extensions")
				wantExt := server != nil && client != nil
				if (gotExt != "") != wantExt {
					t.Errorf("Sec-WebSocket-Extensions = %q, want negotiated=%v", gotExt, wantExt)
				}
				for _, m := range []string{"x", strings.Repeat("compress me ", 2000), "x", strings.Repeat("compress me ", 2000)} {
					roundTrip(t, c, m)
				}
				// Prepared messages go compressed once per window size.
				pm, _ := websocket.NewPreparedMessage(websocket.MessageText, []byte(strings.Repeat("broadcast ", 100)))
				for range 2 {
					if err := c.WritePrepared(context.Background(), pm); err != nil {
						t.Fatal(err)
					}
					if _, got, err := c.Read(context.Background()); err != nil || string(got) != strings.Repeat("broadcast ", 100) {
						t.Fatalf("prepared echo = %d bytes, %v", len(got), err)
					}
				}
				roundTrip(t, c, strings.Repeat("after the prepared message ", 50))
			})
		}
		s.Close()
	}
}

// TestPreparedCompressedTakeover writes a prepared message to a server
// connection with context takeover, then a normal one: the peer's
// takeover stream must inflate both.
func TestPreparedCompressedTakeover(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{Deflate: deflate15(true)})
	first := bytes.Repeat([]byte("shared state "), 100)
	pm, _ := websocket.NewPreparedMessage(websocket.MessageText, first)
	go func() {
		conn.WritePrepared(context.Background(), pm)
		conn.Write(context.Background(), websocket.MessageText, first) // refers back to the first
	}()
	var payloads [][]byte
	for range 2 {
		h, p, err := peer.Read(testTimeout)
		if err != nil || h.RSV != protocol.RSV1 {
			t.Fatalf("frame RSV %#x, %v", h.RSV, err)
		}
		payloads = append(payloads, p)
	}
	got := inflateMessages(t, payloads, []int{len(first), len(first)})
	if !bytes.Equal(got[0], first) || !bytes.Equal(got[1], first) {
		t.Fatalf("inflated %d and %d bytes, want %d each", len(got[0]), len(got[1]), len(first))
	}
	if len(payloads[1]) > 32 {
		t.Errorf("second message took %d bytes: it should refer to the prepared one", len(payloads[1]))
	}
}

// TestCompressionCodersBorrowed checks that, without context takeover, a
// connection holds no encoder or decoder between messages whichever API
// moved the message (so that an idle compressed connection costs what an
// uncompressed one does), and that with takeover both ends keep theirs.
func TestCompressionCodersBorrowed(t *testing.T) {
	msg := bytes.Repeat([]byte("compress me, compress me; "), 100)
	ctx := context.Background()
	send := map[string]func(c *websocket.Conn) error{
		"Write": func(c *websocket.Conn) error { return c.Write(ctx, websocket.MessageText, msg) },
		"Writer": func(c *websocket.Conn) error {
			w, err := c.Writer(ctx, websocket.MessageText)
			if err != nil {
				return err
			}
			for chunk := range slices.Chunk(msg, 500) {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
			return w.Close()
		},
		"WritePrepared": func(c *websocket.Conn) error {
			pm, err := websocket.NewPreparedMessage(websocket.MessageText, msg)
			if err != nil {
				return err
			}
			return c.WritePrepared(ctx, pm)
		},
	}
	recv := map[string]func(c *websocket.Conn) ([]byte, error){
		"Read": func(c *websocket.Conn) ([]byte, error) {
			_, got, err := c.Read(ctx)
			return got, err
		},
		"ReadInto": func(c *websocket.Conn) ([]byte, error) {
			_, got, err := c.ReadInto(ctx, make([]byte, 0, 16))
			return got, err
		},
		"Reader": func(c *websocket.Conn) ([]byte, error) {
			_, r, err := c.Reader(ctx)
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		},
	}
	for _, takeover := range []bool{false, true} {
		for _, client := range []bool{false, true} {
			for sname, sendf := range send {
				for rname, recvf := range recv {
					name := fmt.Sprintf("takeover=%v/client-sends=%v/%s/%s", takeover, client, sname, rname)
					t.Run(name, func(t *testing.T) {
						a, b := wstest.TCPPair(t)
						sender := websocket.NewConnForTest(a, client, websocket.TestConfig{Deflate: deflate15(takeover)})
						receiver := websocket.NewConnForTest(b, !client, websocket.TestConfig{Deflate: deflate15(takeover)})
						t.Cleanup(func() { sender.CloseNow(); receiver.CloseNow() })
						for i := range 2 {
							errc := make(chan error, 1)
							go func() { errc <- sendf(sender) }()
							got, err := recvf(receiver)
							if err != nil || !bytes.Equal(got, msg) {
								t.Fatalf("message %d: received %d bytes, %v; want %d", i, len(got), err, len(msg))
							}
							if err := <-errc; err != nil {
								t.Fatalf("message %d: send: %v", i, err)
							}
							senc, sdec := websocket.HoldsCoders(sender)
							renc, rdec := websocket.HoldsCoders(receiver)
							if senc != takeover || sdec != takeover || renc != takeover || rdec != takeover {
								t.Errorf("message %d: sender holds encoder %v, decoder %v; receiver %v, %v; want all %v",
									i, senc, sdec, renc, rdec, takeover)
							}
						}
					})
				}
			}
		}
	}
}

// TestCompressionCodersBorrowedDiscard is TestCompressionCodersBorrowed
// for messages the application does not read to the end, dropped by the
// next read, and for Receive.
func TestCompressionCodersBorrowedDiscard(t *testing.T) {
	msg := bytes.Repeat([]byte("compress me, compress me; "), 100)
	ctx := context.Background()
	a, b := wstest.TCPPair(t)
	sender := websocket.NewConnForTest(a, true, websocket.TestConfig{Deflate: deflate15(false)})
	receiver := websocket.NewConnForTest(b, false, websocket.TestConfig{Deflate: deflate15(false)})
	t.Cleanup(func() { sender.CloseNow(); receiver.CloseNow() })
	for range 3 {
		if err := sender.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
	}
	_, r, err := receiver.Reader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := receiver.Read(ctx); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Read after a partly read message: %d bytes, %v", len(got), err)
	}
	if _, dec := websocket.HoldsCoders(receiver); dec {
		t.Error("decoder held after a discarded message and a read one")
	}
	got := make(chan bool, 1)
	receiver.Receive(func(typ websocket.MessageType, p []byte) {
		got <- bytes.Equal(p, msg)
	}, nil)
	select {
	case ok := <-got:
		if !ok {
			t.Fatal("Receive handed over a different message")
		}
	case <-time.After(testTimeout):
		t.Fatal("Receive handed over nothing")
	}
	if _, dec := websocket.HoldsCoders(receiver); dec {
		t.Error("decoder held in Receive after a message")
	}
}
