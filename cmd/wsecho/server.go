package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/handshake"
)

// shutdownTimeout bounds a graceful shutdown: closing handshakes take at
// most websocket.DefaultCloseTimeout, and a connection cut mid-message is
// dropped at once.
const shutdownTimeout = websocket.DefaultCloseTimeout + 5*time.Second

// serverName is the Server header of the handshake response, which
// Autobahn clients report as the agent under test.
const serverName = "wirefast-wsecho"

// server is the echo server, over net/http or over a raw listener.
type server struct {
	raw   bool
	echo  func(context.Context, *websocket.Conn) error // echo, echoStream or echoReceive
	opts  *websocket.AcceptOptions
	log   *log.Logger
	conns connGroup
}

func newServer(cfg *config, stderr io.Writer) *server {
	limit := cfg.readLimit
	if limit <= 0 {
		limit = -1 // ConnOptions: negative means no limit
	}
	logOut := io.Discard
	if cfg.verbose {
		logOut = stderr
	}
	s := &server{
		raw:  cfg.raw,
		echo: echo,
		opts: &websocket.AcceptOptions{
			ConnOptions:    websocket.ConnOptions{ReadLimit: limit, CoalesceWrites: cfg.coalesce},
			OriginPatterns: []string{"*"}, // a test server: any page may connect
			Header:         http.Header{"Server": {serverName}},
		},
		log: log.New(logOut, "wsecho: ", log.LstdFlags|log.Lmicroseconds),
	}
	switch {
	case cfg.stream:
		s.echo = echoStream
	case cfg.receive:
		s.echo = echoReceive
	}
	if cfg.compress {
		s.opts.Compression = &websocket.CompressionOptions{
			Mode:                websocket.CompressionContextTakeover,
			ServerMaxWindowBits: 15,
			ClientMaxWindowBits: 15,
		}
	}
	return s
}

// serve serves WebSocket echo on ln until ctx is done, then shuts down
// gracefully: ln is closed, every connection is closed with
// CloseGoingAway, and serve returns once they are all gone. It closes ln.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	var err error
	if s.raw {
		err = s.serveRaw(ctx, ln)
	} else {
		err = s.serveHTTP(ctx, ln)
	}
	if werr := s.conns.wait(shutdownTimeout); err == nil {
		err = werr
	}
	return err
}

// serveHTTP serves through net/http and websocket.Accept.
func (s *server) serveHTTP(ctx context.Context, ln net.Listener) error {
	ws := websocket.Server{Options: s.opts, Handler: s.echoConn, OnError: s.handshakeError}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		if !s.conns.enter() {
			http.Error(w, "server shutting down", http.StatusServiceUnavailable)
			return
		}
		defer s.conns.leave()
		ws.ServeHTTP(w, r)
	})
	hs := &http.Server{
		Handler: mux,
		// Handlers' contexts end with ctx, which tells them to close.
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: websocket.DefaultHandshakeTimeout,
		ErrorLog:          s.log,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Shutdown closes the listener and waits for requests still in their
	// handshake; upgraded connections are the server's to close.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	return err
}

// serveRaw serves from a plain listener with websocket.AcceptConn.
func (s *server) serveRaw(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	opts := *s.opts
	opts.OnRequest = rootPathOnly
	var delay time.Duration // backoff after a failed Accept, as net/http does
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Printf("accept: %v; retrying in %v", err, delay)
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return nil
			}
			continue
		}
		delay = 0
		if !s.conns.enter() {
			nc.Close()
			continue
		}
		go func() {
			defer s.conns.leave()
			c, err := websocket.AcceptConn(ctx, nc, &opts)
			if err != nil {
				s.log.Printf("%s: handshake: %v", nc.RemoteAddr(), err)
				return
			}
			s.echoConn(ctx, c)
			c.CloseNow() // already closed unless echo ended in an odd way
		}()
	}
}

// rootPathOnly rejects requests for another path than / with 404, as
// the net/http path's ServeMux does.
func rootPathOnly(r *handshake.Request) error {
	u, err := url.ParseRequestURI(string(r.Target))
	if err != nil || (u.Path != "/" && u.Path != "") {
		return &handshake.Error{Status: http.StatusNotFound, Reason: "not found"}
	}
	return nil
}

// echoConn runs the echo on c. When ctx ends (the server shuts down)
// between messages, c is closed with CloseGoingAway.
func (s *server) echoConn(ctx context.Context, c *websocket.Conn) {
	s.log.Printf("%s: connected", c.RemoteAddr())
	err := s.echo(ctx, c)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = c.Close(websocket.CloseGoingAway, "server shutting down")
		if err == nil {
			err = errors.New("closed: server shutting down")
		}
	}
	s.log.Printf("%s: %v", c.RemoteAddr(), err)
}

func (s *server) handshakeError(r *http.Request, err error) {
	s.log.Printf("%s: handshake: %v", r.RemoteAddr, err)
}

// connGroup counts the connections being served, so that shutdown can
// wait for them.
type connGroup struct {
	mu      sync.Mutex
	closing bool // no connection may enter; set before wg.Wait
	wg      sync.WaitGroup
}

// enter registers a connection. It reports false once shutdown has begun;
// the caller then drops the connection.
func (g *connGroup) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.wg.Add(1)
	return true
}

// leave unregisters a connection that entered.
func (g *connGroup) leave() { g.wg.Done() }

// wait refuses new connections and waits up to timeout for the current
// ones to leave.
func (g *connGroup) wait(timeout time.Duration) error {
	g.mu.Lock()
	g.closing = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return fmt.Errorf("connections still open after %v", timeout)
	}
}
