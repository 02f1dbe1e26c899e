package websocket

import (
	"context"
	"runtime"

	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/protocol"
)

// Write coalescing (ConnOptions.CoalesceWrites). A data frame written
// while the reader has more input buffered, so that it will return
// without waiting on the socket, is appended to the write buffer instead
// of being sent. The held frames go out together: with the next frame
// that does not join them (a control frame, one too large), when the
// buffer is full (the frame that did not fit then starts the next
// batch), on Flush, or when the reader is about to wait for the socket
// (fillBuffer). An echo or request/response loop over pipelined
// small messages then makes one write system call per batch of input
// rather than one per message.
//
// The reader and the writers agree through c.coalesce, one word with two
// flags, changed only by atomic read-modify-write operations, so that of
// a writer holding a frame and the reader going to the socket at the same
// moment one always sees the other: the reader clears readAhead and
// sends the held frames if held was set; a writer sets held and sends
// them itself if readAhead was already clear. Every writer that does I/O
// while frames are held sends them first, clearing held before its
// system call, so the reader never waits behind a blocked write.
const (
	coalesceReadAhead uint32 = 1 << iota // the reader has input buffered
	coalesceHeld                         // frames wait in the write buffer
)

// holdBufferSize is the most a connection holds, in bytes: enough for
// several 16 KiB echoes per system call. Copying a frame into it costs
// less than the write it saves.
const holdBufferSize = 64 << 10

// Flush sends the frames that [ConnOptions.CoalesceWrites] is holding
// back, if any. It is needed only when the goroutine reading c will not
// read again soon: the reader sends them itself before it next waits for
// input.
func (c *Conn) Flush(ctx context.Context) error {
	if c.coalesce.Load()&coalesceHeld == 0 {
		return nil
	}
	return c.write(ctx, false, c.sendHeld)
}

// markReadAhead, called when the reader hands out a message, tells the
// writers whether it has more input buffered, beyond the unconsumed
// bytes of the message handed out in place (receive mode). Clearing the
// flag sends nothing: the next frame written goes out at once with the
// held ones, and if none is, flushBeforeRead sends them.
func (c *Conn) markReadAhead(unconsumed int) {
	if !c.coalesceWrites {
		return
	}
	ahead := c.coalesce.Load()&coalesceReadAhead != 0
	switch more := len(c.rb.buffered()) > unconsumed; {
	case more && !ahead:
		c.coalesce.Or(coalesceReadAhead)
	case !more && ahead:
		c.coalesce.And(^coalesceReadAhead)
	}
}

// fillBuffer fills the read buffer for the reader: waiting for the socket
// if wait, else returning errWouldBlock when it has no data (or when the
// last read emptied it and the poller is busy). Frames held by
// CoalesceWrites go out before the reader waits, not before every
// read: on a raw socket, a read that finds more input already waiting
// leaves them held, so that an echo of a client's pipelined messages
// makes one write per burst (or per holdBufferSize bytes), however many
// reads the burst takes.
func (c *Conn) fillBuffer(wait bool) error {
	polled := false
	if c.coalesce.Load()&coalesceHeld != 0 && c.rb.raw != nil {
		if err := c.rb.tryFill(); err != errWouldBlock {
			return err
		}
		polled = true
	}
	c.flushBeforeRead()
	switch {
	case wait:
		return c.rb.fill()
	case polled:
		return errWouldBlock // empty a moment ago: no need to look again
	case c.rb.drained && pollerBusy():
		// Receive mode, and the last read emptied the socket: a second
		// look would almost always find it still empty, the peer waiting
		// for the answer. The poller tells instead (anything that arrived
		// after that read is an event, which the next Wait finds), at no
		// cost while it runs for other sockets anyway. Waking a quiet
		// poller costs more than the read, which on one connection with
		// pipelined messages often finds the next ones.
		return errWouldBlock
	default:
		return c.rb.tryFill()
	}
}

// flushBeforeRead is called by the reader before it waits for the
// socket: it clears readAhead and sends the held frames, if any, bounded
// by the read's context. The frame lock's holder is then either about to
// send them itself or in a short section with no I/O, so the reader
// yields until it gets the lock or held is cleared.
func (c *Conn) flushBeforeRead() {
	if c.coalesce.Load() == 0 || c.coalesce.And(^coalesceReadAhead)&coalesceHeld == 0 {
		return
	}
	for c.coalesce.Load()&coalesceHeld != 0 {
		if !c.frameLock.tryLock() {
			runtime.Gosched()
			continue
		}
		// A read whose context is done fails without breaking the
		// connection; the held frames then go with the next write.
		if ctx := c.readCtx; ctx != nil && ctx.Err() == nil {
			// A failure breaks the connection, which the read sees.
			_ = c.writeLocked(ctx, false, c.sendHeld)
		}
		c.frameLock.unlock()
		return
	}
}

// roomToHold is called under the frame lock before a frame of size bytes
// is written. When frames are held, or a data frame may be held, it
// returns room for the frame after the held ones, to be filled and passed
// to hold. A frame that does not fit beside them sends them first, and
// then, if it is data that fits alone and the reader is still ahead,
// starts the next batch. Otherwise it returns nil, and the caller sends
// the frame the usual way.
func (c *Conn) roomToHold(size int, control bool) ([]byte, int64, error) {
	if c.held == 0 && (control || c.coalesce.Load()&coalesceReadAhead == 0) {
		return nil, 0, nil
	}
	var sent int64
	if c.held+size > holdBufferSize {
		n, err := c.sendHeld()
		if err != nil || control || size > holdBufferSize || c.coalesce.Load()&coalesceReadAhead == 0 {
			return nil, n, err
		}
		// The reader is still ahead: the frame starts the next batch
		// rather than going out alone, which would make two writes of
		// every batch that fills the buffer.
		sent = n
	}
	if c.wbuf == nil {
		c.wbuf = bufpool.Get(holdBufferSize)
	}
	return (*c.wbuf)[c.held : c.held+size], sent, nil
}

// coalescing reports whether frames are held or may be: a frame written
// now goes through holdFrame. It needs the frame lock.
func (c *Conn) coalescing() bool {
	return c.held > 0 || c.coalesce.Load()&coalesceReadAhead != 0
}

// holdFrame is the part of a frame write when c.coalescing():
// it appends the frame to them if it fits, and reports done; otherwise it
// sends the held frames and leaves the frame to the caller.
func (c *Conn) holdFrame(h *protocol.Header, p []byte) (n int64, done bool, err error) {
	control := h.Opcode.IsControl()
	var hdr [protocol.MaxHeaderSize]byte
	k := h.Encode(&hdr)
	room, n, err := c.roomToHold(k+len(p), control)
	if err != nil || room == nil {
		return n, err != nil, err
	}
	copy(room, hdr[:k])
	copyPayload(h, 0, room[k:], p)
	n, err = c.hold(len(room), control)
	return n, true, err
}

// hold keeps the size bytes just written into the room roomToHold gave,
// and sends everything held unless the frame is data and the reader will
// be back without waiting.
func (c *Conn) hold(size int, control bool) (int64, error) {
	c.held += size
	if !control && c.coalesce.Or(coalesceHeld)&coalesceReadAhead != 0 {
		return 0, nil
	}
	return c.sendHeld()
}

// sendHeld writes the held frames, under the frame lock.
func (c *Conn) sendHeld() (int64, error) {
	if c.held == 0 {
		return 0, nil
	}
	c.coalesce.And(^coalesceHeld)
	n, err := c.rb.nc.Write((*c.wbuf)[:c.held])
	c.held = 0
	c.releaseWriteBuf()
	return int64(n), err
}
