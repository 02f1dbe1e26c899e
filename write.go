package websocket

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"

	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// writeBufferSize is the size of the buffer the streaming writer fills
// before sending a frame, in bytes.
const writeBufferSize = 16 << 10

// writeChunkSize is the most of a frame that goes out in one write system
// call, in bytes: the largest pooled buffer, 1 MiB. A frame is copied,
// header first, into a buffer borrowed from the pool (and masked there by
// a client) and sent from there: one write for a frame that fits, writes
// of this size beyond. Fewer, larger writes cost the kernel less (a 1 MiB
// echo took 1.8 times the server CPU in writes of 256 KiB). See
// docs/performance.md, "One contiguous write per frame". A server's
// Write of more than directWriteMin bytes is not copied whole
// (writeLarge).
const writeChunkSize = bufpool.MaxSize

// directWriteMin is the payload size, in bytes, above which an unmasked
// frame (a server's) goes out in two writes: the header and the start of
// the payload, copied into a buffer of directWriteHead bytes, then the
// rest of the payload straight from the caller's slice. Copying a payload
// this large costs more than the second write: pipelined 1 MiB echoes
// take a fifth to a quarter less server CPU per message. Below it the
// copy and one write measured as cheap or cheaper (docs/performance.md,
// "Large frames written from the caller's slice").
const directWriteMin = 512 << 10

// directWriteHead is the size of the first of those two writes, in bytes.
const directWriteHead = 64 << 10

// Write writes p as one message of type typ (a single frame). It is safe
// to call concurrently with other writes and with reads. A text message
// must be valid UTF-8; Write does not check.
//
// If ctx is done before the message starts to go out, Write returns
// ctx.Err() and the connection stays usable; if it is done while the
// message is partly written, the connection is dropped.
func (c *Conn) Write(ctx context.Context, typ MessageType, p []byte) error {
	op, err := dataOpcode(typ)
	if err != nil {
		return err
	}
	if c.deflate == nil && len(p) <= directWriteMin {
		// One frame, nothing to compress: the frame lock alone keeps it
		// whole, unless a fragmented message is open (writeAlone).
		if done, err := c.writeAlone(ctx, op, p); done {
			return err
		}
	}
	if err := c.msgLock.lock(ctx); err != nil {
		return err
	}
	defer c.msgLock.unlock()
	if c.deflate != nil && c.deflate.ShouldCompress(len(p)) {
		return c.writeCompressed(ctx, op, p)
	}
	if len(p) > directWriteMin && c.role == protocol.RoleServer {
		return c.writeLarge(ctx, op, p)
	}
	return c.writeFrame(ctx, true, 0, op, p)
}

// Writer returns a writer for one message of type typ, sent as a series
// of frames: each Write is buffered up to 16 KiB, and larger writes are
// sent as frames of their own, so a large payload streams through without
// being held whole. Close sends the final frame; no other message can be
// written until then.
//
// The returned writer belongs to the connection and is valid until
// closed. Writer allocates only the first time on a connection: the
// writer it returns is reused.
func (c *Conn) Writer(ctx context.Context, typ MessageType) (io.WriteCloser, error) {
	op, err := dataOpcode(typ)
	if err != nil {
		return nil, err
	}
	if err := c.msgLock.lock(ctx); err != nil {
		return nil, err
	}
	if c.closeSent.Load() {
		c.msgLock.unlock()
		return nil, ErrCloseSent
	}
	if c.mw == nil {
		c.mw = new(messageWriter)
	}
	*c.mw = messageWriter{c: c, ctx: ctx, op: op, compressed: c.deflate != nil}
	if c.mw.compressed {
		c.mw.rsv = protocol.RSV1
	}
	return c.mw, nil
}

func dataOpcode(typ MessageType) (protocol.Opcode, error) {
	switch typ {
	case MessageText:
		return protocol.OpText, nil
	case MessageBinary:
		return protocol.OpBinary, nil
	}
	return 0, ErrMessageType
}

// messageWriter writes one fragmented message; see [Conn.Writer].
type messageWriter struct {
	c      *Conn
	ctx    context.Context
	op     protocol.Opcode // of the next frame: the data opcode, then continuation
	buf    *[]byte         // pending payload, borrowed from bufpool
	n      int             // bytes pending in buf
	closed bool

	// With compression, the encoder's output collects in out (backed by
	// buf) and goes out in frames of about writeBufferSize.
	compressed bool
	rsv        byte // RSV bits of the next frame: RSV1 on the first only
	out        []byte
}

// Write buffers p, sending full frames as the buffer fills.
func (w *messageWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, ErrWriterClosed
	}
	if w.compressed {
		return w.writeCompressed(p)
	}
	written := 0
	for len(p) > 0 {
		if w.n == 0 && len(p) >= writeBufferSize {
			// Large write: send it as a frame of its own, unbuffered here.
			if err := w.frame(false, p); err != nil {
				return written, err
			}
			return written + len(p), nil
		}
		if w.buf == nil {
			w.buf = bufpool.Get(writeBufferSize)
		}
		k := copy((*w.buf)[w.n:], p)
		w.n += k
		written += k
		p = p[k:]
		if w.n == len(*w.buf) {
			if err := w.frame(false, (*w.buf)[:w.n]); err != nil {
				return written, err
			}
			w.n = 0
		}
	}
	return written, nil
}

