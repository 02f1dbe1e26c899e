package websocket

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/internal/netpoll"
)

// ErrReceiving is returned by Receive when it was already called on the
// connection.
var ErrReceiving = errors.New("websocket: Receive already called")

// errWouldBlock reports, in receive mode, that no frame is waiting at a
// message boundary.
var errWouldBlock = errors.New("websocket: would block")

// Receive hands every message that arrives on c to handler, in order, one
// at a time, until the connection ends; then it calls done once with the
// error that ended it (a [*CloseError] when the peer closed). It returns
// at once.
//
// Unlike a goroutine looping on Read, a connection in receive mode holds
// no goroutine and no buffer while it is idle: on Linux one goroutine
// watches every idle connection with epoll, and a goroutine (one of a few
// the poller keeps for this, or a new one) takes the connection only
// when bytes arrive. This is how a server holds many mostly idle
// connections in little memory (see BenchmarkIdleConn). Elsewhere, and
// for TLS connections, Receive runs a goroutine per connection.
//
// handler runs on a goroutine owned by the connection; msg is valid only
// until it returns. handler may write to c (an echo), and control frames
// are handled as with Read. Do not call Read, ReadInto or Reader after
// Receive.
func (c *Conn) Receive(handler func(typ MessageType, msg []byte), done func(err error)) error {
	c.closeMu.Lock()
	if c.receive != nil {
		c.closeMu.Unlock()
		return ErrReceiving
	}
	r := &receiver{c: c, handler: handler, done: done, blocking: c.pollFD < 0}
	c.pollOwner = netpoll.NewOwner()
	c.receive = r.ready
	c.closeMu.Unlock()
	// The read buffer belongs to whoever holds the read lock (Close may be
	// reading the peer's close frame into it): look only while holding it.
	pending := true // unknown: a goroutine will look
	if c.readLock.tryLock() {
		pending = len(c.rb.buffered()) > 0
		c.readLock.unlock()
	}
	r.arm(pending)
	return nil
}

// receiver is the state of receive mode, reached through Conn.receive.
// It is kept small (32 bytes): every idle connection in receive mode
// holds one.
type receiver struct {
	c          *Conn
	handler    func(MessageType, []byte)
	done       func(error)
	finished   atomic.Bool // done has been called
	blocking   bool        // the poller cannot watch c: ready waits in reads, like a goroutine per connection
	registered bool        // the poller has been given the socket (see netpoll.Poller.Wait)
}

// arm waits for the next bytes: with the shared poller when the socket
// allows it and nothing is buffered (pending false, as seen under the
// read lock), otherwise on a goroutine. A connection the poller cannot
// watch (no poller on this system, or epoll refused the descriptor) is
// read by a goroutine from then on, waiting in its reads.
func (r *receiver) arm(pending bool) {
	c := r.c
	if !r.blocking && !pending {
		// The first wait registers the socket. Set before Wait, which
		// may start ready on another goroutine before it returns.
		first := !r.registered
		r.registered = true
		if p, err := netpoll.Default(); err == nil && p.Wait(int(c.pollFD), c.pollOwner, c.receive, c.isClosed, first) == nil {
			return
		}
		r.blocking = true
	}
	go c.receive()
}

// ready reads and delivers messages until the socket has nothing more at
// a message boundary, then re-arms.
func (r *receiver) ready() {
	c := r.c
	if err := c.lockRead(context.Background()); err != nil {
		r.finish(err)
		return
	}
	c.nonBlocking = !r.blocking
	// Woken because the socket is readable (or bytes are buffered): what
	// an earlier read saw no longer says it is empty.
	c.rb.drained = false
	for {
		typ, msg, n, err := c.nextReceived()
		if err == nil {
			c.markReadAhead(n)
			r.handler(typ, msg)
			if n > 0 {
				c.rb.consume(n) // handed out in place
			}
			continue
		}
		if c.msgBuf != nil {
			bufpool.Put(c.msgBuf)
			c.msgBuf = nil
		}
		c.nonBlocking = false
		if err == errWouldBlock {
			pending := len(c.rb.buffered()) > 0
			c.readLock.unlock()
			r.arm(pending)
			return
		}
		err = c.readError(context.Background(), false, err)
		c.readLock.unlock()
		r.finish(err)
		return
	}
}

// nextReceived reads the next message for receive mode. A message of one
// frame whole in the read buffer is returned where it lies there, with n
// the bytes to consume once the handler is done with it (readInPlace);
// any other is read into c.msgBuf, with n zero.
func (c *Conn) nextReceived() (typ MessageType, msg []byte, n int, err error) {
	if c.msgDone {
		if len(c.rb.buffered()) == 0 {
			// Between messages with nothing buffered: fill first, as the
			// general path's readHeader would, so that the first message
			// of a burst is handed out in place too.
			if err := c.fillHeader(); err != nil {
				return 0, nil, 0, err
			}
		}
		if typ, msg, n, ok := c.readInPlace(); ok {
			return typ, msg, n, nil
		}
	}
	if c.msgBuf == nil {
		// One buffer for every message of this wake not handed out in
		// place: each is handed to the handler, which is done with it
		// when it returns. A larger message swaps it for a larger
		// pooled one (growMessage).
		c.msgBuf = bufpool.Get(readBufferSize)
	}
	typ, msg, err = c.readWhole((*c.msgBuf)[:0])
	return typ, msg, 0, err
}

// finish calls done once.
func (r *receiver) finish(err error) {
	if r.finished.CompareAndSwap(false, true) && r.done != nil {
		r.done(err)
	}
}

// pollerBusy reports whether the shared poller is handling several
// sockets at a time (see netpoll.Poller.Busy). It is a variable so that
// tests can choose.
var pollerBusy = func() bool {
	p, err := netpoll.Default()
	return err == nil && p.Busy()
}
