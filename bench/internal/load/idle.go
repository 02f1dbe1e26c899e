package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/wirefast/websocket/bench/internal/rawws"
)

// Idle-load settings.
const (
	// idleDialers is how many goroutines open the idle connections.
	idleDialers = 16
	// idleMessageSize is the payload of the one echo per connection, in
	// bytes.
	idleMessageSize = 16
	// idleReadBuffer is the read buffer of an idle connection, in bytes:
	// enough for the handshake response line by line.
	idleReadBuffer = 512
	// idleEchoTimeout bounds the echo of one idle connection.
	idleEchoTimeout = 30 * time.Second
)

// Idle opens n connections to addr (upgraded when proto is
// ProtoWebSocket) and holds them. It writes "ready" to out once all are
// open; then each line "echo" read from in makes it send one 16-byte
// message on every connection and wait for every echo, after which it
// writes "echoed". It returns when in reaches its end, closing the
// connections.
func Idle(addr, proto string, n int, in io.Reader, out io.Writer) error {
	conns := make([]idleConn, n)
	if err := forAll(n, func(i int) error {
		var err error
		conns[i], err = dialIdle(addr, proto)
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
	frame := Payload(idleMessageSize, false)
	if proto == ProtoWebSocket {
		frame = rawws.AppendFrame(nil, rawws.OpBinary, frame, true, [4]byte{1, 2, 3, 4})
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "echo" {
			return fmt.Errorf("load: idle: unknown command %q", sc.Text())
		}
		if err := forAll(n, func(i int) error { return conns[i].echo(proto, frame) }); err != nil {
			return err
		}
		fmt.Fprintln(out, "echoed")
	}
	return sc.Err()
}

// forAll runs f(0) to f(n-1) on idleDialers goroutines and returns the
// first error.
func forAll(n int, f func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, idleDialers)
	for g := range idleDialers {
		wg.Go(func() {
			for i := g; i < n; i += idleDialers {
				if err := f(i); err != nil {
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

type idleConn struct {
	nc net.Conn
	br *bufio.Reader
}

func dialIdle(addr, proto string) (idleConn, error) {
	nc, err := net.DialTimeout("tcp", addr, handshakeTimeout)
	if err != nil {
		return idleConn{}, fmt.Errorf("load: idle: %w", err)
	}
	c := idleConn{nc: nc}
	if proto == ProtoWebSocket {
		c.br, err = rawws.Handshake(nc, "/", idleReadBuffer, handshakeTimeout)
	} else {
		c.br = bufio.NewReaderSize(nc, idleReadBuffer)
	}
	if err != nil {
		nc.Close()
		return idleConn{}, fmt.Errorf("load: idle: %w", err)
	}
	return c, nil
}

// echo sends frame and reads its echo.
func (c idleConn) echo(proto string, frame []byte) error {
	_ = c.nc.SetDeadline(time.Now().Add(idleEchoTimeout))
	defer c.nc.SetDeadline(time.Time{})
	if _, err := c.nc.Write(frame); err != nil {
		return fmt.Errorf("load: idle: write: %w", err)
	}
	var buf [idleMessageSize]byte
	var err error
	if proto == ProtoWebSocket {
		var msg []byte
		if _, msg, err = rawws.ReadMessage(c.br, buf[:0], idleMessageSize); err == nil && len(msg) != idleMessageSize {
			err = fmt.Errorf("echo of %d bytes, sent %d", len(msg), idleMessageSize)
		}
	} else {
		_, err = io.ReadFull(c.br, buf[:])
	}
	if err != nil {
		return fmt.Errorf("load: idle: read: %w", err)
	}
	return nil
}