// Close sends the final frame of the message and releases the writer.
func (w *messageWriter) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	var pending []byte
	switch {
	case w.compressed:
		pending = w.c.borrowEncoder().Flush(w.out)
		w.c.returnEncoder()
	case w.buf != nil:
		pending = (*w.buf)[:w.n]
	}
	err := w.frame(true, pending)
	if err != nil && w.compressed && w.c.sendTakeover() {
		w.c.closeTCP(err)
	}
	w.closed = true
	bufpool.Put(w.buf)
	w.buf, w.n, w.out = nil, 0, nil
	w.c.msgLock.unlock()
	return err
}

func (w *messageWriter) frame(fin bool, p []byte) error {
	err := w.c.writeFrame(w.ctx, fin, w.rsv, w.op, p)
	w.op, w.rsv = protocol.OpContinuation, 0
	return err
}

// writeCompressed compresses p into the pending output, sending a frame
// once it holds writeBufferSize bytes.
func (w *messageWriter) writeCompressed(p []byte) (int, error) {
	if w.buf == nil {
		w.buf = bufpool.Get(writeBufferSize)
		w.out = (*w.buf)[:0]
	}
	w.out = w.c.borrowEncoder().Append(w.out, p)
	if len(w.out) >= writeBufferSize {
		if err := w.frame(false, w.out); err != nil {
			if w.c.sendTakeover() {
				w.c.closeTCP(err)
			}
			return 0, err
		}
		w.out = (*w.buf)[:0]
	}
	return len(p), nil
}

// writeAlone writes a message of one uncompressed frame holding only the
// frame lock, which costs two atomic operations less than taking the
// message lock as well. It reports done false, having written nothing,
// when the message lock is held: then a Writer may be between the frames
// of its message, and the caller queues for the message lock. A Writer
// that takes the message lock after the check sends its first frame
// after this one, behind the frame lock.
func (c *Conn) writeAlone(ctx context.Context, op protocol.Opcode, p []byte) (done bool, err error) {
	if err := c.frameLock.lock(ctx); err != nil {
		return true, err
	}
	defer c.frameLock.unlock()
	if c.msgLock.state.Load() != fairUnlocked {
		return false, nil
	}
	return true, c.writeLocked(ctx, true, func() (int64, error) {
		h := protocol.Header{Fin: true, Opcode: op, Length: int64(len(p))}
		return c.writeFrameLocked(&h, p)
	})
}

// writeFrame writes one frame, holding the frame lock. An error breaks
// the connection unless ctx ended before any byte went out.
func (c *Conn) writeFrame(ctx context.Context, fin bool, rsv byte, op protocol.Opcode, p []byte) error {
	// After our close frame, only the close frame and pongs may go out.
	refuseAfterClose := op != protocol.OpClose && op != protocol.OpPong
	return c.write(ctx, refuseAfterClose, func() (int64, error) {
		h := protocol.Header{Fin: fin, RSV: rsv, Opcode: op, Length: int64(len(p))}
		return c.writeFrameLocked(&h, p)
	})
}

// writeRaw writes an already framed data message.
func (c *Conn) writeRaw(ctx context.Context, frame []byte) error {
	return c.write(ctx, true, func() (int64, error) {
		room, n, err := c.roomToHold(len(frame), false)
		if err != nil {
			return n, err
		}
		if room != nil {
			copy(room, frame)
			return c.hold(len(room), false)
		}
		m, err := c.rb.nc.Write(frame)
		return int64(m), err
	})
}

// write runs do, which writes a frame, under the frame lock and ctx,
// recording a failure as the connection's write error. refuseAfterClose
// makes it fail with ErrCloseSent once our close frame has gone out.
func (c *Conn) write(ctx context.Context, refuseAfterClose bool, do func() (int64, error)) error {
	if err := c.frameLock.lock(ctx); err != nil {
		return err
	}
	defer c.frameLock.unlock()
	return c.writeLocked(ctx, refuseAfterClose, do)
}

// writeLocked is write with the frame lock held.
func (c *Conn) writeLocked(ctx context.Context, refuseAfterClose bool, do func() (int64, error)) error {
	if c.writeErr != nil {
		return c.writeErr
	}
	if refuseAfterClose && c.closeSent.Load() {
		return ErrCloseSent
	}
	// Frames held by CoalesceWrites were reported written: once do has
	// tried to send them, an interrupted write cannot leave the
	// connection usable.
	held := c.held > 0
	c.wwatch.begin(c, true, ctx)
	n, err := do()
	if c.wwatch.end(ctx) && err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		if n == 0 && !held {
			return ctx.Err()
		}
		err = ctx.Err()
	}
	if err != nil {
		c.writeErr = c.ioError("write", err)
		c.closeTCP(c.writeErr)
		return c.writeErr
	}
	return nil
}

