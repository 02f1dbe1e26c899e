package websocket

import (
	"context"
	"io"
	"math"
	"sync"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/protocol"
)

// CompressionOptions configure permessage-deflate (RFC 7692) in
// [ConnOptions.Compression]; see package deflate for every field and the
// defaults. A nil value disables compression.
type CompressionOptions = deflate.Options

// Compression modes for [CompressionOptions].Mode.
const (
	// CompressionDisabled neither offers nor accepts permessage-deflate.
	CompressionDisabled = deflate.Disabled
	// CompressionNoContextTakeover compresses each message on its own:
	// a connection holds no compression memory between messages.
	CompressionNoContextTakeover = deflate.NoContextTakeover
	// CompressionContextTakeover keeps a window per direction between
	// messages: better ratios, 3*2^w bytes per connection (12.5 KB at a
	// server's default 12 window bits).
	CompressionContextTakeover = deflate.ContextTakeover
)

// acceptCompression answers a client's extension offers.
func acceptCompression(values []string, opts *CompressionOptions) (*deflate.Config, error) {
	if opts == nil || opts.Mode == CompressionDisabled || len(values) == 0 {
		return nil, nil
	}
	offers, err := handshake.ParseExtensions(values)
	if err != nil {
		return nil, err
	}
	return deflate.Accept(offers, opts)
}

// Without context takeover an encoder or a decoder carries nothing from
// one message to the next, so a connection does not keep one: it borrows
// one for each compressed message from these pools (by window bits, and
// level for encoders), and an idle compressed connection holds no more
// than its deflate.Config. With context takeover the connection keeps
// its own, made by newConn.
var (
	decoderPools [deflate.MaxWindowBits + 1]sync.Pool
	encoderPools [deflate.BetterCompression + 1][deflate.MaxWindowBits + 1]sync.Pool
)

// borrowDecoder makes c.dec ready for a compressed message: the
// connection's own with context takeover, else one from its pool. The
// caller holds the read lock.
func (c *Conn) borrowDecoder() {
	if c.dec != nil {
		return
	}
	bits, _ := c.deflate.Receiving()
	if d, ok := decoderPools[bits].Get().(*deflate.Decoder); ok {
		c.dec = d
		return
	}
	c.dec = c.deflate.NewDecoder()
}

// returnDecoder gives a borrowed decoder back once a message has been
// inflated to its end; a decoder that failed is left to the collector.
func (c *Conn) returnDecoder() {
	if d := c.dec; !d.ContextTakeover() {
		c.dec = nil
		decoderPools[d.WindowBits()].Put(d)
	}
}

// borrowEncoder makes c.enc ready for a compressed message: the
// connection's own with context takeover, else one from its pool. The
// caller holds the message lock.
func (c *Conn) borrowEncoder() *deflate.Encoder {
	if c.enc == nil {
		bits, _ := c.deflate.Sending()
		if e, ok := encoderPools[c.deflate.Level][bits].Get().(*deflate.Encoder); ok {
			c.enc = e
		} else {
			c.enc = c.deflate.NewEncoder()
		}
	}
	return c.enc
}

// returnEncoder gives a borrowed encoder back once a message has been
// flushed.
func (c *Conn) returnEncoder() {
	if e := c.enc; !e.ContextTakeover() {
		c.enc = nil
		encoderPools[c.deflate.Level][e.WindowBits()].Put(e)
	}
}

// sendTakeover reports whether the messages c sends use context
// takeover: whether a message cut short breaks the connection.
func (c *Conn) sendTakeover() bool {
	_, takeover := c.deflate.Sending()
	return takeover
}

// compressedInputLimit bounds the compressed bytes of one message: the
// decompressed size is limited by the read limit while inflating, and
// DEFLATE expands incompressible data by well under 1/64 plus a little.
func compressedInputLimit(limit int64) int64 {
	if limit > (math.MaxInt64-1024)/2 {
		return math.MaxInt64
	}
	return limit + limit/64 + 1024
}

