package websocket

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/wirefast/websocket/internal/bufpool"
)

// NetConn returns a net.Conn that carries a byte stream over c in data
// messages of type typ, for code written against net.Conn (TLS, SSH, a
// stream multiplexer) tunnelled over WebSocket. It panics if typ is
// neither [MessageText] nor [MessageBinary].
//
// Write(p) sends p as one message of type typ; a zero-length Write sends
// nothing. Read returns the payloads of the incoming messages as one
// continuous stream: message boundaries are not preserved, empty messages
// vanish, and a large message is streamed frame by frame, never held
// whole. Since no message is held, NetConn lifts c's read limit (see
// [Conn.SetReadLimit]); set one again afterwards to keep it. A message of
// the other type ends the stream: the connection is closed with
// [CloseUnsupportedData] (1003) and Read returns [ErrUnexpectedType]. With
// [MessageText] the stream must be UTF-8 as a whole, as every message
// must be, but a Write may end in the middle of a character: its first
// bytes are then held back and sent with the next Write.
//
// Read returns io.EOF once the peer has closed the connection with
// [CloseNormal] (1000) or [CloseGoingAway] (1001), and the [*CloseError]
// for any other close code. LocalAddr and RemoteAddr are those of c.
//
// Close performs the closing handshake with CloseNormal, within the close
// timeout of c's options: pending Reads and Writes return [ErrClosed] at
// once, as do later calls; data arriving meanwhile is dropped; a message
// still being written (see below) goes out before the close frame. Close
// returns nil when the connection was already closed, by the peer for
// instance, and [ErrClosed] when called again.
//
// # Deadlines
//
// SetDeadline, SetReadDeadline and SetWriteDeadline behave as net.Conn
// documents: once a deadline has passed, pending and later calls in its
// direction fail with an error that wraps os.ErrDeadlineExceeded and is a
// net.Error whose Timeout method reports true, until the deadline is
// moved to the future or cleared with the zero time. Moving a deadline
// affects calls already blocked.
//
// A deadline never breaks the WebSocket connection, even in the middle of
// a message. A Read it interrupts leaves the rest of the message to the
// next Read. A Write it interrupts has handed its message to the
// connection already, and a frame cannot be cut short: Write returns
// len(p) with the timeout error, the message is finished in the
// background, and the next Write waits for it (within its own deadline).
// For this, Write copies p, so p may be reused as soon as Write returns,
// and the frame is written by a short-lived goroutine.
//
// # Context
//
// ctx bounds the returned net.Conn: once it is done, Read and Write
// return its error. Unlike a deadline it interrupts the connection's own
// calls, so if it ends while a message is partly written, the connection
// is dropped, as [Conn.Write] describes.
//
// # Concurrency
//
// The returned net.Conn may be used by several goroutines: Reads are
// serialized among themselves, Writes too, and Close and the deadline
// setters may be called at any time. Do not read from c once NetConn has
// been called; c may still be used for Ping and Close.
func NetConn(ctx context.Context, c *Conn, typ MessageType) net.Conn {
	if typ != MessageText && typ != MessageBinary {
		panic("websocket.NetConn: invalid message type " + typ.String())
	}
	c.SetReadLimit(-1)
	nc := &netConn{
		c:      c,
		ctx:    ctx,
		typ:    typ,
		mr:     messageReader{c: c},
		result: make(chan error, 1),
	}
	nc.rd.init(ctx)
	nc.wd.init(ctx)
	return nc
}

// netConn is the net.Conn returned by NetConn.
type netConn struct {
	c      *Conn
	ctx    context.Context // from NetConn; every call's context derives from it
	typ    MessageType
	rd, wd deadline
	closed atomic.Bool // Close has been called

	// Read side, under readMu.
	readMu    sync.Mutex
	mr        messageReader // reads the current message through c's internals
	inMessage bool          // a message has been started and not read to its end
	readErr   error         // sticky adapter error (ErrUnexpectedType)

	// Write side, under writeMu.
	writeMu sync.Mutex
	result  chan error // the background write reports here; capacity 1
	pending bool       // a message handed to the background is not written yet
	carry   [utf8.UTFMax - 1]byte
	ncarry  int // first bytes of a text character split by the last Write
}

// errDeadline is the cause with which a deadline cancels its context.
var errDeadline = errors.New("websocket: deadline exceeded")

// timeoutError is what a netConn's Read or Write returns once its
// deadline has passed.
type timeoutError struct{ op string }

func (e *timeoutError) Error() string { return "websocket: " + e.op + ": i/o timeout" }

// Timeout reports true: the error is a deadline passing.
func (e *timeoutError) Timeout() bool { return true }

// Temporary reports true, as os.ErrDeadlineExceeded does.
func (e *timeoutError) Temporary() bool { return true }

