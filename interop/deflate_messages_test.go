package interop_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirefast/websocket"
)

// testCompressed checks that both sides compress, then exchanges
// messages that exercise the windows: serverBits and clientBits are the
// windows negotiated.
func testCompressed(t *testing.T, ctx context.Context, s *session, serverBits, clientBits int) {
	s.checkCompressing(t, ctx)
	for _, m := range compressedMessages(serverBits, clientBits) {
		if err := s.c.Write(ctx, m.typ, m.data); err != nil {
			t.Fatalf("Write(%s) to %s: %v", m.what, s.peer, err)
		}
		s.expect(t, ctx, m.typ, m.data, "echo of "+m.what)
	}
	testPreparedCompressed(t, ctx, s)
	testFragmentedCompressed(t, ctx, s)
}

// preparedText is the compressible payload of a prepared message that all
// connections of the deflate tests share.
var preparedText = sync.OnceValue(func() []byte {
	r := lettersOf(3000, 21)
	return slices.Concat(r, r)
})

// sharedPrepared are prepared messages shared by all connections of the
// deflate tests, in parallel: a server connection compresses each once
// per window size, without context takeover, then adds it to its
// window.
var sharedPrepared = sync.OnceValue(func() []*websocket.PreparedMessage {
	var pms []*websocket.PreparedMessage
	for _, m := range []struct {
		typ  websocket.MessageType
		data []byte
	}{
		{websocket.MessageText, preparedText()},
		{websocket.MessageBinary, binaryOf(10, 21)}, // under the threshold
	} {
		pm, err := websocket.NewPreparedMessage(m.typ, m.data)
		if err != nil {
			panic(err)
		}
		pms = append(pms, pm)
	}
	return pms
})

// testPreparedCompressed writes the shared prepared messages, each
// followed by a message repeating the first one: with context takeover
// our encoder refers back into the prepared message, so the peer's
// window must hold it too.
func testPreparedCompressed(t *testing.T, ctx context.Context, s *session) {
	pms := sharedPrepared()
	payloads := [][]byte{preparedText(), binaryOf(10, 21)}
	after := slices.Concat(preparedText()[:3000], lettersOf(100, 22))
	for i, pm := range pms {
		if err := s.c.WritePrepared(ctx, pm); err != nil {
			t.Fatalf("WritePrepared(%v, %d B) to %s: %v", pm.Type(), pm.Len(), s.peer, err)
		}
		s.expect(t, ctx, pm.Type(), payloads[i], fmt.Sprintf("echo of prepared %v message of %d B", pm.Type(), pm.Len()))
		if err := s.c.Write(ctx, websocket.MessageText, after); err != nil {
			t.Fatalf("Write(%d B) to %s: %v", len(after), s.peer, err)
		}
		s.expect(t, ctx, websocket.MessageText, after, "echo of a message repeating a prepared one")
	}
}

// compressibleSize is the message checkCompressing sends, in bytes.
const compressibleSize = 32 << 10

// checkCompressing has the peer count the bytes on its socket while a
// compressible message goes there and back: a quarter of the message
// each way is far more than either compressor needs, far less than
// sending it plain.
func (s *session) checkCompressing(t *testing.T, ctx context.Context) {
	t.Helper()
	read0, written0 := s.stats(t, ctx)
	want := textOf(compressibleSize, 11)
	if err := s.c.Write(ctx, websocket.MessageText, want); err != nil {
		t.Fatalf("Write(%d B) to %s: %v", len(want), s.peer, err)
	}
	s.expect(t, ctx, websocket.MessageText, want, "echo of a compressible message")
	read1, written1 := s.stats(t, ctx)
	// read1-read0 is our message and the stats command, written1-written0
	// the first stats answer and the echo.
	if n := read1 - read0; n > compressibleSize/4 {
		t.Errorf("%s read %d B from its socket for our compressible %d B text message: we did not compress it", s.peer, n, compressibleSize)
	}
	if n := written1 - written0; n > compressibleSize/4 {
		t.Errorf("%s wrote %d B to its socket for its echo of a compressible %d B text message: it did not compress it", s.peer, n, compressibleSize)
	}
}

// stats returns the bytes the peer has read from and written to its
// socket so far (the stats command).
func (s *session) stats(t *testing.T, ctx context.Context) (read, written int64) {
	t.Helper()
	s.command(t, ctx, "stats")
	typ, msg, err := s.c.Read(ctx)
	if err != nil {
		t.Fatalf("Read the answer to stats from %s: %v", s.peer, err)
	}
	if _, err := fmt.Sscanf(string(msg), "stats:%d:%d", &read, &written); typ != websocket.MessageText || err != nil {
		t.Fatalf("%s answered stats with %v message %q, want text \"stats:READ:WRITTEN\" (%v)", s.peer, typ, msg, err)
	}
	return read, written
}

