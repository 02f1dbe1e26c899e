package interop_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket"
)

var messageTypes = []websocket.MessageType{websocket.MessageText, websocket.MessageBinary}

// testMessages round-trips whole messages of every size, text and
// binary: our Write (one frame), the peer's echo, our Read.
func testMessages(t *testing.T, ctx context.Context, s *session) {
	for _, typ := range messageTypes {
		for i, n := range sizes {
			want := payloadOf(typ, n, uint64(i))
			if err := s.c.Write(ctx, typ, want); err != nil {
				t.Fatalf("Write(%v, %d B) to %s: %v", typ, n, s.peer, err)
			}
			s.expect(t, ctx, typ, want, fmt.Sprintf("echo of %v %d B", typ, n))
		}
	}
}

// streamedMessage is a message written through our Writer in pieces.
type streamedMessage struct {
	typ   websocket.MessageType
	size  int // bytes
	chunk int // bytes per Write on the message writer
}

// streamEcho writes m (its payload made from seed) through our Writer,
// chunk bytes per Write, and expects the peer's echo of it whole.
func (s *session) streamEcho(t *testing.T, ctx context.Context, m streamedMessage, seed uint64) {
	t.Helper()
	want := payloadOf(m.typ, m.size, seed)
	w, err := s.c.Writer(ctx, m.typ)
	if err != nil {
		t.Fatalf("Writer(%v): %v", m.typ, err)
	}
	for rest := want; len(rest) > 0; {
		k := min(m.chunk, len(rest))
		if _, err := w.Write(rest[:k]); err != nil {
			t.Fatalf("message writer Write(%d B) to %s: %v", k, s.peer, err)
		}
		rest = rest[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatalf("message writer Close to %s: %v", s.peer, err)
	}
	s.expect(t, ctx, m.typ, want, fmt.Sprintf("echo of %v %d B written in %d B pieces", m.typ, m.size, m.chunk))
}

// testFragmentedByUs streams messages through our Writer, which sends
// them as several frames (cut anywhere, inside UTF-8 sequences too); the
// peer reassembles them and echoes them whole.
func testFragmentedByUs(t *testing.T, ctx context.Context, s *session) {
	tests := []streamedMessage{
		{websocket.MessageText, 0, 1},
		{websocket.MessageText, 7, 1},
		{websocket.MessageText, 100_000, 1000},   // buffered into 16 KiB frames
		{websocket.MessageBinary, 100_000, 1000}, // buffered into 16 KiB frames
		{websocket.MessageText, 1 << 20, 20_000}, // each Write a frame of its own
		{websocket.MessageBinary, 1<<20 + 3, 1 << 16},
		{websocket.MessageText, 8 << 20, 1 << 20},
	}
	for i, tc := range tests {
		s.streamEcho(t, ctx, tc, uint64(i))
	}
}

// peerFragments is how many fragments the echo peer cuts messages into.
const peerFragments = 5

// testFragmentedByPeer has the peer echo each message as several frames
// (python-websockets sends an iterable of fragments, cut between
// characters; ws sends with fin: false, cut at any byte) and reads them
// with our streaming Reader.
func testFragmentedByPeer(t *testing.T, ctx context.Context, s *session) {
	s.command(t, ctx, "fragment:"+strconv.Itoa(peerFragments))
	for _, typ := range messageTypes {
		for i, n := range []int{0, 1, 2, 125, 126, 1000, 65536, 1 << 20} {
			want := payloadOf(typ, n, uint64(i))
			if err := s.c.Write(ctx, typ, want); err != nil {
				t.Fatalf("Write(%v, %d B) to %s: %v", typ, n, s.peer, err)
			}
			gotTyp, r, err := s.c.Reader(ctx)
			if err != nil {
				t.Fatalf("Reader for the fragmented echo of %v %d B from %s: %v", typ, n, s.peer, err)
			}
			got, reads, err := readCounting(r)
			if err != nil {
				t.Fatalf("reading the fragmented echo of %v %d B from %s: %v", typ, n, s.peer, err)
			}
			if gotTyp != typ || string(got) != string(want) {
				t.Fatalf("fragmented echo of %v %d B from %s: got %v message; %s", typ, n, s.peer, gotTyp, describeDiff(want, got))
			}
			// A read never spans frames, so k non-empty fragments take at
			// least k reads; a small message that came whole takes one.
			if n >= 125 && n <= 1000 && reads < peerFragments {
				t.Errorf("echo of %v %d B from %s took %d reads: it was not sent in %d fragments", typ, n, s.peer, reads, peerFragments)
			}
		}
	}
	s.command(t, ctx, "fragment:0")
	want := []byte("whole again")
	if err := s.c.Write(ctx, websocket.MessageText, want); err != nil {
		t.Fatalf("Write to %s: %v", s.peer, err)
	}
	s.expect(t, ctx, websocket.MessageText, want, "echo after fragment:0")
}

// readCounting reads r to the end and counts the reads that returned
// data.
func readCounting(r io.Reader) ([]byte, int, error) {
	var got []byte
	buf := make([]byte, 64<<10)
	reads := 0
	for {
		n, err := r.Read(buf)
		if n > 0 {
			reads++
			got = append(got, buf[:n]...)
		}
		if err == io.EOF {
			return got, reads, nil
		}
		if err != nil {
			return got, reads, err
		}
	}
}

type readResult struct {
	typ websocket.MessageType
	p   []byte
	err error
}

// readAsync reads one message in another goroutine, so that control
// frames are handled meanwhile.
func readAsync(ctx context.Context, c *websocket.Conn) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		typ, p, err := c.Read(ctx)
		ch <- readResult{typ, p, err}
	}()
	return ch
}

