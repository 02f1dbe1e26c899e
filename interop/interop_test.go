// Package interop_test checks our Conn against other WebSocket
// implementations, run as subprocesses on loopback: python-websockets
// (Debian's python3-websockets under /usr/bin/python3) and Node's ws, each
// as the server for our Dial and as the client of our Accept and
// AcceptConn. The peers are echo scripts in peers/, driven by text
// commands; README.md describes them and scripts/install-peers.sh
// installs their libraries. A missing peer fails the tests.
package interop_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// scenarioTimeout bounds one scenario on one connection, handshake
// included; generous because CI may run the race detector on two busy
// cores.
const scenarioTimeout = 60 * time.Second

// session is one connection between our Conn and an echo peer.
type session struct {
	c    *websocket.Conn
	peer *peer
	path string // the request path, which names the connection in the peer's events
}

// A scenario runs on a fresh connection to an echo peer.
type scenario struct {
	name string
	run  func(t *testing.T, ctx context.Context, s *session)
}

var scenarios = []scenario{
	{"messages", testMessages},
	{"fragmented-by-us", testFragmentedByUs},
	{"fragmented-by-peer", testFragmentedByPeer},
	{"ping-by-us", testPingByUs},
	{"ping-by-peer", testPingByPeer},
	{"pipelined", testPipelined},
	{"close-by-us", testCloseByUs},
	{"close-by-peer", testCloseByPeer},
}

func TestPythonServer(t *testing.T) { t.Parallel(); testPeerServer(t, pythonPeer) }
func TestNodeServer(t *testing.T)   { t.Parallel(); testPeerServer(t, nodePeer) }
func TestPythonClient(t *testing.T) { t.Parallel(); testPeerClient(t, pythonPeer) }
func TestNodeClient(t *testing.T)   { t.Parallel(); testPeerClient(t, nodePeer) }

// testPeerServer runs every scenario with our Dial against k's echo
// server, then against one left at the library's compression default.
func testPeerServer(t *testing.T, k *peerKind) {
	requirePeer(t, k)
	p, url := startPeerServer(t, k, "--compression=off")
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
			defer cancel()
			s := dialPeer(t, ctx, p, url, "/"+sc.name)
			sc.run(t, ctx, s)
			s.finish(t, ctx)
		})
	}
	// Our client offers no extension, so a server willing to compress
	// must not use it.
	t.Run("compression-default", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
		defer cancel()
		p, url := startPeerServer(t, k, "--compression=default")
		s := dialPeer(t, ctx, p, url, "/compression-default")
		testNoExtension(t, ctx, s)
		s.finish(t, ctx)
	})
}

// testPeerClient runs every scenario with k's echo client against our
// server, through each upgrader, then with a client that offers
// permessage-deflate, which our server must ignore. One client process
// makes the scenarios' connections in turn.
func testPeerClient(t *testing.T, k *peerKind) {
	requirePeer(t, k)
	for _, up := range upgraders {
		t.Run(up.name, func(t *testing.T) {
			srv := up.start(t, nil)
			p := startPeer(t, k, "client", "--compression=off")
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
					defer cancel()
					s, _ := connectPeer(t, ctx, p, srv, "/"+sc.name)
					sc.run(t, ctx, s)
					s.finish(t, ctx)
				})
			}
			t.Run("compression-offered", func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
				defer cancel()
				p := startPeer(t, k, "client", "--compression=default")
				s, offer := connectPeer(t, ctx, p, srv, "/compression-offered")
				if !strings.Contains(offer, "permessage-deflate") {
					t.Errorf("%s with default options offered Sec-WebSocket-Extensions %q, want a permessage-deflate offer", s.peer, offer)
				}
				testNoExtension(t, ctx, s)
				s.finish(t, ctx)
				p.end(t)
			})
			p.end(t)
		})
	}
}

