package websocket

import (
	"context"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/wirefast/websocket/internal/netpoll"
	"github.com/wirefast/websocket/protocol"
)

// CloseCode is a close status code (RFC 6455, Section 7.4).
type CloseCode = protocol.CloseCode

// Close codes (RFC 6455, Section 7.4.1, and the IANA registry). Codes
// 3000-3999 are for libraries and frameworks, 4000-4999 for applications.
const (
	CloseNormal             = protocol.CloseNormal
	CloseGoingAway          = protocol.CloseGoingAway
	CloseProtocolError      = protocol.CloseProtocolError
	CloseUnsupportedData    = protocol.CloseUnsupportedData
	CloseNoStatus           = protocol.CloseNoStatus
	CloseAbnormal           = protocol.CloseAbnormal
	CloseInvalidPayload     = protocol.CloseInvalidPayload
	ClosePolicyViolation    = protocol.ClosePolicyViolation
	CloseMessageTooBig      = protocol.CloseMessageTooBig
	CloseMandatoryExtension = protocol.CloseMandatoryExtension
	CloseInternalError      = protocol.CloseInternalError
	CloseServiceRestart     = protocol.CloseServiceRestart
	CloseTryAgainLater      = protocol.CloseTryAgainLater
	CloseBadGateway         = protocol.CloseBadGateway
)

