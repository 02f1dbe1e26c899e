package websocket

import (
	"bytes"
	"context"
	"net"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// replayConn is a net.Conn (not a syscall.Conn, so reads go through
// Read) whose reads return stream, then stream again, forever, and, if
// record is set, record the size of each buffer they are given; writes
// are discarded.
type replayConn struct {
	net.Conn // nil: only the methods below are called
	stream   []byte
	off      int
	record   bool
	reads    []int
}

func (r *replayConn) Read(p []byte) (int, error) {
	if r.record {
		r.reads = append(r.reads, len(p))
	}
	n := copy(p, r.stream[r.off:])
	r.off = (r.off + n) % len(r.stream)
	return n, nil
}

func (r *replayConn) Write(p []byte) (int, error) { return len(p), nil }

// maskedFrame returns one masked frame of payload, as a client sends it.
func maskedFrame(fin bool, op protocol.Opcode, payload []byte) []byte {
	h := protocol.Header{Fin: fin, Opcode: op, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: int64(len(payload))}
	frame := append(protocol.AppendHeader(nil, h), payload...)
	mask.Apply(h.Key, 0, frame[len(frame)-len(payload):])
	return frame
}

// maskedStream returns copies masked binary frames of a payload of n
// bytes, back to back, and the payload.
func maskedStream(n, copies int) (stream, payload []byte) {
	payload = bytes.Repeat([]byte("wirefast"), n/8+1)[:n]
	return bytes.Repeat(maskedFrame(true, protocol.OpBinary, payload), copies), payload
}

// TestLargeFrameFills checks the read-buffer policy for connections read
// through net.Conn.Read: small frames are read a whole buffer at a time,
// many per read; once frames are large, a fill reads at most
// largeFillMax bytes and the rest of each payload goes straight into
// the caller's memory, so it is not copied twice.
func TestLargeFrameFills(t *testing.T) {
	tests := []struct {
		name string
		size int
		want []int // sizes of the reads of the fourth message
	}{
		{"1KiB", 1 << 10, []int{}}, // buffered by the first read
		{"16KiB", 16 << 10, []int{largeFillMax, 16<<10 - (largeFillMax - 8)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stream, payload := maskedStream(tc.size, 8)
			nc := &replayConn{stream: stream, record: true}
			c := NewConnForTest(nc, false, TestConfig{})
			var buf []byte
			for i := range 4 {
				nc.reads = nc.reads[:0]
				var err error
				if _, buf, err = c.ReadInto(context.Background(), buf); err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if !bytes.Equal(buf, payload) {
					t.Fatalf("message %d: got %d bytes, want the %d sent", i, len(buf), len(payload))
				}
				if i == 0 && nc.reads[0] != readBufferSize {
					t.Errorf("first read asked for %d bytes, want %d", nc.reads[0], readBufferSize)
				}
			}
			if diff := cmp.Diff(tc.want, nc.reads); diff != "" {
				t.Errorf("reads of the fourth message (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadWriteAllocs checks that reading into a reused buffer and
// writing a message allocate nothing, with a context that cannot end and
// with one that can, used call after call.
func TestReadWriteAllocs(t *testing.T) {
	cancelable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, ctx := range []context.Context{context.Background(), cancelable} {
		for _, size := range []int{16, 1 << 10, 16 << 10} {
			testReadWriteAllocs(t, ctx, size)
		}
	}
}

func testReadWriteAllocs(t *testing.T, ctx context.Context, size int) {
	t.Helper()
	stream, _ := maskedStream(size, 4)
	c := NewConnForTest(&replayConn{stream: stream}, false, TestConfig{})
	buf := make([]byte, 0, size)
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := c.ReadInto(ctx, buf); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("ReadInto of %d bytes: %v allocations, want 0", size, n)
	}
	for _, client := range []bool{false, true} {
		w := NewConnForTest(&replayConn{stream: []byte{0}}, client, TestConfig{})
		msg := make([]byte, size)
		if n := testing.AllocsPerRun(100, func() {
			if err := w.Write(ctx, MessageBinary, msg); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("Write of %d bytes (client %v): %v allocations, want 0", size, client, n)
		}
	}
}

// TestPingKeepsNothing checks that answering a ping allocates nothing,
// on the first ping a connection gets as on later ones: the payload goes
// through the stack rather than a buffer made on first use, which every
// connection that was ever pinged would keep.
func TestPingKeepsNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("race detector: sync.Pool drops items at random, so the read buffers allocate; the non-race runs (make purego) count")
	}
	ping := protocol.Header{Fin: true, Opcode: protocol.OpPing, Masked: true, Key: [4]byte{5, 6, 7, 8}, Length: 8}
	frame := append(protocol.AppendHeader(nil, ping), "pingpong"...)
	mask.Apply(ping.Key, 0, frame[len(frame)-8:])
	data, _ := maskedStream(16, 1)
	stream := append(frame, data...)
	ctx := context.Background()
	buf := make([]byte, 0, 16)
	read := func(c *Conn) {
		if _, msg, err := c.ReadInto(ctx, buf); err != nil || len(msg) != 16 {
			t.Fatalf("ReadInto = %d bytes, %v", len(msg), err)
		}
	}
	read(NewConnForTest(&replayConn{stream: stream}, false, TestConfig{})) // warm the pools
	const conns = 20
	cs := make([]*Conn, conns)
	for i := range cs {
		cs[i] = NewConnForTest(&replayConn{stream: stream}, false, TestConfig{})
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, c := range cs {
		read(c) // answers the ping, then reads the message
	}
	runtime.ReadMemStats(&after)
	if n := float64(after.Mallocs-before.Mallocs) / conns; n >= 1 {
		t.Errorf("first ping and message: %.2f allocations per connection, want 0", n)
	}
}