func (e *timeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

var (
	errReadTimeout  error = &timeoutError{"read"}
	errWriteTimeout error = &timeoutError{"write"}
)

// ctxError returns the error for a call whose context ctx is done: the
// timeout error when its deadline passed, ErrClosed when the net.Conn was
// closed, the error of the context given to NetConn otherwise.
func ctxError(ctx context.Context, timeout error) error {
	switch context.Cause(ctx) {
	case errDeadline:
		return timeout
	case ErrClosed:
		return ErrClosed
	}
	return ctx.Err()
}

// Read reads from the payloads of incoming messages.
func (nc *netConn) Read(p []byte) (int, error) {
	if nc.closed.Load() {
		return 0, ErrClosed // without waiting for a Close in progress
	}
	nc.readMu.Lock()
	defer nc.readMu.Unlock()
	if nc.readErr != nil {
		return 0, nc.readErr
	}
	if nc.closed.Load() {
		return 0, ErrClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	ctx := nc.rd.context()
	if ctx.Err() != nil {
		return 0, ctxError(ctx, errReadTimeout)
	}
	for {
		if !nc.inMessage {
			// Between messages an interrupted Reader leaves c usable.
			typ, _, err := nc.c.Reader(ctx)
			if err != nil {
				return 0, nc.readError(ctx, err)
			}
			if typ != nc.typ {
				nc.readErr = ErrUnexpectedType
				_ = nc.c.Close(CloseUnsupportedData, "unexpected "+typ.String()+" message")
				return 0, nc.readErr
			}
			nc.inMessage = true
		}
		n, err := nc.readPayload(ctx, p)
		if err == io.EOF {
			nc.inMessage = false
			if n == 0 {
				continue // an empty message, or the end of one
			}
			err = nil
		}
		if err != nil {
			return n, nc.readError(ctx, err)
		}
		return n, nil
	}
}

// readPayload reads from the current message. It is the Read method of
// the reader Conn.Reader returns, with two differences the net.Conn needs:
// the context is that of this call, not of the Reader call, since a
// deadline may have been reset since; and being interrupted by the
// context in the middle of a message does not drop the connection, since
// no byte is lost: the state of the message is updated only by bytes
// actually read, so the next call resumes where this one stopped.
func (nc *netConn) readPayload(ctx context.Context, p []byte) (int, error) {
	c := nc.c
	if err := c.lockRead(ctx); err != nil {
		return 0, err
	}
	defer c.readLock.unlock()
	if c.msgDone {
		return 0, io.EOF
	}
	c.rwatch.begin(c, false, ctx)
	n, err := nc.mr.read(p)
	interrupted := c.rwatch.end(ctx)
	if err != nil && err != io.EOF {
		if interrupted && c.readErr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
			return n, ctx.Err()
		}
		err = c.readError(ctx, interrupted, err)
	}
	return n, err
}

// readError maps an error of the Conn to what Read returns.
func (nc *netConn) readError(ctx context.Context, err error) error {
	if nc.closed.Load() {
		return ErrClosed
	}
	if ctx.Err() != nil && err == ctx.Err() {
		return ctxError(ctx, errReadTimeout)
	}
	switch CloseStatus(err) {
	case CloseNormal, CloseGoingAway:
		return io.EOF
	}
	return err
}

// Write sends p as one message.
func (nc *netConn) Write(p []byte) (int, error) {
	if nc.closed.Load() {
		return 0, ErrClosed // without waiting for a Close in progress
	}
	nc.writeMu.Lock()
	defer nc.writeMu.Unlock()
	if nc.closed.Load() {
		return 0, ErrClosed
	}
	ctx := nc.wd.context()
	if ctx.Err() != nil {
		return 0, ctxError(ctx, errWriteTimeout)
	}
	if nc.pending {
		select {
		case err := <-nc.result:
			nc.pending = false
			if err != nil {
				return 0, nc.writeError(err)
			}
		case <-ctx.Done():
			return 0, ctxError(ctx, errWriteTimeout)
		}
	}
	if len(p) == 0 {
		return 0, nil
	}

	size := nc.ncarry + len(p)
	buf := bufpool.Get(size)
	msg := (*buf)[:size]
	copy(msg[copy(msg, nc.carry[:nc.ncarry]):], p)
	if nc.typ == MessageText {
		// Hold back a character split at the end of p.
		keep := incompleteSuffix(msg)
		msg = msg[:size-keep]
		nc.ncarry = copy(nc.carry[:], (*buf)[len(msg):size])
	}
	if len(msg) == 0 {
		bufpool.Put(buf)
		return len(p), nil
	}

	// Another goroutine writes the message, so that this call can return
	// at the deadline even once the first bytes of the frame are out: the
	// frame is then finished in the background.
	go nc.send(buf, len(msg))
	select {
	case err := <-nc.result:
		if err != nil {
			return 0, nc.writeError(err)
		}
		return len(p), nil
	case <-ctx.Done():
	}
	switch context.Cause(ctx) {
	case errDeadline, ErrClosed:
		select {
		case err := <-nc.result: // finished meanwhile
			if err != nil {
				return 0, nc.writeError(err)
			}
			return len(p), nil
		default:
			nc.pending = true
			return len(p), ctxError(ctx, errWriteTimeout)
		}
	}
	// The context given to NetConn ended; it interrupts the write too.
	if err := <-nc.result; err != nil {
		return 0, nc.writeError(err)
	}
	return len(p), nil
}

// send writes one message held in a pool buffer and reports the result.
func (nc *netConn) send(buf *[]byte, size int) {
	err := nc.c.Write(nc.ctx, nc.typ, (*buf)[:size])
	bufpool.Put(buf)
	nc.result <- err
}

// writeError maps an error of the Conn to what Write returns.
func (nc *netConn) writeError(err error) error {
	if nc.closed.Load() {
		return ErrClosed
	}
	return err
}

// incompleteSuffix returns the length of the beginning of a UTF-8
// character that p ends with: 0 when p ends with a whole character or
// with bytes that cannot begin one.
func incompleteSuffix(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if utf8.FullRune(p[i:]) {
				return 0
			}
			return len(p) - i
		}
	}
	return 0
}

