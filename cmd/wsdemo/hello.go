package main

import (
	"context"

	"github.com/wirefast/websocket"
)

// hello serves /ws/hello: the client sends its name, the server answers
// "Hello <name>!" and closes the connection normally (1000).
func (s *server) hello(ctx context.Context, sess *session) error {
	typ, name, err := sess.conn.Read(ctx)
	if err != nil {
		return err
	}
	sess.m.received(len(name))
	if typ != websocket.MessageText {
		// 1003: the endpoint cannot accept this type of data.
		return sess.close(websocket.CloseUnsupportedData, "send your name as a text message")
	}
	greeting := "Hello " + string(name) + "!"
	if err := sess.write(ctx, websocket.MessageText, []byte(greeting)); err != nil {
		return err
	}
	return sess.close(websocket.CloseNormal, "")
}
