package main

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirefast/websocket"
)

//go:embed web
var webFS embed.FS

// serverConfig holds the server's settings, from the flags (see main.go
// for their meaning and defaults).
type serverConfig struct {
	maxConns        int           // open WebSocket connections; 0 means no limit
	queueLen        int           // messages waiting per counter/chat client
	writeTimeout    time.Duration // bound on writing one message
	closeTimeout    time.Duration // bound on one closing handshake
	shutdownTimeout time.Duration // bound on the whole graceful shutdown
	pingInterval    time.Duration // keepalive; 0 means none
	pongTimeout     time.Duration
	compress        bool // accept permessage-deflate (browsers offer it)

	timeMaxDelay time.Duration // /ws/time waits a random time below this between messages
	tickInterval time.Duration // /ws/tick's period

	chatMaxText int     // characters in one chat message
	chatRate    float64 // chat messages per second and client, on average
	chatBurst   int     // chat messages a client may send at once
}

// defaultServerConfig returns the defaults of every setting.
func defaultServerConfig() serverConfig {
	return serverConfig{
		maxConns:        10000,
		queueLen:        256,
		writeTimeout:    10 * time.Second,
		closeTimeout:    3 * time.Second,
		shutdownTimeout: 10 * time.Second,
		pingInterval:    20 * time.Second,
		pongTimeout:     20 * time.Second,
		compress:        true,
		timeMaxDelay:    3 * time.Second,
		tickInterval:    time.Second,
		chatMaxText:     500,
		chatRate:        2,
		chatBurst:       5,
	}
}

// Read limits of the demos, in bytes: a larger message closes the
// connection with 1009 (message too big) before it is read.
const (
	echoReadLimit    = 1 << 20
	helloReadLimit   = 256
	counterReadLimit = 256
	chatReadLimit    = 8 << 10
)

// server is the demo server: the pages, the WebSocket endpoints, /healthz
// and /metrics, and what they share.
type server struct {
	cfg     serverConfig
	log     *slog.Logger
	metrics *metrics
	hub     *hub
	bus     bus
	proc    string // prefix of the session ids (the Redis process id)

	nextID   atomic.Uint64
	reserved atomic.Int64 // connections counted against maxConns

	mu      sync.Mutex
	conns   map[*session]struct{} // open WebSocket connections
	closing bool                  // shutdown has begun
	active  sync.WaitGroup        // WebSocket handlers running
}

// newServer returns a server whose demos share state through b, which
// must deliver to h. proc prefixes the session ids.
func newServer(cfg serverConfig, log *slog.Logger, h *hub, b bus, proc string) *server {
	return &server{
		cfg:     cfg,
		log:     log,
		metrics: newMetrics(),
		hub:     h,
		bus:     b,
		proc:    proc,
		conns:   make(map[*session]struct{}),
	}
}

// handler returns the server's routes.
func (s *server) handler() http.Handler {
	pages, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embedded directory is there: a build bug
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(pages))
	mux.HandleFunc("GET /ws/echo", func(w http.ResponseWriter, r *http.Request) {
		s.accept(w, r, "echo", echoReadLimit, s.echo)
	})
	mux.HandleFunc("GET /ws/hello", func(w http.ResponseWriter, r *http.Request) {
		s.accept(w, r, "hello", helloReadLimit, s.hello)
	})
	mux.HandleFunc("GET /ws/time", func(w http.ResponseWriter, r *http.Request) {
		s.accept(w, r, "time", 0, s.time)
	})
	mux.HandleFunc("GET /ws/tick", s.serveTick)
	mux.HandleFunc("GET /ws/counter", func(w http.ResponseWriter, r *http.Request) {
		s.accept(w, r, "counter", counterReadLimit, s.counter)
	})
	mux.HandleFunc("GET /ws/chat", s.serveChat)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metrics)
	return mux
}

// healthz answers 200 "ok" while the server serves and its bus works, 503
// otherwise.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if err := s.bus.Ping(r.Context()); err != nil {
		http.Error(w, "bus: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// accept is the door of every WebSocket demo. It refuses the request with
// 503 when -max-conns connections are open (before upgrading, so the
// refusal costs little), upgrades, keeps track of the connection for the
// shutdown, logs and counts it, and runs serve until the connection ends.
// readLimit 0 means the library's default.
//
// With compression on, a broadcast is still encoded once: the prepared
// message compresses once per negotiated window size and every receiver
// that negotiated it gets the same bytes.
func (s *server) accept(w http.ResponseWriter, r *http.Request, demo string, readLimit int64,
	serve func(ctx context.Context, sess *session) error) {
	if !s.reserve() {
		s.metrics.rejected.Add(1)
		s.log.Warn("connection refused: too many connections", "demo", demo,
			"remote", r.RemoteAddr, "max_conns", s.cfg.maxConns)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "wsdemo: too many connections, try again later", http.StatusServiceUnavailable)
		return
	}
	defer s.reserved.Add(-1)
	m := s.metrics.demo[demo]
	ws := websocket.Server{
		// The pages are served by this server, so the default Origin check
		// (same host only) admits them and keeps other sites out.
		Options: &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{
			ReadLimit:    readLimit,
			CloseTimeout: s.cfg.closeTimeout,
			PingInterval: s.cfg.pingInterval,
			PongTimeout:  s.cfg.pongTimeout,
			Compression:  s.compression(),
		}},
		Handler: func(ctx context.Context, c *websocket.Conn) {
			id := peerID(s.proc, s.nextID.Add(1))
			sess := &session{
				id:           id,
				conn:         c,
				m:            m,
				log:          s.log.With("demo", demo, "conn", id),
				writeTimeout: s.cfg.writeTimeout,
			}
			if !s.track(sess) {
				// The shutdown began during the handshake.
				_ = sess.close(websocket.CloseGoingAway, "server shutting down")
				return
			}
			defer s.untrack(sess)
			m.accepted.Add(1)
			m.open.Add(1)
			defer m.open.Add(-1)
			sess.log.Info("connect", "remote", r.RemoteAddr, "path", r.URL.RequestURI())
			start := time.Now()
			err := serve(ctx, sess)
			logDisconnect(sess, err, time.Since(start))
		},
		OnError: func(r *http.Request, err error) {
			s.log.Warn("handshake failed", "demo", demo, "remote", r.RemoteAddr, "err", err)
		},
	}
	s.active.Add(1)
	defer s.active.Done()
	ws.ServeHTTP(w, r)
}

