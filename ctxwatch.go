package websocket

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// ctxWatch makes the end of a call's context interrupt the call's
// blocking I/O in one direction, by setting a past read (or write)
// deadline. A Conn has one per direction; the calls of a direction are
// serialized (by the read lock, or the frame lock), so one call at a
// time is between begin and end.
//
// Registering a callback on a context costs about 400 ns and several
// allocations, too much per message. So a context used by two calls in
// a row, as by a loop reading with one request context, stays watched
// after its call: the calls after it cost two uncontended lock
// operations. A context used once (context.WithTimeout per call) is
// watched for its call only, so that canceling it afterwards costs
// nothing. A context that cannot end costs nothing at all. A context
// still watched holds the Conn until the context ends or the connection
// is closed, so a Conn dropped without being closed lives as long as the
// context it last read with.
//
// A Conn holds one per direction in a watchSlot, made on first use.
type ctxWatch struct {
	c *Conn

	// lastDone is the Done channel of the previous call's context, to
	// tell when a context repeats. Only the calling goroutine, between
	// begin and end, uses it.
	lastDone <-chan struct{}

	mu          sync.Mutex
	ctx         context.Context // the context watched; nil when none
	unregister  func() bool     // stops the callback on ctx
	write       bool            // set write deadlines, not read deadlines
	done        bool            // the callback ran: ctx has ended
	busy        bool            // a call under ctx is between begin and end
	interrupted bool            // the past deadline is set for the current call
	closed      bool            // the connection is closed: watch nothing past its call
}

// watchSlot is where a Conn keeps one direction's ctxWatch, made on the
// first call whose context can end. Connections that only ever use
// contexts that cannot end (Receive mode, context.Background) never make
// one, and a Conn stays in a smaller size class (896 bytes rather than
// 1,024), which matters to a server holding many idle connections.
type watchSlot struct{ atomic.Pointer[ctxWatch] }

// begin watches ctx for a call of c in one direction (write or read),
// making the slot's ctxWatch if needed.
func (s *watchSlot) begin(c *Conn, write bool, ctx context.Context) {
	if ctx.Done() == nil {
		return
	}
	w := s.Load()
	if w == nil {
		w = &ctxWatch{c: c, write: write}
		s.Store(w)
		if c.isClosed() {
			// closeTCP records the cause before it looks at the slot, so
			// either it saw w, or w sees the connection closed.
			w.close()
		}
	}
	w.begin(ctx)
}

// end ends the call begun with ctx; see ctxWatch.end.
func (s *watchSlot) end(ctx context.Context) (interrupted bool) {
	if w := s.Load(); w != nil {
		return w.end(ctx)
	}
	return false
}

// close stops watching when the connection is closed.
func (s *watchSlot) close() {
	if w := s.Load(); w != nil {
		w.close()
	}
}

// set sets the deadline of the watched direction.
func (w *ctxWatch) set(t time.Time) error {
	if w.write {
		return w.c.rb.nc.SetWriteDeadline(t)
	}
	return w.c.rb.nc.SetReadDeadline(t)
}

// begin watches ctx for a call starting now. A context that is already
// done interrupts the call at once: its I/O fails unless buffered data
// satisfies it.
func (w *ctxWatch) begin(ctx context.Context) {
	if ctx.Done() == nil {
		return
	}
	w.mu.Lock()
	if w.ctx != ctx {
		w.stopLocked()
		w.ctx = ctx
		w.unregister = context.AfterFunc(ctx, w.fire)
	}
	w.busy = true
	if (w.done || ctx.Err() != nil) && !w.interrupted {
		_ = w.set(aLongTimeAgo)
		w.interrupted = true
	}
	w.mu.Unlock()
}

// end ends the call begun with ctx and reports whether ctx interrupted
// it, in which case it clears the past deadline.
func (w *ctxWatch) end(ctx context.Context) (interrupted bool) {
	done := ctx.Done()
	if done == nil {
		return false
	}
	// Contexts with one Done channel end together (a WithValue context
	// and its parent): one of them repeating the other is a repeat.
	repeated := done == w.lastDone
	w.lastDone = done
	w.mu.Lock()
	w.busy = false
	interrupted = w.interrupted
	if interrupted {
		_ = w.set(time.Time{})
		w.interrupted = false
	}
	if !repeated || w.closed {
		w.stopLocked()
	}
	w.mu.Unlock()
	return interrupted
}

// fire is the callback run when the watched context ends.
func (w *ctxWatch) fire() {
	w.mu.Lock()
	// A callback of a context no longer watched may run late; it finds
	// w.ctx not done, unless that one ended too, which justifies setting
	// the deadline all the same.
	if w.ctx != nil && w.ctx.Err() != nil {
		w.done = true
		if w.busy && !w.interrupted {
			_ = w.set(aLongTimeAgo)
			w.interrupted = true
		}
	}
	w.mu.Unlock()
}

// close stops watching when the connection is closed, so that a
// long-lived context does not keep the Conn alive.
func (w *ctxWatch) close() {
	w.mu.Lock()
	w.closed = true
	if !w.busy {
		w.stopLocked()
	}
	w.mu.Unlock()
}

// stopLocked stops watching w.ctx. w.mu is held; no call is in progress.
func (w *ctxWatch) stopLocked() {
	if w.ctx != nil {
		w.unregister()
		w.ctx, w.unregister, w.done = nil, nil, false
	}
}

// aLongTimeAgo is a deadline in the past, which interrupts blocked I/O.
var aLongTimeAgo = time.Unix(1, 0)