// writeFrameLocked encodes h and writes it with payload p, masking as the
// role requires, or holds it (see coalesce.go). It returns the number of
// bytes written.
func (c *Conn) writeFrameLocked(h *protocol.Header, p []byte) (int64, error) {
	if c.role == protocol.RoleClient {
		h.Masked = true
		h.Key = newMaskKey()
	}
	if c.coalescing() {
		if n, done, err := c.holdFrame(h, p); done {
			return n, err
		}
	}
	return c.writeChunked(h, p)
}

// writeLarge writes a server's data message of more than directWriteMin
// bytes as one frame, most of it straight from p (writeHeadThenDirect).
// It is the one write that hands the caller's slice to the connection,
// which makes p escape in Write: control frames and the Writer go
// through writeFrame instead, so that their payloads may stay on the
// caller's stack.
func (c *Conn) writeLarge(ctx context.Context, op protocol.Opcode, p []byte) error {
	return c.write(ctx, true, func() (int64, error) {
		h := protocol.Header{Fin: true, Opcode: op, Length: int64(len(p))}
		if c.coalescing() {
			if n, done, err := c.holdFrame(&h, p); done {
				return n, err
			}
		}
		return c.writeHeadThenDirect(&h, p)
	})
}

// writeHeadThenDirect sends an unmasked frame whose payload is larger
// than directWriteMin (see writeLarge): one write of the header and the
// payload's first bytes, copied into a buffer of directWriteHead bytes,
// then one write of the rest from p itself. The first write keeps the
// header out of a writev, which the kernel copies several times slower
// (see writeChunked).
func (c *Conn) writeHeadThenDirect(h *protocol.Header, p []byte) (int64, error) {
	buf := c.borrowWriteBuf(directWriteHead)[:directWriteHead]
	n := h.Encode((*[protocol.MaxHeaderSize]byte)(buf))
	k := copy(buf[n:], p)
	m, err := c.rb.nc.Write(buf)
	c.releaseWriteBuf()
	if err != nil {
		return int64(m), err
	}
	m2, err := c.rb.nc.Write(p[k:])
	return int64(m + m2), err
}

// writeChunked copies the frame, header first, into the write buffer and
// sends it in writes of up to writeChunkSize bytes, masking the payload
// as it is copied if h.Masked: never in the caller's slice.
//
// Copying costs less than it saves. Sent as writev(header, payload), the
// payload's place in the kernel's socket buffer is aligned differently
// from its place in the caller's slice, by the header's length (2, 4 or
// 10 bytes), and the kernel's copy from user memory runs several times
// slower between addresses that are not equally aligned to 16 bytes on
// some CPUs (16 KiB echoes: 21 against 16 us of server CPU per message
// on the machine in docs/performance.md). From the buffer, the frame
// starts on the same alignment as the kernel's copy.
func (c *Conn) writeChunked(h *protocol.Header, p []byte) (int64, error) {
	// Sized without h.HeaderSize, whose value receiver would copy *h.
	buf := c.borrowWriteBuf(protocol.MaxHeaderSize + len(p))
	n := h.Encode((*[protocol.MaxHeaderSize]byte)(buf))
	var written int64
	pos := 0
	for {
		k, next := copyPayload(h, pos, buf[n:], p)
		pos = next
		m, err := c.rb.nc.Write(buf[:n+k])
		written += int64(m)
		if err != nil {
			c.releaseWriteBuf()
			return written, err
		}
		p = p[k:]
		if len(p) == 0 {
			break
		}
		n = 0
	}
	c.releaseWriteBuf()
	return written, nil
}

// copyPayload copies src, a part of h's payload starting at key position
// pos, into dst, masking it on the way if h.Masked. It returns the bytes
// copied, min(len(dst), len(src)), and the key position after them.
func copyPayload(h *protocol.Header, pos int, dst, src []byte) (n, next int) {
	if h.Masked {
		return mask.Copy(h.Key, pos, dst, src)
	}
	return copy(dst, src), pos
}

// borrowWriteBuf returns the write buffer the connection holds, first
// borrowing one from the pool of min(size, writeChunkSize) bytes or more
// if it holds none.
func (c *Conn) borrowWriteBuf(size int) []byte {
	if c.wbuf == nil {
		c.wbuf = bufpool.Get(min(size, writeChunkSize))
	}
	return *c.wbuf
}

func (c *Conn) releaseWriteBuf() {
	bufpool.Put(c.wbuf)
	c.wbuf = nil
}

// newMaskKey returns a masking key for a client frame. math/rand/v2's
// global generator is ChaCha8 seeded by the runtime from the operating
// system, so keys are unpredictable, as RFC 6455, Section 5.3 requires,
// without a system call per frame.
func newMaskKey() [4]byte {
	k := rand.Uint32()
	return [4]byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)}
}
