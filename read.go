package websocket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// Read reads the next data message and returns its type and payload in a
// newly allocated slice. Control frames that arrive first are handled as
// described on [Conn]. A text message is valid UTF-8: invalid text fails
// the connection with [CloseInvalidPayload] as soon as the first invalid
// byte arrives, before the rest of the message.
//
// If the peer closes the connection, Read returns a [*CloseError]; after
// any error, every later Read returns the same error.
//
// If ctx is done before the first frame of a message arrives, Read
// returns ctx.Err() and the connection stays usable; if it is done while
// a message is partly read, the connection is dropped.
func (c *Conn) Read(ctx context.Context) (MessageType, []byte, error) {
	return c.readMessage(ctx, nil)
}

// ReadInto is [Conn.Read] that reuses dst's storage: it returns the
// message as append(dst[:0], message...). Passing the previous result back
// in makes reading allocation-free once the buffer has grown to the size
// of the messages.
func (c *Conn) ReadInto(ctx context.Context, dst []byte) (MessageType, []byte, error) {
	return c.readMessage(ctx, dst[:0])
}

func (c *Conn) readMessage(ctx context.Context, dst []byte) (MessageType, []byte, error) {
	if err := c.lockRead(ctx); err != nil {
		return 0, dst, err
	}
	defer c.readLock.unlock()
	c.rwatch.begin(c, false, ctx)
	typ, dst, err := c.readWhole(dst)
	interrupted := c.rwatch.end(ctx)
	if err != nil {
		return 0, dst, c.readError(ctx, interrupted, err)
	}
	c.markReadAhead(0)
	return typ, dst, nil
}

// lockRead takes the read lock and returns the connection's read error,
// if it has one, instead.
func (c *Conn) lockRead(ctx context.Context) error {
	if c.readLock.lockOr(ctx.Done(), nil) != lockAcquired {
		return ctx.Err()
	}
	if c.readErr != nil {
		c.readLock.unlock()
		return c.readErr
	}
	c.readCtx = ctx
	return nil
}

// readWhole reads one message, appending its payload to dst.
func (c *Conn) readWhole(dst []byte) (MessageType, []byte, error) {
	if c.msgDone {
		if typ, out, ok := c.readBufferedMessage(dst); ok {
			return typ, out, nil
		}
	}
	typ, err := c.nextMessage()
	if err != nil {
		return 0, dst, err
	}
	if c.msgCompressed {
		if dst != nil {
			dst, err = c.readInflated(dst)
			return typ, dst, err
		}
		// Read: inflate into a pooled buffer, return an exact copy.
		buf := bufpool.Get(readBufferSize)
		out, err := c.readInflated((*buf)[:0])
		if err == nil && cap(out) == cap(*buf) {
			out = bytes.Clone(out)
		}
		bufpool.Put(buf)
		return typ, out, err
	}
	for {
		// nextFrame checked the frame against the read limit. Room is
		// made for at most readGrowMax bytes ahead of those read, so
		// that without a limit a length the peer announces but does
		// not send costs no memory (nor overflows).
		for c.frameLeft > 0 {
			n := int(min(c.frameLeft, readGrowMax))
			start := len(dst)
			dst = c.growMessage(dst, n)[:start+n]
			read := c.readFull
			if !c.msgText {
				read = c.readBinary
			}
			if err := read(dst[start:]); err != nil {
				return 0, dst[:start], err
			}
		}
		if c.frame.Fin {
			if dst == nil {
				dst = []byte{} // an empty message is not a missing one
			}
			return typ, dst, c.endMessage()
		}
		if err := c.nextFrame(); err != nil {
			return 0, dst, err
		}
	}
}

// readGrowMax is the most a message being read grows by ahead of the
// bytes read into it, in bytes (readWhole).
const readGrowMax = 16 << 20