// message is a data message for an echo peer.
type message struct {
	what string
	typ  websocket.MessageType
	data []byte
}

// compressedMessages returns the messages testCompressed sends, whole,
// in order.
func compressedMessages(serverBits, clientBits int) []message {
	var msgs []message
	add := func(typ websocket.MessageType, data []byte, format string, args ...any) {
		msgs = append(msgs, message{what: fmt.Sprintf(format, args...), typ: typ, data: data})
	}
	// Repeats at distances around each window's size: an encoder must
	// not refer further back than its window (the decoder would fail
	// with "invalid distance too far back"), a decoder must reach back
	// the whole window.
	for _, bits := range slices.Compact(slices.Sorted(slices.Values([]int{serverBits, clientBits}))) {
		w := 1 << bits
		for _, d := range []int{w - 1, w, w + 1} {
			r := lettersOf(d, uint64(d))
			add(websocket.MessageText, slices.Concat(r, r[:min(d, 1000)]), "text repeating at distance %d (window %d B)", d, w)
		}
	}
	// With context takeover the second copy refers to the first message:
	// both windows must stay in step across messages.
	r := lettersOf(1<<min(serverBits, clientBits)/2, 5)
	for i := range 3 {
		add(websocket.MessageText, r, "copy %d of a %d B random text", i+1, len(r))
	}
	for i := range 8 {
		msg := fmt.Sprintf(`{"seq":%d,"user":"wirefast","items":[%s],"note":"message %d of a series"}`,
			i, strings.Repeat(`{"id":`+strconv.Itoa(i)+`,"ok":true},`, 10+i)+"0", i)
		add(websocket.MessageText, []byte(msg), "JSON message %d of a series", i+1)
	}
	add(websocket.MessageBinary, binaryOf(64<<10, 7), "incompressible binary of 64 KiB")
	add(websocket.MessageText, text1MiB(), "text of 1 MiB")
	// Under our default threshold (deflate.DefaultThresholdContextTakeover):
	// we send these uncompressed, unless at Threshold -1; the peer
	// compresses them.
	for _, n := range []int{0, 1, 31} {
		add(websocket.MessageText, textOf(n, 1), "text of %d B", n)
		add(websocket.MessageBinary, binaryOf(n, 1), "binary of %d B", n)
	}
	add(websocket.MessageText, textOf(5000, 9), "text of 5000 B after small ones")
	return msgs
}

// text1MiB is the 1 MiB message of every row, made once.
var text1MiB = sync.OnceValue(func() []byte { return textOf(1<<20, 3) })

// readInPieces reads r to its end with reads of at most size bytes, so a
// decompressing reader stops and resumes many times within a frame.
func readInPieces(r io.Reader, size int) ([]byte, error) {
	var got []byte
	buf := make([]byte, size)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
	}
}

// lettersOf returns n random lowercase letters, varying with seed: text
// that only repeats compress well.
func lettersOf(n int, seed uint64) []byte {
	b := binaryOf(n, seed)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return b
}

// testFragmentedCompressed streams compressed messages through our
// Writer in several frames, then has the peer echo messages in
// fragments, read with our Reader in small pieces.
func testFragmentedCompressed(t *testing.T, ctx context.Context, s *session) {
	tests := []streamedMessage{
		{websocket.MessageText, 0, 1},
		{websocket.MessageText, 100_000, 1000},
		{websocket.MessageBinary, 40_003, 16 << 10},
	}
	for i, tc := range tests {
		s.streamEcho(t, ctx, tc, uint64(i))
	}
	s.command(t, ctx, "fragment:"+strconv.Itoa(peerFragments))
	for i, m := range []message{
		{"text of 30000 B", websocket.MessageText, textOf(30_000, 4)},
		{"binary of 20000 B", websocket.MessageBinary, binaryOf(20_000, 4)},
		{"text of 10 B", websocket.MessageText, textOf(10, 4)},
	} {
		if err := s.c.Write(ctx, m.typ, m.data); err != nil {
			t.Fatalf("Write(%s) to %s: %v", m.what, s.peer, err)
		}
		what := fmt.Sprintf("the echo in %d fragments of message %d, %s, from %s", peerFragments, i+1, m.what, s.peer)
		typ, r, err := s.c.Reader(ctx)
		if err != nil {
			t.Fatalf("Reader for %s: %v", what, err)
		}
		got, err := readInPieces(r, 777)
		if err != nil {
			t.Fatalf("reading %s: %v", what, err)
		}
		if typ != m.typ || string(got) != string(m.data) {
			t.Fatalf("%s: got %v message, want %v; %s", what, typ, m.typ, describeDiff(m.data, got))
		}
	}
	s.command(t, ctx, "fragment:0")
}
