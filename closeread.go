package websocket

import "context"

// CloseRead starts a goroutine that reads the connection for an
// application that only writes (a push feed, a ticker): it answers pings,
// completes the closing handshake when the peer closes, and fails the
// connection with [ClosePolicyViolation] if a data message arrives. The
// returned context is done once the connection is closed, so the writer
// can stop; its cause ([context.Cause]) is the error that ended the
// reading, a [*CloseError] when the peer closed.
//
// When ctx ends first, the goroutine stops reading and the returned
// context is done too, but the connection stays open: close it (with
// [CloseGoingAway] on shutdown, say) as the application sees fit.
//
// Do not read from c after calling CloseRead.
func (c *Conn) CloseRead(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		_, _, err := c.Reader(ctx)
		if err == nil {
			err = ErrUnexpectedData
			if lockErr := c.lockRead(context.Background()); lockErr == nil {
				err = c.fail(ErrUnexpectedData)
				c.readLock.unlock()
			}
		}
		cancel(err) // closed, failed, or ctx ended
	}()
	return ctx
}