// startPeerServer starts k's echo server and returns it with its URL.
func startPeerServer(t *testing.T, k *peerKind, args ...string) (*peer, string) {
	t.Helper()
	p := startPeer(t, k, append([]string{"server"}, args...)...)
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	ev, err := p.wait(ctx, func(ev event) bool { return ev.Event == "listening" })
	if err != nil {
		t.Fatalf("%s did not start listening: %v", p, err)
	}
	return p, "ws://127.0.0.1:" + strconv.Itoa(ev.Port)
}

// dialPeer connects our client to the peer server p at url+path.
func dialPeer(t *testing.T, ctx context.Context, p *peer, url, path string) *session {
	t.Helper()
	c, resp, err := websocket.Dial(ctx, url+path, nil)
	if err != nil {
		t.Fatalf("Dial(%s) to %s: %v", url+path, p, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Errorf("%s answered Sec-WebSocket-Extensions %q to a client that offered none", p, ext)
	}
	return &session{c: c, peer: p, path: path}
}

// connectPeer has the peer client p connect to our server at path and
// returns the connection and the extensions the client offered.
func connectPeer(t *testing.T, ctx context.Context, p *peer, srv *ourServer, path string) (*session, string) {
	t.Helper()
	p.connect(t, srv.url+path)
	a := srv.accept(t, ctx, path, p)
	return &session{c: a.c, peer: p, path: path}, a.offer
}

// finish closes the connection normally if a scenario left it open, then
// checks that the peer saw the close and reported no error.
func (s *session) finish(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := s.c.Close(websocket.CloseNormal, ""); err != nil && !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("Close(1000) with %s: %v", s.peer, err)
	}
	if _, err := s.peer.wait(ctx, s.event("closed")); err != nil {
		t.Errorf("%s never reported the connection closed: %v", s.peer, err)
	}
	for _, ev := range s.peer.errorEvents(s.path) {
		t.Errorf("%s reported %s: %s", s.peer, ev.Event, ev.Error)
	}
}

// event matches the peer's events of kind name about this connection.
func (s *session) event(name string) func(event) bool {
	return func(ev event) bool { return ev.Event == name && ev.Path == s.path }
}

// expect reads the next message and checks it is typ with payload want.
func (s *session) expect(t *testing.T, ctx context.Context, typ websocket.MessageType, want []byte, what string) {
	t.Helper()
	gotTyp, got, err := s.c.Read(ctx)
	if err != nil {
		t.Fatalf("Read %s from %s: %v", what, s.peer, err)
	}
	if gotTyp != typ || string(got) != string(want) {
		t.Fatalf("Read %s from %s: got %v message, want %v; %s", what, s.peer, gotTyp, typ, describeDiff(want, got))
	}
}

// command sends a text command to the echo peer; see README.md.
func (s *session) command(t *testing.T, ctx context.Context, cmd string) {
	t.Helper()
	if err := s.c.Write(ctx, websocket.MessageText, []byte("cmd:"+cmd)); err != nil {
		t.Fatalf("Write command %q to %s: %v", cmd, s.peer, err)
	}
}

// testNoExtension checks that a peer that would have compressed did not
// negotiate anything, then exchanges compressible messages, which would
// fail our reader if the peer compressed them (RSV1 set).
func testNoExtension(t *testing.T, ctx context.Context, s *session) {
	ev, err := s.peer.wait(ctx, s.event("open"))
	if err != nil {
		t.Fatalf("%s did not report the connection open: %v", s.peer, err)
	}
	if len(ev.Extensions) != 0 {
		t.Errorf("%s negotiated extensions %q, want none", s.peer, ev.Extensions)
	}
	for _, typ := range messageTypes {
		for _, n := range []int{1000, 64 << 10, 1 << 20} {
			want := []byte(strings.Repeat("compress me, please ", n/20+1)[:n])
			if err := s.c.Write(ctx, typ, want); err != nil {
				t.Fatalf("Write(%v, %d B) to %s: %v", typ, n, s.peer, err)
			}
			s.expect(t, ctx, typ, want, "echo of a compressible "+typ.String()+" message of "+strconv.Itoa(n)+" B")
		}
	}
}