// growMessage returns dst with room for n more bytes, like slices.Grow.
// In receive mode, where dst is c.msgBuf's memory, the room comes from
// a larger pooled buffer instead, which becomes c.msgBuf: a stream of
// messages larger than the first buffer then reuses buffers instead of
// allocating one per message. Messages over the largest pooled size
// are allocated.
func (c *Conn) growMessage(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	need := len(dst) + n
	if c.msgBuf == nil || need > bufpool.MaxSize {
		return slices.Grow(dst, n)
	}
	b := bufpool.Get(min(max(need, 2*cap(dst)), bufpool.MaxSize))
	copy(*b, dst)
	bufpool.Put(c.msgBuf)
	c.msgBuf = b
	return (*b)[:len(dst)]
}

// readBufferedMessage is the fast path of readWhole, for the common case
// of a message that is one uncompressed data frame already whole in the
// buffer: it appends the payload to dst with one pass that copies and
// unmasks it (mask.Copy), and for text validates it too
// (protocol.ValidUTF8Masked), with none of the per-chunk bookkeeping of
// the general path. It returns ok false, having consumed nothing and
// changed no state the general path depends on, for anything else,
// including every error: the general path then handles the frame from
// the start.
func (c *Conn) readBufferedMessage(dst []byte) (typ MessageType, out []byte, ok bool) {
	b := c.rb.buffered()
	var h protocol.Header
	n, err := h.Decode(b)
	if err != nil || !c.isOneFrame(&h) || h.Length > int64(len(b)-n) {
		return 0, dst, false
	}
	// On success Check records a complete message, as it would through
	// the general path; on error it records nothing.
	if c.checker.Check(&h) != nil {
		return 0, dst, false
	}
	start, end := len(dst), len(dst)+int(h.Length)
	dst = c.growMessage(dst, int(h.Length))[:end]
	text := h.Opcode == protocol.OpText
	valid := true
	switch {
	case h.Masked && text:
		// One pass: copy, unmask and validate, where the CPU allows.
		_, valid = protocol.ValidUTF8Masked(h.Key, 0, dst[start:], b[n:])
	case h.Masked:
		mask.Copy(h.Key, 0, dst[start:], b[n:]) // one pass: copy and unmask
	default:
		copy(dst[start:], b[n:])
		valid = !text || protocol.ValidUTF8(dst[start:])
	}
	if !valid {
		// The general path fails the connection at the right byte. Check
		// passes again: the frame completes a message either way.
		return 0, dst[:start], false
	}
	c.rb.consume(n + int(h.Length))
	c.readOneFrame(h)
	if dst == nil {
		dst = []byte{} // an empty message is not a missing one
	}
	return MessageType(h.Opcode), dst, true
}

// isOneFrame reports whether h, a decoded header, starts a message of
// one uncompressed data frame within the read limit: what the fast paths
// that read a message whole from the buffer take (readBufferedMessage,
// readInPlace).
func (c *Conn) isOneFrame(h *protocol.Header) bool {
	return h.Fin && h.RSV == 0 && !h.Opcode.IsControl() && h.Length <= c.readLimit.Load()
}

// readOneFrame leaves the state the general path leaves after reading a
// message of one uncompressed frame with header h, for the fast paths
// that read it whole from the buffer.
func (c *Conn) readOneFrame(h protocol.Header) {
	c.msgSeq++
	c.msgText = h.Opcode == protocol.OpText
	c.msgLen = h.Length
	c.msgCompressed = false
	c.utf8.Reset()
	c.frame = h
	c.frameLeft = 0
	c.maskPos = uint8(h.Length & 3)
	c.rb.large = h.Length >= largeFrameMin
}

