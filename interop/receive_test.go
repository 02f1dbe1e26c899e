package interop_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/deflate"
)

// TestReceiveClose closes connections in receive mode (Conn.Receive)
// with Close, after compressed echoes, against python-websockets'
// server. It shows a bug in the root package, not in compression: in
// receiver.ready (receive.go), at a message boundary with nothing more to
// read (errWouldBlock), the receiver unlocks the read lock and then calls
// arm, which reads c.rb.buffered() without it; a Close that takes the
// read lock meanwhile reads the peer's close frame into the same readBuf
// (Close, awaitPeerClose, readHeader, readBuf.fill, rawRead), so
// `go test -race` reports a data race between readBuf.rawRead
// (readbuf_unix.go) and readBuf.buffered (readbuf.go, from
// receiver.arm). arm reads the buffer only for a socket the poller can
// watch (pollFD >= 0): a real TCP connection, not net.Pipe.
//
// Not parallel, so that it runs alone, before the parallel tests: the
// race detector fails every test running when it reports.
func TestReceiveClose(t *testing.T) {
	requirePeer(t, pythonPeer)
	p, base := startPeerServer(t, pythonPeer, "--compression=off")
	// Several connections: the race needs the receiver to re-arm after
	// the last echo, which it usually but not always does first.
	for i := range 4 {
		mode := websocket.CompressionContextTakeover
		if i%2 == 1 {
			mode = websocket.CompressionNoContextTakeover
		}
		name := strings.ReplaceAll(mode.String(), " ", "-") + "-" + strconv.Itoa(i)
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
			defer cancel()
			path := "/receive-close/" + name
			c := deflateCase{ours: mode, serverBits: 15, clientBits: 15, peerLimits: true, level: deflate.BestSpeed}
			s := dialCompressed(t, ctx, p, withDeflate(base, path, c.peerParams(true)), path, c.options(false), c.want())
			testReceiveCompressed(t, ctx, s)
			if err := s.c.Close(websocket.CloseNormal, ""); err != nil {
				t.Errorf("Close(1000) in receive mode: %v", err)
			}
			s.finish(t, ctx)
		})
	}
}

// testReceiveCompressed switches the connection to receive mode
// (Conn.Receive, where a message is read when the socket has bytes,
// possibly a part of a frame at a time) and checks compressed echoes
// there, whole and in the peer's fragments. The connection stays in
// receive mode: it must be the last exchange. TestReceiveClose runs it;
// the matrix does not, because of the bug that test shows.
func testReceiveCompressed(t *testing.T, ctx context.Context, s *session) {
	got := make(chan message, 1)
	ended := make(chan error, 1)
	err := s.c.Receive(func(typ websocket.MessageType, msg []byte) {
		got <- message{typ: typ, data: slices.Clone(msg)}
	}, func(err error) { ended <- err })
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	for _, fragments := range []int{0, peerFragments} {
		if fragments > 0 {
			s.command(t, ctx, "fragment:"+strconv.Itoa(fragments))
		}
		for i, m := range []message{
			{"text of 200000 B", websocket.MessageText, textOf(200_000, 12)},
			{"binary of 64 KiB", websocket.MessageBinary, binaryOf(64<<10, 12)},
			{"text of 10 B", websocket.MessageText, textOf(10, 12)},
			{"binary of 0 B", websocket.MessageBinary, nil},
		} {
			what := fmt.Sprintf("the echo in receive mode, in %d fragments, of message %d, %s, from %s", fragments, i+1, m.what, s.peer)
			if err := s.c.Write(ctx, m.typ, m.data); err != nil {
				t.Fatalf("Write(%s) to %s: %v", m.what, s.peer, err)
			}
			select {
			case g := <-got:
				if g.typ != m.typ || string(g.data) != string(m.data) {
					t.Fatalf("%s: got %v message, want %v; %s", what, g.typ, m.typ, describeDiff(m.data, g.data))
				}
			case err := <-ended:
				t.Fatalf("receive mode ended before %s: %v", what, err)
			case <-ctx.Done():
				t.Fatalf("waiting for %s: %v", what, ctx.Err())
			}
		}
	}
	s.command(t, ctx, "fragment:0")
}
