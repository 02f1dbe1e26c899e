package websocket

import (
	"context"
	"errors"
	"io"
)

// Reader waits for the next data message and returns its type and a
// reader over its payload, which streams the message frame by frame
// without holding it whole. ctx applies to Reader and to every Read on
// the returned reader.
//
// The reader is valid until it returns io.EOF or the next message is
// requested; starting the next message first discards what is left of
// this one (still checking it). Reader allocates only the first time on
// a connection: the reader it returns is reused.
func (c *Conn) Reader(ctx context.Context) (MessageType, io.Reader, error) {
	if err := c.lockRead(ctx); err != nil {
		return 0, nil, err
	}
	defer c.readLock.unlock()
	c.rwatch.begin(c, false, ctx)
	typ, err := c.nextMessage()
	interrupted := c.rwatch.end(ctx)
	if err != nil {
		return 0, nil, c.readError(ctx, interrupted, err)
	}
	if c.mr == nil {
		c.mr = new(messageReader)
	}
	*c.mr = messageReader{c: c, ctx: ctx, seq: c.msgSeq}
	return typ, c.mr, nil
}

// messageReader reads one message; see [Conn.Reader].
type messageReader struct {
	c   *Conn
	ctx context.Context
	seq uint64 // the message this reader belongs to
}

// errStaleReader is returned by a message reader used after the
// connection moved on to the next message.
var errStaleReader = errors.New("websocket: message reader used after the next message began")

// Read reads payload bytes of the message, returning io.EOF at its end.
func (r *messageReader) Read(p []byte) (int, error) {
	c := r.c
	if err := c.lockRead(r.ctx); err != nil {
		return 0, err
	}
	defer c.readLock.unlock()
	if r.seq != c.msgSeq {
		return 0, errStaleReader
	}
	if c.msgDone {
		return 0, io.EOF
	}
	c.rwatch.begin(c, false, r.ctx)
	n, err := r.read(p)
	interrupted := c.rwatch.end(r.ctx)
	if err != nil && err != io.EOF {
		err = c.readError(r.ctx, interrupted, err)
	}
	return n, err
}

func (r *messageReader) read(p []byte) (int, error) {
	c := r.c
	if c.msgCompressed {
		return c.inflate(p)
	}
	for c.frameLeft == 0 {
		if c.frame.Fin {
			if err := c.endMessage(); err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		if err := c.nextFrame(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > c.frameLeft {
		p = p[:c.frameLeft]
	}
	n, err := c.readPayload(p)
	if err == nil && c.frameLeft == 0 && c.frame.Fin {
		if err = c.endMessage(); err == nil {
			err = io.EOF
		}
	}
	return n, err
}
