package main

import "context"

// echo serves /ws/echo: it sends every message back as it came, text as
// text and binary as binary, until the client closes. It is the "hello,
// world" of WebSocket servers: read a message, write it, repeat.
func (s *server) echo(ctx context.Context, sess *session) error {
	var buf []byte
	for {
		// ReadInto reuses buf, so the loop stops allocating once buf has
		// grown to the size of the messages.
		typ, msg, err := sess.conn.ReadInto(ctx, buf)
		if err != nil {
			return err // the client closed (a *websocket.CloseError) or vanished
		}
		sess.m.received(len(msg))
		if err := sess.write(ctx, typ, msg); err != nil {
			return err
		}
		buf = msg
	}
}