// Close performs the closing handshake with CloseNormal.
func (nc *netConn) Close() error {
	if !nc.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	// Pending Reads and Writes return at once.
	nc.rd.stop()
	nc.wd.stop()
	nc.readMu.Lock()
	defer nc.readMu.Unlock()
	// From now on incoming data is dropped, so that a peer blocked on
	// sending it (one that echoes, say) goes on reading what we send.
	stopDrain := nc.drain()
	defer stopDrain()
	nc.writeMu.Lock()
	pending := nc.pending
	nc.pending = false
	nc.writeMu.Unlock()
	if pending {
		// The message of a timed-out Write goes before the close frame,
		// but a peer that does not read may hold it up: wait for it
		// within the close timeout only.
		timer := time.NewTimer(nc.c.closeTimeout)
		select {
		case <-nc.result:
			timer.Stop()
		case <-timer.C:
			nc.c.CloseNow()
			return ErrCloseTimeout
		}
	}
	err := nc.c.Close(CloseNormal, "")
	if errors.Is(err, ErrClosed) {
		return nil // closed already, by the peer or a failure
	}
	return err
}

// drain reads and drops incoming messages in a goroutine until the
// connection ends or the returned function is called. Conn.Close may run
// meanwhile: whichever of the two gets the peer's close frame completes
// the handshake. The caller holds readMu.
func (nc *netConn) drain() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		var scratch [512]byte
		for {
			if !nc.inMessage {
				if _, _, err := nc.c.Reader(ctx); err != nil {
					return
				}
				nc.inMessage = true
			}
			_, err := nc.readPayload(ctx, scratch[:])
			if err == io.EOF {
				nc.inMessage = false
			} else if err != nil {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// LocalAddr returns the local network address of the Conn.
func (nc *netConn) LocalAddr() net.Addr { return nc.c.LocalAddr() }

// RemoteAddr returns the remote network address of the Conn.
func (nc *netConn) RemoteAddr() net.Addr { return nc.c.RemoteAddr() }

// SetDeadline sets the read and write deadlines.
func (nc *netConn) SetDeadline(t time.Time) error {
	if nc.closed.Load() {
		return ErrClosed
	}
	nc.rd.set(t)
	nc.wd.set(t)
	return nil
}

// SetReadDeadline sets the deadline of pending and future Reads.
func (nc *netConn) SetReadDeadline(t time.Time) error {
	if nc.closed.Load() {
		return ErrClosed
	}
	nc.rd.set(t)
	return nil
}

// SetWriteDeadline sets the deadline of pending and future Writes.
func (nc *netConn) SetWriteDeadline(t time.Time) error {
	if nc.closed.Load() {
		return ErrClosed
	}
	nc.wd.set(t)
	return nil
}

// deadline is one direction's deadline in the form the Conn takes, a
// context: it is cancelled with errDeadline when the deadline passes, and
// replaced by a fresh one when the deadline is set again after that. A
// context that has not been cancelled is kept across changes, so a call
// already blocked on it sees every later change until it returns.
type deadline struct {
	parent  context.Context
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timer   *time.Timer
	gen     uint64 // counts changes; a timer fires only if none came after it
	stopped bool   // the net.Conn is closed: ctx stays cancelled
}

func (d *deadline) init(parent context.Context) {
	d.parent = parent
	d.ctx, d.cancel = context.WithCancelCause(parent)
}

// context returns the context for a call starting now.
func (d *deadline) context() context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ctx
}

// set moves the deadline to t; the zero t means none.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	d.gen++
	if d.timer != nil {
		d.timer.Stop() // a callback already running sees gen has changed
		d.timer = nil
	}
	if t.IsZero() || t.After(time.Now()) {
		if d.ctx.Err() != nil && d.parent.Err() == nil {
			d.ctx, d.cancel = context.WithCancelCause(d.parent)
		}
		if t.IsZero() {
			return
		}
		gen, cancel := d.gen, d.cancel
		d.timer = time.AfterFunc(time.Until(t), func() {
			d.mu.Lock()
			if d.gen == gen {
				cancel(errDeadline)
			}
			d.mu.Unlock()
		})
		return
	}
	d.cancel(errDeadline) // in the past
}

// stop releases the context and the timer, when the net.Conn is closed.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.cancel(ErrClosed)
}