// decodeLimit is the read limit as the decoder takes it: -1 for none.
func (c *Conn) decodeLimit() int64 {
	if l := c.readLimit.Load(); l != math.MaxInt64 {
		return l
	}
	return -1
}

// rawPayload is a Conn seen as an io.Reader over the current message's
// payload as it is on the wire (unmasked): the decoder's source for a
// compressed message, (*rawPayload)(c).
type rawPayload Conn

func (r *rawPayload) Read(p []byte) (int, error) {
	c := (*Conn)(r)
	for c.frameLeft == 0 {
		if c.frame.Fin {
			return 0, io.EOF
		}
		if err := c.nextFrame(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > c.frameLeft {
		p = p[:c.frameLeft]
	}
	return c.readPayload(p)
}

// readInflated appends the rest of the current compressed message,
// decompressed, to dst and finishes the message.
func (c *Conn) readInflated(dst []byte) ([]byte, error) {
	for {
		if cap(dst)-len(dst) < 512 {
			dst = c.growMessage(dst, max(len(dst), 4<<10))
		}
		n, err := c.inflate(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

// inflate reads decompressed bytes of the current message into p,
// validating text, and returns io.EOF once the message is finished.
func (c *Conn) inflate(p []byte) (int, error) {
	n, err := c.dec.Read(p)
	if c.msgText && !c.utf8.Feed(p[:n]) {
		return n, c.fail(protocol.ErrInvalidUTF8)
	}
	switch {
	case err == io.EOF:
		c.returnDecoder()
		// Bytes after the final DEFLATE block carry nothing: drop them so
		// the next frame header is read where it starts.
		if err := c.dropRawPayload(); err != nil {
			return n, err
		}
		if err := c.endMessage(); err != nil {
			return n, err
		}
		return n, io.EOF
	case err != nil:
		return n, c.inflateError(err)
	}
	return n, nil
}

// dropRawPayload reads and drops what is left of the message on the wire.
func (c *Conn) dropRawPayload() error {
	for !(c.frameLeft == 0 && c.frame.Fin) {
		if c.frameLeft == 0 {
			if err := c.nextFrame(); err != nil {
				return err
			}
			continue
		}
		if err := c.skipPayload(); err != nil {
			return err
		}
	}
	return nil
}

// inflateError turns a decoder error into the read's error: a violation
// already handled by the source, corrupt data (1007) or a message over
// the read limit (1009), or the source's I/O error.
func (c *Conn) inflateError(err error) error {
	if c.readErr != nil {
		return c.readErr
	}
	if _, ok := protocol.CloseCodeOf(err); ok {
		return c.fail(err)
	}
	return err
}

// writeCompressed writes p as one compressed message; the caller holds
// the message lock.
func (c *Conn) writeCompressed(ctx context.Context, op protocol.Opcode, p []byte) error {
	// DEFLATE output is rarely larger than its input, and a message over
	// the pool's largest class usually compresses into it; Compress
	// appends, so an output that does not fit only costs an allocation.
	buf := bufpool.Get(min(len(p)+64, bufpool.MaxSize))
	out := c.borrowEncoder().Compress((*buf)[:0], p)
	c.returnEncoder()
	err := c.writeFrame(ctx, true, protocol.RSV1, op, out)
	bufpool.Put(buf)
	if err != nil && c.sendTakeover() {
		// The peer's window no longer matches the encoder's.
		c.closeTCP(err)
	}
	return err
}

// releaseCompression returns the encoder's and decoder's buffers to their
// pools when the connection ends, unless a reader or writer is still
// using them (they are then left to the garbage collector). A coder
// borrowed for a message cut short goes with the connection, not back to
// its pool.
func (c *Conn) releaseCompression() {
	if c.deflate == nil {
		return
	}
	if c.msgLock.tryLock() {
		if c.enc != nil {
			c.enc.Reset()
		}
		c.msgLock.unlock()
	}
	if c.readLock.tryLock() {
		if c.dec != nil {
			c.dec.Close()
		}
		c.readLock.unlock()
	}
}
