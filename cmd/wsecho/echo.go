package main

import (
	"context"
	"io"
	"sync"

	"github.com/wirefast/websocket"
)

// keepBufferMax is the largest message buffer a connection keeps between
// messages, in bytes; a larger one, grown for a big message, is dropped
// after it so an idle connection does not hold megabytes.
const keepBufferMax = 64 << 10

// echo sends every message c receives back to it, with the same type and
// payload, until the connection ends or ctx is done. Each message is read
// whole and written back as one frame, so a client may write a message
// of any size before it reads the echo. echo returns why it stopped: a
// [*websocket.CloseError] when the peer closed, ctx.Err() when ctx ended
// between messages, another error when the connection failed.
func echo(ctx context.Context, c *websocket.Conn) error {
	var buf []byte
	for {
		typ, msg, err := c.ReadInto(ctx, buf)
		if err != nil {
			return err
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return err
		}
		buf = msg
		if cap(buf) > keepBufferMax {
			buf = nil
		}
	}
}

// echoReceive is [echo] in receive mode ([websocket.Conn.Receive]): the
// handler writes each message back as it is handed over, and between
// messages no goroutine waits on the connection (this one only waits for
// the end). It returns why the connection ended, or ctx.Err() when ctx
// ends first.
func echoReceive(ctx context.Context, c *websocket.Conn) error {
	done := make(chan error, 1)
	err := c.Receive(func(typ websocket.MessageType, msg []byte) {
		// A write that fails breaks the connection, which done reports.
		_ = c.Write(ctx, typ, msg)
	}, func(err error) { done <- err })
	if err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// copyBufferSize is the size of the buffer echoStream copies through, in
// bytes. It is borrowed from copyBufs only while a message is in flight.
const copyBufferSize = 32 << 10

var copyBufs = sync.Pool{New: func() any {
	b := make([]byte, copyBufferSize)
	return &b
}}

// echoStream is [echo] as a stream: frames of the echo go out as the
// payload comes in, so a message is never held whole and memory stays
// bounded whatever its size. The peer must read while it writes: a
// client that writes a large message whole before reading anything
// deadlocks with it once the TCP buffers are full.
func echoStream(ctx context.Context, c *websocket.Conn) error {
	for {
		typ, r, err := c.Reader(ctx)
		if err != nil {
			return err
		}
		if err := echoMessage(ctx, c, typ, r); err != nil {
			return err
		}
	}
}

// echoMessage streams one message from r back to c. A text message is
// checked to be UTF-8 as it is read; invalid text fails the connection
// with 1007 before the echo is complete.
func echoMessage(ctx context.Context, c *websocket.Conn, typ websocket.MessageType, r io.Reader) error {
	w, err := c.Writer(ctx, typ)
	if err != nil {
		return err
	}
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	if _, err := io.CopyBuffer(w, r, *buf); err != nil {
		// The connection failed mid-message. Closing w would send a final
		// frame and make a whole message of a truncated one, so w is
		// left open; the connection is finished anyway.
		return err
	}
	return w.Close()
}