// readInPlace is readBufferedMessage for receive mode, whose handler is
// done with a message when it returns: it unmasks the payload where it
// lies in the read buffer and returns it there, with n, the bytes the
// caller consumes once the handler has returned (the buffer must not be
// compacted or released before). On a connection read through
// net.Conn.Read (TLS, wrappers) it first completes a large frame in the
// buffer (completeFrame); a raw socket's reader takes what its reads
// brought. It returns ok false, having consumed nothing and left the
// frame as it came, for anything the general path must handle.
func (c *Conn) readInPlace() (typ MessageType, msg []byte, n int, ok bool) {
	b := c.rb.buffered()
	var h protocol.Header
	hn, err := h.Decode(b)
	if err != nil || !c.isOneFrame(&h) {
		return 0, nil, 0, false
	}
	if h.Length > int64(len(b)-hn) {
		// Compared before any sum: without a read limit, a length near
		// 1<<63 would overflow it.
		if h.Length > largeReadBufferSize || !c.completeFrame(hn+int(h.Length)) {
			return 0, nil, 0, false
		}
		b = c.rb.buffered()
	}
	n = hn + int(h.Length)
	// As in readBufferedMessage, Check records the message on success.
	if c.checker.Check(&h) != nil {
		return 0, nil, 0, false
	}
	p := b[hn:n]
	text := h.Opcode == protocol.OpText
	valid := true
	switch {
	case h.Masked && text:
		if _, valid = protocol.ValidUTF8Masked(h.Key, 0, p, p); !valid {
			mask.Apply(h.Key, 0, p) // masked again, for the general path
		}
	case h.Masked:
		mask.Apply(h.Key, 0, p)
	case text:
		valid = protocol.ValidUTF8(p)
	}
	if !valid {
		return 0, nil, 0, false
	}
	c.readOneFrame(h)
	return MessageType(h.Opcode), p, n, true
}

// completeFrame fills the read buffer until it holds n bytes, the frame
// whose header starts it, on a connection read through net.Conn.Read.
// For a large frame each fill reads the rest of the frame and the start
// of the next at once (readBuf.want), instead of a small fill for the
// header and a read of the payload straight into the message; smaller
// frames take the usual fills, which bring the next frames too. It
// reports false, leaving the rest to the general path, on a raw socket
// (whose fills already take 64 KiB at a time), for a frame larger than
// largeReadBufferSize, and when a read fails (the general path's read
// meets the error again).
func (c *Conn) completeFrame(n int) bool {
	if c.rb.raw != nil || n > largeReadBufferSize {
		return false
	}
	if n >= largeFrameMin {
		c.rb.want = int32(n) // at most largeReadBufferSize
	}
	ok := true
	for ok && len(c.rb.buffered()) < n {
		ok = c.rb.fill() == nil
	}
	c.rb.want = 0
	return ok
}

// nextMessage skips what is left of the previous message and reads the
// first frame header of the next one.
func (c *Conn) nextMessage() (MessageType, error) {
	if !c.msgDone {
		if err := c.discardMessage(); err != nil {
			return 0, err
		}
	}
	if err := c.nextFrame(); err != nil {
		return 0, err
	}
	return MessageType(c.frame.Opcode), nil
}

