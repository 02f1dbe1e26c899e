package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

func TestWrite(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 2047, 2048, 16<<10 - 14, 16 << 10, 65535, 65536,
		websocket.DirectWriteMin + 1, websocket.DirectWriteMin + 11,
		websocket.WriteChunkSize - 14, websocket.WriteChunkSize, 1<<20 + 3}
	for _, role := range []string{"server", "client"} {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%d", role, size), func(t *testing.T) {
				newPair := serverWithPeer
				if role == "client" {
					newPair = clientWithPeer
				}
				conn, peer := newPair(t, websocket.TestConfig{})
				payload := make([]byte, size)
				for i := range payload {
					payload[i] = byte(i * 7)
				}
				orig := bytes.Clone(payload)
				go func() {
					if err := conn.Write(context.Background(), websocket.MessageBinary, payload); err != nil {
						t.Error(err)
					}
				}()
				h, got, err := peer.Read(testTimeout) // checks masking by role
				if err != nil {
					t.Fatal(err)
				}
				if !h.Fin || h.Opcode != protocol.OpBinary || !bytes.Equal(got, orig) {
					t.Errorf("peer got fin=%v %v %d bytes, want one binary frame of %d bytes", h.Fin, h.Opcode, len(got), size)
				}
				if !bytes.Equal(payload, orig) {
					t.Error("Write modified the caller's payload")
				}
			})
		}
	}
}

// recordingConn records the length of every Write, each one a system
// call on a socket.
type recordingConn struct {
	net.Conn
	mu     sync.Mutex
	writes []int
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, len(p))
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// TestWriteSystemCalls: a frame goes out header and payload together, in
// as few writes as writeChunkSize allows: one for a frame that fits. A
// server's frame larger than directWriteMin goes out in two: the header
// with the payload's first bytes (directWriteHead in all), and the rest.
func TestWriteSystemCalls(t *testing.T) {
	chunk := websocket.WriteChunkSize
	direct, head := websocket.DirectWriteMin, websocket.DirectWriteHead
	tests := []struct {
		size   int // payload
		header int
	}{
		{16, 2},
		{2 << 10, 4},
		{16 << 10, 4},
		{64 << 10, 10},
		{direct, 10},
		{direct + 1, 10},
		{chunk - 10, 10},
		{chunk, 10},
		{2*chunk + 5, 10},
	}
	for _, role := range []string{"server", "client"} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%d", role, tc.size), func(t *testing.T) {
				a, b := wstest.TCPPair(t)
				rc := &recordingConn{Conn: b}
				client := role == "client"
				conn := websocket.NewConnForTest(rc, client, websocket.TestConfig{})
				t.Cleanup(func() { conn.CloseNow() })
				peer := wstest.NewPeer(t, a, !client)
				header := tc.header
				if client {
					header += 4 // masking key
				}
				payload := bytes.Repeat([]byte{'w'}, tc.size)
				errc := make(chan error, 1)
				go func() { errc <- conn.Write(context.Background(), websocket.MessageBinary, payload) }()
				if _, got, err := peer.Read(testTimeout); err != nil || !bytes.Equal(got, payload) {
					t.Fatalf("peer read %d bytes, %v; want the %d-byte payload", len(got), err, tc.size)
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				var want []int
				if !client && tc.size > direct {
					want = []int{head, header + tc.size - head}
				} else {
					for left := header + tc.size; left > 0; left -= chunk {
						want = append(want, min(left, chunk))
					}
				}
				rc.mu.Lock()
				defer rc.mu.Unlock()
				if !slices.Equal(rc.writes, want) {
					t.Errorf("writes of %v bytes, want %v", rc.writes, want)
				}
			})
		}
	}
}

func TestWriteMessageType(t *testing.T) {
	conn, _ := serverWithPeer(t, websocket.TestConfig{})
	if err := conn.Write(context.Background(), 3, nil); !errors.Is(err, websocket.ErrMessageType) {
		t.Errorf("Write(type 3) = %v, want ErrMessageType", err)
	}
	if _, err := conn.Writer(context.Background(), 0); !errors.Is(err, websocket.ErrMessageType) {
		t.Errorf("Writer(type 0) = %v, want ErrMessageType", err)
	}
}

