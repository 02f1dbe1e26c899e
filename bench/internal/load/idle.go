package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Idle-load settings.
const (
	// idleDialers is how many goroutines open the idle connections, and
	// echo on them.
	idleDialers = 16
	// idleReadBuffer is the read buffer of an idle connection, in bytes:
	// enough for the handshake response line by line.
	idleReadBuffer = 512
	// idleEchoTimeout bounds the echo of one idle connection.
	idleEchoTimeout = 30 * time.Second
)

// IdleConfig describes an idle load: connections held open, each echoing
// one message on demand.
type IdleConfig struct {
	Addr  string // host:port of the server
	Proto string // ProtoWebSocket or ProtoTCP (no framing)
	Conns int    // connections to hold, at least 1
	// Compress negotiates permessage-deflate without context takeover
	// (rawws.DeflateOffer) on every connection, and makes the echo a
	// compressed text message of IdleDeflateSize bytes whose echo must
	// come back compressed and inflate to the message sent. A server
	// that declines fails the load (rawws.ErrDeflateDeclined).
	// WebSocket only.
	Compress bool
}

func (c *IdleConfig) check() error {
	switch {
	case c.Proto != ProtoWebSocket && c.Proto != ProtoTCP:
		return fmt.Errorf("load: idle: protocol %q is not %q or %q", c.Proto, ProtoWebSocket, ProtoTCP)
	case c.Conns < 1:
		return fmt.Errorf("load: idle: %d connections, want at least 1", c.Conns)
	case c.Compress && c.Proto != ProtoWebSocket:
		return fmt.Errorf("load: idle: compression needs protocol %q", ProtoWebSocket)
	}
	return nil
}

// Idle opens cfg.Conns connections to cfg.Addr (upgraded when cfg.Proto
// is ProtoWebSocket) and holds them. It writes "ready" to out once all
// are open; then each line "echo" read from in makes it send one message
// on every connection (16 bytes, or with cfg.Compress IdleDeflateSize
// compressed) and wait for every echo, after which it writes "echoed".
// It returns when in reaches its end, closing the connections.
func Idle(cfg IdleConfig, in io.Reader, out io.Writer) error {
	if err := cfg.check(); err != nil {
		return err
	}
	conns := make([]idleConn, cfg.Conns)
	if err := forAll(cfg.Conns, func(_, i int) error {
		var err error
		conns[i], err = dialIdle(cfg)
		return err
	}); err != nil {
		return err
	}
	defer func() {
		for _, c := range conns {
			c.nc.Close()
		}
	}()
	fmt.Fprintln(out, "ready")
	msg := newIdleMessage(cfg.Proto, cfg.Compress)
	bufs := make([]echoBuffers, idleDialers)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "echo" {
			return fmt.Errorf("load: idle: unknown command %q", sc.Text())
		}
		if err := forAll(cfg.Conns, func(g, i int) error { return conns[i].echo(msg, &bufs[g]) }); err != nil {
			return err
		}
		fmt.Fprintln(out, "echoed")
	}
	return sc.Err()
}

// forAll runs f(g, 0) to f(g, n-1) on idleDialers goroutines, g being the
// goroutine's number (0 to idleDialers-1), and returns the first error.
func forAll(n int, f func(g, i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, idleDialers)
	for g := range idleDialers {
		wg.Go(func() {
			for i := g; i < n; i += idleDialers {
				if err := f(g, i); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// idleConn is one held connection.
type idleConn struct {
	nc net.Conn
	br *bufio.Reader
}

// dialIdle opens one connection of cfg.
func dialIdle(cfg IdleConfig) (idleConn, error) {
	nc, br, err := openConn(cfg.Addr, cfg.Proto, cfg.Compress, idleReadBuffer)
	if err != nil {
		return idleConn{}, fmt.Errorf("load: idle: %w", err)
	}
	return idleConn{nc: nc, br: br}, nil
}

// echo sends msg and reads its echo into bufs.
func (c idleConn) echo(msg idleMessage, bufs *echoBuffers) error {
	_ = c.nc.SetDeadline(time.Now().Add(idleEchoTimeout))
	defer c.nc.SetDeadline(time.Time{})
	if _, err := c.nc.Write(msg.frame); err != nil {
		return fmt.Errorf("load: idle: write: %w", err)
	}
	if err := msg.readEcho(c.br, bufs); err != nil {
		return fmt.Errorf("load: idle: read: %w", err)
	}
	return nil
}