// discardMessage reads and drops the rest of the current message, still
// validating it. A compressed message is decompressed all the same, to
// keep the decoder's window in step with the peer's.
func (c *Conn) discardMessage() error {
	var scratch [512]byte
	if c.msgCompressed {
		for {
			if _, err := c.inflate(scratch[:]); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}
	for {
		for c.frameLeft > 0 {
			n := min(int64(len(scratch)), c.frameLeft)
			if err := c.readFull(scratch[:n]); err != nil {
				return err
			}
		}
		if c.frame.Fin {
			return c.endMessage()
		}
		if err := c.nextFrame(); err != nil {
			return err
		}
	}
}

// endMessage finishes a message whose last payload byte has been read.
func (c *Conn) endMessage() error {
	c.msgDone = true
	if c.msgText && !c.utf8.Done() {
		return c.fail(protocol.ErrInvalidUTF8)
	}
	return nil
}

// nextFrame reads frame headers until a data frame, handling the control
// frames before it, and makes it the current frame.
func (c *Conn) nextFrame() error {
	for {
		var h protocol.Header
		if err := c.readHeader(&h); err != nil {
			return err
		}
		if err := c.checker.Check(&h); err != nil {
			return c.failFrame(h, err)
		}
		if h.Opcode.IsControl() {
			if err := c.handleControl(h); err != nil {
				return err
			}
			continue
		}
		if h.Opcode != protocol.OpContinuation {
			c.msgDone = false
			c.msgSeq++
			c.msgText = h.Opcode == protocol.OpText
			c.msgLen = 0
			c.utf8.Reset()
			c.msgCompressed = h.RSV&protocol.RSV1 != 0
			if c.msgCompressed {
				c.borrowDecoder()
				c.dec.Reset((*rawPayload)(c), c.decodeLimit())
			}
		}
		limit := c.readLimit.Load()
		if c.msgCompressed {
			// The decoder enforces the limit on the decompressed bytes.
			limit = compressedInputLimit(limit)
		}
		if h.Length > limit-c.msgLen {
			return c.failFrame(h, protocol.ErrMessageTooBig)
		}
		c.frame = h
		c.frameLeft = h.Length
		c.maskPos = 0
		// The decoder reads compressed payloads in chunks of its own.
		c.rb.large = !c.msgCompressed && h.Length >= largeFrameMin
		return nil
	}
}

// failFrame fails the connection over frame h, whose header has been
// read: its payload is skipped, not parsed as frames, while waiting for
// the peer's close frame.
func (c *Conn) failFrame(h protocol.Header, err error) error {
	c.frame, c.frameLeft = h, h.Length
	if h.Opcode == protocol.OpClose {
		// A malformed close frame is still the peer's close frame: do
		// not wait for another (Autobahn 7.3.6).
		c.recordPeerClose()
	}
	return c.fail(err)
}

// readHeader reads the next frame header into h. For a control frame it
// also waits until the whole payload is buffered, so a control frame is
// either handled whole or not consumed at all.
func (c *Conn) readHeader(h *protocol.Header) error {
	for {
		b := c.rb.buffered()
		n, err := h.Decode(b)
		switch {
		case err == nil:
			if !h.Opcode.IsControl() || h.Length > protocol.MaxControlPayload || int64(len(b)-n) >= h.Length {
				c.rb.consume(n)
				return nil
			}
		case err != protocol.ErrNeedMore:
			return c.fail(err)
		}
		if err := c.fillHeader(); err != nil {
			return err
		}
	}
}

// fillHeader fills the read buffer toward the next frame header. In
// receive mode, idle between messages, it gives the goroutine back
// (errWouldBlock) rather than wait.
func (c *Conn) fillHeader() error {
	wait := !(c.nonBlocking && c.msgDone && len(c.rb.buffered()) == 0)
	err := c.fillBuffer(wait)
	if err == io.EOF {
		// Even between messages: a peer ends with a close frame. Within
		// a message, io.EOF would read as its end to the message readers
		// and the decompressor.
		err = io.ErrUnexpectedEOF
	}
	return err
}

// readFull reads exactly len(p) payload bytes of the current frame.
func (c *Conn) readFull(p []byte) error {
	for len(p) > 0 {
		n, err := c.readPayload(p)
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// readBinary reads exactly len(p) payload bytes of the current frame of
// a binary message, like readFull, but unmasks them in one pass at the
// end rather than chunk by chunk as they arrive: nothing looks at binary
// bytes before the message is complete, and one long pass is faster than
// several short ones.
func (c *Conn) readBinary(p []byte) error {
	pos := int(c.maskPos)
	for q := p; len(q) > 0; {
		n, err := c.readRaw(q)
		if err != nil {
			return err
		}
		q = q[n:]
		c.frameLeft -= int64(n)
		c.msgLen += int64(n)
	}
	if c.frame.Masked {
		c.maskPos = uint8(mask.Apply(c.frame.Key, pos, p))
	}
	return nil
}

// readPayload reads up to len(p) <= c.frameLeft payload bytes into p,
// unmasking and validating them.
func (c *Conn) readPayload(p []byte) (int, error) {
	n, err := c.readRaw(p)
	if err != nil {
		return 0, err
	}
	p = p[:n]
	c.frameLeft -= int64(n)
	c.msgLen += int64(n)
	if !c.msgText || c.msgCompressed {
		if c.frame.Masked {
			c.maskPos = uint8(mask.Apply(c.frame.Key, int(c.maskPos), p))
		}
		return n, nil
	}
	var valid bool
	if c.frame.Masked {
		// One pass that unmasks and validates, where the CPU allows.
		var pos int
		_, pos, valid = c.utf8.FeedMasked(c.frame.Key, int(c.maskPos), p, p)
		c.maskPos = uint8(pos)
	} else {
		valid = c.utf8.Feed(p)
	}
	if !valid {
		return n, c.fail(protocol.ErrInvalidUTF8)
	}
	return n, nil
}

// readRaw reads up to len(p) <= c.frameLeft payload bytes into p as they
// are on the wire, and returns how many (at least one unless err). The
// connection ending here, inside a frame, is io.ErrUnexpectedEOF, never
// io.EOF, which the readers of a message take for its end.
func (c *Conn) readRaw(p []byte) (int, error) {
	if b := c.rb.buffered(); len(b) > 0 {
		n := copy(p, b)
		c.rb.consume(n)
		return n, nil
	}
	var n int
	var err error
	if len(p) >= c.rb.directMin() {
		// A large payload read straight into p does not look first (it
		// would have to poll into p too): the held frames go before it.
		c.flushBeforeRead()
		n, err = c.rb.readDirect(p)
	} else if err = c.fillBuffer(true); err == nil {
		n = copy(p, c.rb.buffered())
		c.rb.consume(n)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// skipPayload drops the current frame's remaining payload without
// looking at it.
func (c *Conn) skipPayload() error {
	for c.frameLeft > 0 {
		if len(c.rb.buffered()) == 0 {
			if err := c.fillBuffer(true); err != nil {
				return err
			}
		}
		n := int(min(c.frameLeft, int64(len(c.rb.buffered()))))
		c.rb.consume(n)
		c.frameLeft -= int64(n)
	}
	return nil
}

// handleControl handles a control frame whose header has been read and
// whose payload is buffered. The payload is copied out, unmasked, to the
// stack: the buffer may go back to its pool once consumed, and a copy
// kept in the Conn would cost every connection that ever got a ping or a
// pong 128 bytes for as long as it lives.
func (c *Conn) handleControl(h protocol.Header) error {
	var payload [protocol.MaxControlPayload]byte
	p := payload[:h.Length]
	copy(p, c.rb.buffered())
	c.rb.consume(len(p))
	if h.Masked {
		mask.Apply(h.Key, 0, p)
	}
	switch h.Opcode {
	case protocol.OpPing:
		if !c.closeSent.Load() {
			// The reply is bounded by the read's context. A pong that
			// cannot go out is dropped; a write that broke the connection
			// shows in the next read.
			_ = c.writeFrame(c.readCtx, true, 0, protocol.OpPong, p)
		}
	case protocol.OpPong:
		c.gotPong(p)
	case protocol.OpClose:
		return c.gotClose(p)
	}
	return nil
}

// readError turns an error from the read path into what the caller sees
// and records it, dropping the connection unless ctx merely interrupted a
// read that had not started a message.
func (c *Conn) readError(ctx context.Context, interrupted bool, err error) error {
	if c.readErr != nil {
		return c.readErr // a violation or a close frame, already handled
	}
	if interrupted && errors.Is(err, os.ErrDeadlineExceeded) {
		if c.msgDone {
			return ctx.Err()
		}
		err = ctx.Err()
	}
	c.readErr = c.ioError("read", err)
	c.closeTCP(c.readErr)
	return c.readErr
}

// ioError describes an I/O error of op, preferring the reason the
// connection was closed locally, if it was.
func (c *Conn) ioError(op string, err error) error {
	if cause := c.closeCause(); cause != nil {
		return cause
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("websocket: %s: %w", op, err)
}