// CloseError is the close frame the peer sent. Read and the other read
// methods return it once the peer has closed the connection. Code is
// [CloseNoStatus] when the frame carried no code.
type CloseError struct {
	Code   CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	s := "websocket: peer closed the connection: " + strconv.Itoa(int(e.Code)) + " (" + e.Code.String() + ")"
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// CloseStatus returns the code of the [*CloseError] in err's chain, or 0
// when there is none (the connection ended without a close frame from the
// peer, or err is another error).
func CloseStatus(err error) CloseCode {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

// Close performs the closing handshake (RFC 6455, Section 7): it sends a
// close frame with code and reason, waits for the peer's close frame, and
// closes the TCP connection. A server closes TCP as soon as the handshake
// is done; a client first gives the server the chance to do so (Section
// 7.1.1). The whole exchange is bounded by the close timeout
// ([DefaultCloseTimeout] unless set in the options); when the peer does
// not answer in time, the connection is dropped and Close returns
// [ErrCloseTimeout].
//
// Code must be valid on the wire (1000-1003, 1007-1014, 3000-4999) or
// [CloseNoStatus] with an empty reason to send a close frame without a
// code; the reason must be valid UTF-8 of at most 123 bytes. Close is
// safe to call from any goroutine, concurrently with reads and writes;
// once the connection is closed it returns [ErrClosed].
func (c *Conn) Close(code CloseCode, reason string) error {
	payload, err := protocol.AppendClosePayload(nil, code, reason)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(c.closeTimeout)
	sent, err := c.sendClose(payload, deadline)
	if !sent {
		if err == nil {
			err = ErrClosed
		}
		return err
	}
	if err != nil {
		// The frame did not go out in time: a write is stuck behind a
		// peer that does not read. Dropping TCP unblocks it.
		if errors.Is(err, context.DeadlineExceeded) {
			err = ErrCloseTimeout
		}
		c.closeTCP(err)
		return err
	}
	// Wait for the peer's close frame: read it ourselves when nobody is
	// reading (or once the reader stops), otherwise let the reader see it.
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	switch c.readLock.lockOr(c.closed(), timer.C) {
	case lockAcquired:
		if c.readErr == nil {
			c.readErr = ErrClosed
			_ = c.rb.nc.SetReadDeadline(deadline)
			c.awaitPeerClose()
		}
		c.finishClose(deadline)
		c.readLock.unlock()
	case lockTimeout:
		c.closeTCP(ErrCloseTimeout)
	}
	if !c.closeRecvd.Load() {
		c.closeTCP(ErrCloseTimeout)
		return ErrCloseTimeout
	}
	return nil
}

// CloseNow closes the TCP connection without a closing handshake. Pending
// and later reads and writes return [ErrClosed]. It returns [ErrClosed]
// when the connection was already closed.
func (c *Conn) CloseNow() error {
	if !c.closeTCP(ErrClosed) {
		return ErrClosed
	}
	return nil
}

// sendClose writes our close frame unless one has been sent. It reports
// whether this call sent it.
func (c *Conn) sendClose(payload []byte, deadline time.Time) (bool, error) {
	c.closeMu.Lock()
	if c.closeSent.Load() {
		c.closeMu.Unlock()
		return false, nil
	}
	c.closeSent.Store(true)
	c.closeMu.Unlock()
	if c.isClosed() {
		return false, nil
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	return true, c.writeFrame(ctx, true, 0, protocol.OpClose, payload)
}

// gotClose handles the peer's close frame with payload p (reader side).
func (c *Conn) gotClose(p []byte) error {
	code, reason, err := protocol.DecodeClosePayload(p)
	if err != nil {
		// A malformed close frame is still the peer's close frame: fail
		// the connection without waiting for another one.
		c.recordPeerClose()
		return c.fail(err)
	}
	ce := &CloseError{Code: code, Reason: reason}
	c.readErr = ce
	c.recordPeerClose()
	deadline := time.Now().Add(c.closeTimeout)
	var echo []byte
	if code != CloseNoStatus {
		echo, _ = protocol.AppendClosePayload(nil, code, "")
	}
	_, _ = c.sendClose(echo, deadline)
	c.finishClose(deadline)
	return ce
}

// recordPeerClose notes that the peer's close frame has arrived.
func (c *Conn) recordPeerClose() {
	c.closeRecvd.Store(true)
}

// fail fails the connection after a protocol violation by the peer (RFC
// 6455, Section 7.1.7): it sends a close frame with the violation's code,
// waits a bounded time for the peer's close frame, and closes TCP. The
// caller holds the read lock.
func (c *Conn) fail(err error) error {
	if c.readErr != nil {
		return c.readErr
	}
	c.readErr = err
	var pe *protocol.Error
	code, reason := CloseInternalError, ""
	if errors.As(err, &pe) {
		code, reason = pe.Code, pe.Reason
	}
	payload, _ := protocol.AppendClosePayload(nil, code, reason)
	deadline := time.Now().Add(c.closeTimeout)
	if sent, _ := c.sendClose(payload, deadline); sent {
		_ = c.rb.nc.SetReadDeadline(deadline)
		c.awaitPeerClose()
	}
	c.finishClose(deadline)
	return err
}

// awaitPeerClose reads and drops frames until the peer's close frame, an
// error or the read deadline. The caller holds the read lock and has sent
// its close frame.
func (c *Conn) awaitPeerClose() {
	for !c.closeRecvd.Load() {
		if c.frameLeft > 0 {
			if c.skipPayload() != nil {
				return
			}
		}
		var h protocol.Header
		if c.readHeader(&h) != nil {
			return
		}
		if h.Opcode != protocol.OpClose {
			c.frame, c.frameLeft = h, h.Length
			continue
		}
		if h.Length <= protocol.MaxControlPayload {
			c.rb.consume(int(h.Length))
		}
		c.recordPeerClose()
	}
}

// finishClose ends the connection once close frames have been exchanged
// (or the exchange failed). A server closes TCP at once; a client waits
// until the deadline for the server to close it first (RFC 6455, Section
// 7.1.1). The caller holds the read lock.
func (c *Conn) finishClose(deadline time.Time) {
	if c.role == protocol.RoleClient && c.closeRecvd.Load() {
		_ = c.rb.nc.SetReadDeadline(deadline)
		for c.rb.fill() == nil {
			c.rb.consume(len(c.rb.buffered()))
		}
	}
	c.rb.pos = c.rb.end
	c.rb.release()
	c.closeTCP(c.readErr)
}

// closeTCP closes the network connection once, recording cause as the
// reason later calls report. It reports whether this call closed it.
func (c *Conn) closeTCP(cause error) bool {
	closed := false
	c.closeOnce.Do(func() {
		closed = true
		if cause == nil {
			cause = ErrClosed
		}
		// The cause goes first, so that I/O failing once nc is closed, and
		// isClosed, see it.
		c.cause.Store(&cause)
		c.closeMu.Lock()
		if c.closedCh != nil {
			close(c.closedCh)
		}
		receiving := c.receive != nil
		c.closeMu.Unlock()
		if receiving && c.pollFD >= 0 {
			// The poller must forget the descriptor before it is closed; a
			// receiver waiting on it runs now to report the end.
			if p, err := netpoll.Default(); err == nil {
				if f := p.Remove(int(c.pollFD), c.pollOwner); f != nil {
					go f()
				}
			}
		}
		_ = c.rb.nc.Close()
		c.rwatch.close()
		c.wwatch.close()
		c.stopKeepalive()
		c.releaseCompression()
		c.closeMu.Lock()
		onClose := c.onClose
		c.closeMu.Unlock()
		if onClose != nil {
			onClose()
		}
	})
	return closed
}

// setOnClose arranges for f to run once the connection is closed, or
// runs it now if it already is.
func (c *Conn) setOnClose(f func()) {
	c.closeMu.Lock()
	c.onClose = f
	c.closeMu.Unlock()
	if c.isClosed() {
		f()
	}
}

// isClosed reports whether the TCP connection has been closed, or is
// being closed.
func (c *Conn) isClosed() bool { return c.cause.Load() != nil }

// closed returns a channel that is closed once the TCP connection is.
// Only calls that wait for it make it: an idle connection does not hold
// one.
func (c *Conn) closed() <-chan struct{} {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closedCh == nil {
		if c.isClosed() {
			// closeTCP may not have looked for a channel yet: leave it
			// none to close.
			return closedChan
		}
		c.closedCh = make(chan struct{})
	}
	return c.closedCh
}

// closedChan is a closed channel, for waits that begin once the
// connection is closed.
var closedChan = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()

// closeCause returns why the connection was closed locally, or nil.
func (c *Conn) closeCause() error {
	if p := c.cause.Load(); p != nil {
		return *p
	}
	return nil
}

// ErrClosed is returned by reads, writes and Close on a connection that
// has been closed by [Conn.Close] or [Conn.CloseNow]. It matches
// net.ErrClosed with errors.Is.
var ErrClosed error = &closedError{}

type closedError struct{}

func (*closedError) Error() string { return "websocket: connection closed" }
func (*closedError) Unwrap() error { return net.ErrClosed }
