package interop_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/handshake"
)

// accepted is a connection our server accepted from a peer client.
type accepted struct {
	c   *websocket.Conn
	err error
	// offer is the Sec-WebSocket-Extensions the client sent, "" if none.
	offer string
}

// ourServer is our side for peer clients: it upgrades each request and
// hands the connection to the test waiting for its path.
type ourServer struct {
	url string // ws://127.0.0.1:PORT

	mu    sync.Mutex
	conns map[string]chan accepted // by request path
}

// upgrader starts an ourServer on a loopback port, upgrading with opts
// (nil for the defaults).
type upgrader struct {
	name  string
	start func(t *testing.T, opts *websocket.AcceptOptions) *ourServer
}

// upgraders are our two server entry points: Accept through net/http and
// AcceptConn on a raw connection.
var upgraders = []upgrader{
	{"Accept", startHTTPServer},
	{"AcceptConn", startRawServer},
}

func (s *ourServer) ch(path string) chan accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = make(map[string]chan accepted)
	}
	ch, ok := s.conns[path]
	if !ok {
		ch = make(chan accepted, 1)
		s.conns[path] = ch
	}
	return ch
}

// deliver hands a to the test waiting for path; a second connection on
// the same path is a test bug and is dropped.
func (s *ourServer) deliver(path string, a accepted) {
	select {
	case s.ch(path) <- a:
	default:
		if a.c != nil {
			a.c.CloseNow()
		}
	}
}

// accept waits for the connection on path, made by peer p; it is
// dropped when t ends.
func (s *ourServer) accept(t *testing.T, ctx context.Context, path string, p *peer) accepted {
	t.Helper()
	select {
	case a := <-s.ch(path):
		if a.err != nil {
			t.Fatalf("our server failed the handshake with %s: %v", p, a.err)
		}
		t.Cleanup(func() { a.c.CloseNow() })
		return a
	case <-p.done:
		t.Fatalf("%s exited (%v) before connecting", p, p.exitError())
	case <-ctx.Done():
		t.Fatalf("waiting for %s to connect: %v", p, ctx.Err())
	}
	return accepted{}
}

// startHTTPServer serves with websocket.Accept under net/http.
func startHTTPServer(t *testing.T, opts *websocket.AcceptOptions) *ourServer {
	s := &ourServer{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, opts)
		offer := strings.Join(r.Header.Values("Sec-WebSocket-Extensions"), ", ")
		s.deliver(r.URL.Path, accepted{c: c, err: err, offer: offer})
	}))
	t.Cleanup(hs.Close)
	s.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	return s
}

// startRawServer serves with websocket.AcceptConn on a net.Listener.
func startRawServer(t *testing.T, opts *websocket.AcceptOptions) *ourServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &ourServer{url: "ws://" + ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				var path, offer string
				var o websocket.AcceptOptions
				if opts != nil {
					o = *opts
				}
				o.OnRequest = func(r *handshake.Request) error {
					target, _, _ := bytes.Cut(r.Target, []byte("?"))
					path = string(target)
					var offers []string
					for v := range r.Values("Sec-WebSocket-Extensions") {
						offers = append(offers, string(v))
					}
					offer = strings.Join(offers, ", ")
					return nil
				}
				c, err := websocket.AcceptConn(t.Context(), nc, &o)
				s.deliver(path, accepted{c: c, err: err, offer: offer})
			})
		}
	})
	return s
}