// testPingByUs checks that the peer answers our pings.
func testPingByUs(t *testing.T, ctx context.Context, s *session) {
	read := readAsync(ctx, s.c)
	for i := range 3 {
		if _, err := s.c.Ping(ctx); err != nil {
			t.Fatalf("Ping #%d to %s: %v", i, s.peer, err)
		}
	}
	want := []byte("after the pings")
	if err := s.c.Write(ctx, websocket.MessageText, want); err != nil {
		t.Fatalf("Write to %s: %v", s.peer, err)
	}
	r := <-read
	if r.err != nil || r.typ != websocket.MessageText || string(r.p) != string(want) {
		t.Fatalf("Read after the pings from %s = %v, %q, %v; want text %q", s.peer, r.typ, r.p, r.err, want)
	}
}

// testPingByPeer has the peer ping us with a payload and wait for our
// pong, which our Read sends while waiting for the peer's report.
func testPingByPeer(t *testing.T, ctx context.Context, s *session) {
	for _, payload := range []string{"", "wirefast", strings.Repeat("p", 125)} {
		s.command(t, ctx, "ping:"+payload)
		s.expect(t, ctx, websocket.MessageText, []byte("pong:"+payload), fmt.Sprintf("the peer's report of our pong to a ping of %d B", len(payload)))
	}
}

// pipelined is how many messages testPipelined has in flight.
const pipelined = 2000

// pipelinedMessage returns message i of testPipelined: alternately text
// and binary, 5 to 704 bytes, starting with its number.
func pipelinedMessage(i int) (websocket.MessageType, []byte) {
	typ := messageTypes[i%2]
	p := fmt.Appendf(nil, "%04d:", i)
	return typ, append(p, payloadOf(typ, i*37%700, uint64(i))...)
}

// testPipelined writes messages from one goroutine while another reads
// the echoes, which must come back complete and in order.
func testPipelined(t *testing.T, ctx context.Context, s *session) {
	wrote := make(chan error, 1)
	go func() {
		for i := range pipelined {
			typ, p := pipelinedMessage(i)
			if err := s.c.Write(ctx, typ, p); err != nil {
				wrote <- fmt.Errorf("Write #%d: %w", i, err)
				return
			}
		}
		wrote <- nil
	}()
	for i := range pipelined {
		typ, want := pipelinedMessage(i)
		gotTyp, got, err := s.c.Read(ctx)
		if err != nil {
			t.Fatalf("Read #%d of %d pipelined echoes from %s: %v (writer: %v)", i, pipelined, s.peer, err, errOrPending(wrote))
		}
		if gotTyp != typ || string(got) != string(want) {
			t.Fatalf("pipelined echo #%d from %s: got %v message, want %v; %s", i, s.peer, gotTyp, typ, describeDiff(want, got))
		}
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}

func errOrPending(ch <-chan error) any {
	select {
	case err := <-ch:
		return err
	default:
		return "still writing"
	}
}

// closeCode is the application close code both sides use.
const closeCode websocket.CloseCode = 4000

// testCloseByUs closes with 4000 and a reason while a Read is pending:
// Close must get the peer's echo, which the pending Read returns, and the
// peer must see our code and reason.
func testCloseByUs(t *testing.T, ctx context.Context, s *session) {
	const reason = "au revoir from wirefast é€𝄞"
	read := readAsync(ctx, s.c)
	// A pong is handled only by a pending read, so once Ping returns the
	// Read is under way, and Close leaves the peer's echo to it.
	if _, err := s.c.Ping(ctx); err != nil {
		t.Fatalf("Ping to %s: %v", s.peer, err)
	}
	if err := s.c.Close(closeCode, reason); err != nil {
		t.Fatalf("Close(%d, %q) with %s: %v", closeCode, reason, s.peer, err)
	}
	r := <-read
	if got := websocket.CloseStatus(r.err); got != closeCode {
		t.Errorf("pending Read during Close returned %v; want the peer's echo of %d", r.err, closeCode)
	}
	ev, err := s.peer.wait(ctx, s.event("closed"))
	if err != nil {
		t.Fatalf("%s did not report the close: %v", s.peer, err)
	}
	if diff := cmp.Diff(event{Code: int(closeCode), Reason: reason}, event{Code: ev.Code, Reason: ev.Reason}); diff != "" {
		t.Errorf("close frame the peer received (-want +got):\n%s", diff)
	}
}

// testCloseByPeer has the peer close with 4000 and a reason: our Read
// returns them as a CloseError and we echo the code.
func testCloseByPeer(t *testing.T, ctx context.Context, s *session) {
	const reason = "au revoir from the peer é€𝄞"
	s.command(t, ctx, "close:"+strconv.Itoa(int(closeCode))+":"+reason)
	_, _, err := s.c.Read(ctx)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("Read after the peer closed = %v, want a *CloseError", err)
	}
	if diff := cmp.Diff(websocket.CloseError{Code: closeCode, Reason: reason}, *ce); diff != "" {
		t.Errorf("CloseError from %s (-want +got):\n%s", s.peer, diff)
	}
	ev, err := s.peer.wait(ctx, s.event("closed"))
	if err != nil {
		t.Fatalf("%s did not report the close: %v", s.peer, err)
	}
	// We echo the code without the reason (RFC 6455, Section 5.5.1).
	if diff := cmp.Diff(event{Code: int(closeCode)}, event{Code: ev.Code, Reason: ev.Reason}); diff != "" {
		t.Errorf("close frame the peer received back (-want +got):\n%s", diff)
	}
	if _, _, err := s.c.Read(ctx); websocket.CloseStatus(err) != closeCode {
		t.Errorf("second Read after close = %v, want the same CloseError", err)
	}
}