// logDisconnect logs the end of sess, which err ended, after d.
func logDisconnect(sess *session, err error, d time.Duration) {
	attrs := []any{"code", "unknown"} // the handler's context ended first
	if code, ok := sess.closeCode(err); ok {
		attrs = []any{"code", int(code)}
	}
	attrs = append(attrs, "duration", d.Round(time.Millisecond))
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		if ce.Reason != "" {
			attrs = append(attrs, "reason", ce.Reason)
		}
	case err != nil && !errors.Is(err, websocket.ErrClosed) && !errors.Is(err, context.Canceled):
		attrs = append(attrs, "err", err) // no close frame: what happened instead
	}
	sess.log.Info("disconnect", attrs...)
}

// reserve counts a connection against -max-conns, reporting false when
// the limit is reached.
func (s *server) reserve() bool {
	n := s.reserved.Add(1)
	if s.cfg.maxConns > 0 && n > int64(s.cfg.maxConns) {
		s.reserved.Add(-1)
		return false
	}
	return true
}

// track adds an open connection, unless the server is shutting down.
func (s *server) track(sess *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[sess] = struct{}{}
	return true
}

func (s *server) untrack(sess *session) {
	s.mu.Lock()
	delete(s.conns, sess)
	s.mu.Unlock()
}

// serve serves HTTP on ln until ctx is done, then shuts down gracefully
// (see shutdown) and returns.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	closeUnused := trackUnusedConns(srv)
	srv.RegisterOnShutdown(closeUnused)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.shutdown(srv, errc)
		return err
	case <-ctx.Done():
	}
	return s.shutdown(srv, errc)
}

// shutdown stops the server within cfg.shutdownTimeout: it stops
// accepting, sends every client a close frame with 1001 (going away), all
// at once, waits for the handlers to finish, drops whatever is still open
// when the time is up, and closes the bus.
func (s *server) shutdown(srv *http.Server, errc chan error) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.shutdownTimeout)
	defer cancel()
	s.mu.Lock()
	s.closing = true
	open := make([]*session, 0, len(s.conns))
	for sess := range s.conns {
		open = append(open, sess)
	}
	s.mu.Unlock()
	s.log.Info("shutting down", "connections", len(open), "timeout", s.cfg.shutdownTimeout)
	for _, sess := range open {
		go sess.close(websocket.CloseGoingAway, "server shutting down")
	}
	// Shutdown closes the listener and waits for plain HTTP requests and
	// handshakes in progress; upgraded connections are ours to wait for.
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close() // out of time: drop the plain HTTP requests still running
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("serve", "err", err)
	}
	done := make(chan struct{})
	go func() {
		s.active.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.mu.Lock()
		n := len(s.conns)
		for sess := range s.conns {
			sess.conn.CloseNow()
		}
		s.mu.Unlock()
		s.log.Warn("shutdown timeout: connections dropped", "connections", n)
		<-done
	}
	if cerr := s.bus.Close(); cerr != nil {
		s.log.Error("closing the bus", "err", cerr)
	}
	s.log.Info("stopped", "duration", time.Since(start).Round(time.Millisecond))
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil // reported above
	}
	return err
}

// trackUnusedConns keeps track of srv's connections that have not sent a
// byte yet, and returns a func that closes them. http.Server.Shutdown
// waits up to 5 seconds for such connections, and browsers open them
// ahead of need (Chromium's preconnect): closing them at shutdown is safe,
// since they carry no request, and saves those seconds.
func trackUnusedConns(srv *http.Server) (closeUnused func()) {
	var mu sync.Mutex
	unused := make(map[net.Conn]struct{})
	srv.ConnState = func(nc net.Conn, state http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		if state == http.StateNew {
			unused[nc] = struct{}{}
		} else {
			delete(unused, nc)
		}
	}
	return func() {
		mu.Lock()
		conns := make([]net.Conn, 0, len(unused))
		for nc := range unused {
			conns = append(conns, nc)
		}
		mu.Unlock()
		for _, nc := range conns {
			nc.Close()
		}
	}
}

// randomDelay returns a random duration in [0, max).
func randomDelay(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max)
}

// compression returns the permessage-deflate settings of the demos: off,
// or on with context takeover at the library's default server window (12
// bits, 12.5 KB per connection), which suits small JSON messages that
// repeat their keys. Clients that do not offer it are served uncompressed.
func (s *server) compression() *websocket.CompressionOptions {
	if !s.cfg.compress {
		return nil
	}
	return &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover}
}