func TestWriteConcurrent(t *testing.T) {
	const writers, perWriter = 8, 200
	conn, peer := clientWithPeer(t, websocket.TestConfig{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				msg := fmt.Appendf(nil, "%d:%d:%s", w, i, bytes.Repeat([]byte{'x'}, (w*perWriter+i)%3000))
				typ := websocket.MessageText
				if i%2 == 1 {
					// Streamed messages hold the message lock across frames.
					wr, err := conn.Writer(context.Background(), typ)
					if err != nil {
						t.Error(err)
						return
					}
					wr.Write(msg[:len(msg)/2])
					wr.Write(msg[len(msg)/2:])
					if err := wr.Close(); err != nil {
						t.Error(err)
					}
					continue
				}
				if err := conn.Write(context.Background(), typ, msg); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Pings from the peer are answered between frames of other messages.
	go peer.Write(wstest.Frame{Fin: true, Opcode: protocol.OpPing, Payload: []byte("mid")})
	next := make([]int, writers)
	for range writers * perWriter {
		_, msg := peer.ReadMessage(testTimeout)
		var w, i int
		if _, err := fmt.Sscanf(string(msg), "%d:%d:", &w, &i); err != nil {
			t.Fatalf("corrupt message %.40q: %v", msg, err)
		}
		if i != next[w] {
			t.Fatalf("writer %d: message %d arrived, want %d", w, i, next[w])
		}
		next[w]++
		want := fmt.Appendf(nil, "%d:%d:%s", w, i, bytes.Repeat([]byte{'x'}, (w*perWriter+i)%3000))
		if !bytes.Equal(msg, want) {
			t.Fatalf("message %d:%d corrupted", w, i)
		}
	}
	wg.Wait()
}

// TestWriteBetweenFragments runs Writes while Writers stream messages of
// several frames: a Write that finds a fragmented message open must wait
// for its end (writeAlone gives way to the message lock), so the peer
// never sees a data frame inside another message.
func TestWriteBetweenFragments(t *testing.T) {
	const streamed, chunks, writers, perWriter = 20, 3, 4, 200
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	chunk := bytes.Repeat([]byte{'s'}, 16<<10) // a frame of its own
	var wg sync.WaitGroup
	wg.Go(func() {
		for range streamed {
			w, err := conn.Writer(context.Background(), websocket.MessageBinary)
			if err != nil {
				t.Error(err)
				return
			}
			for range chunks {
				if _, err := w.Write(chunk); err != nil {
					t.Error(err)
					return
				}
				runtime.Gosched() // let the Writes try to get in between
			}
			if err := w.Close(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if err := conn.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, "%d:%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var fragmented []byte
	inMessage := false
	small, large := 0, 0
	for small+large < streamed+writers*perWriter {
		h, payload, err := peer.Read(testTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if inMessage && h.Opcode != protocol.OpContinuation {
			t.Fatalf("a %v frame inside a fragmented message, after %d of its bytes", h.Opcode, len(fragmented))
		}
		if !h.Fin {
			inMessage = true
			fragmented = append(fragmented, payload...)
			continue
		}
		if !inMessage {
			small++
			continue
		}
		fragmented = append(fragmented, payload...)
		if !bytes.Equal(fragmented, bytes.Repeat(chunk, chunks)) {
			t.Fatalf("streamed message %d: %d bytes, not the %d written", large, len(fragmented), chunks*len(chunk))
		}
		inMessage, fragmented = false, fragmented[:0]
		large++
	}
	wg.Wait()
}

func TestWriter(t *testing.T) {
	conn, peer := serverWithPeer(t, websocket.TestConfig{})
	payload := bytes.Repeat([]byte("0123456789"), 10000) // 100 kB
	go func() {
		w, err := conn.Writer(context.Background(), websocket.MessageText)
		if err != nil {
			t.Error(err)
			return
		}
		// Small writes are gathered into frames; io.Copy's 32 KiB writes
		// go out as frames of their own.
		for _, chunk := range [][]byte{payload[:10], payload[10:20000], payload[20000:20001]} {
			if _, err := w.Write(chunk); err != nil {
				t.Error(err)
			}
		}
		if _, err := io.Copy(w, bytes.NewReader(payload[20001:])); err != nil {
			t.Error(err)
		}
		if err := w.Close(); err != nil {
			t.Error(err)
		}
		if _, err := w.Write([]byte("x")); !errors.Is(err, websocket.ErrWriterClosed) {
			t.Errorf("Write after Close = %v, want ErrWriterClosed", err)
		}
	}()
	var got []byte
	frames := 0
	for {
		h, p, err := peer.Read(testTimeout)
		if err != nil {
			t.Fatal(err)
		}
		wantOp := protocol.OpContinuation
		if frames == 0 {
			wantOp = protocol.OpText
		}
		if h.Opcode != wantOp {
			t.Fatalf("frame %d opcode %v, want %v", frames, h.Opcode, wantOp)
		}
		frames++
		got = append(got, p...)
		if h.Fin {
			break
		}
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("reassembled %d bytes, want %d", len(got), len(payload))
	}
	if frames < 3 {
		t.Errorf("message went out in %d frames, want it streamed in several", frames)
	}
}

func TestWriteContext(t *testing.T) {
	t.Run("cancelled before writing keeps the connection", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		// Hold the message lock with an open writer.
		w, err := conn.Writer(context.Background(), websocket.MessageBinary)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := conn.Write(ctx, websocket.MessageText, []byte("x")); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Write = %v, want DeadlineExceeded", err)
		}
		w.Close()
		if err := conn.Write(context.Background(), websocket.MessageText, []byte("ok")); err != nil {
			t.Fatal(err)
		}
		peer.ReadMessage(testTimeout)
		if _, msg := peer.ReadMessage(testTimeout); string(msg) != "ok" {
			t.Errorf("peer got %q, want ok", msg)
		}
	})
	t.Run("cancel mid-frame drops the connection", func(t *testing.T) {
		conn, peer := serverWithPeer(t, websocket.TestConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- conn.Write(ctx, websocket.MessageBinary, make([]byte, 64<<20)) }()
		// Once the peer has seen bytes of the frame, the write has started;
		// the peer then stops reading, so the write blocks mid-frame.
		if _, err := io.ReadFull(peer.R, make([]byte, 1024)); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("Write = %v, want Canceled", err)
		}
		if err := conn.Write(context.Background(), websocket.MessageBinary, []byte("x")); err == nil {
			t.Fatal("Write after a write broken mid-frame succeeded")
		}
	})
}
