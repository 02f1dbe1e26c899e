package wirefastecho

import (
	"context"
	"net"
	"net/http"

	"github.com/wirefast/websocket"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is wirefast's echo.
var Server = echo.Server{
	Name:   "wirefast",
	Cmd:    "echo-wirefast",
	Module: "github.com/wirefast/websocket",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{
		{Name: "read-raw", Doc: "AcceptConn, a goroutine looping on ReadInto and Write",
			Serve: serveRaw(readLoop, plainOptions), Deflate: serveRaw(readLoop, deflateOptions), Idle: true},
		{Name: "receive-raw", Doc: "AcceptConn, Conn.Receive writing each message back",
			Serve: serveRaw(receive, plainOptions), Deflate: serveRaw(receive, deflateOptions), Idle: true},
		{Name: "read-http", Doc: "net/http and Accept, a goroutine looping on ReadInto and Write",
			Serve: serveHTTP(readLoop, plainOptions), Deflate: serveHTTP(readLoop, deflateOptions), Idle: true},
		{Name: "receive-http", Doc: "net/http and Accept, Conn.Receive writing each message back",
			Serve: serveHTTP(receive, plainOptions), Deflate: serveHTTP(receive, deflateOptions)},
	},
}

// readLoop echoes messages until the connection ends, reusing one buffer.
// The context can never be done, which costs nothing per call.
func readLoop(c *websocket.Conn) {
	defer c.CloseNow()
	ctx := context.Background()
	var buf []byte
	for {
		typ, msg, err := c.ReadInto(ctx, buf)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
		buf = msg
	}
}

// receive puts c in receive mode and returns at once.
func receive(c *websocket.Conn) {
	ctx := context.Background()
	err := c.Receive(func(typ websocket.MessageType, msg []byte) {
		_ = c.Write(ctx, typ, msg) // a failed write ends the connection; done sees it
	}, func(error) { c.CloseNow() })
	if err != nil {
		c.CloseNow()
	}
}

// plainOptions coalesce the echoes of pipelined messages into one write:
// each mode's reading goroutine writes the replies, the use
// ConnOptions.CoalesceWrites is for.
var plainOptions = &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{
	CoalesceWrites: true,
}}

// deflateOptions add permessage-deflate without context takeover, at the
// default level (BestSpeed) and threshold (128 bytes).
var deflateOptions = &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{
	CoalesceWrites: true,
	Compression:    &websocket.CompressionOptions{Mode: websocket.CompressionNoContextTakeover},
}}

func serveRaw(handle func(*websocket.Conn), opts *websocket.AcceptOptions) func(net.Listener) error {
	return func(ln net.Listener) error {
		return echo.AcceptLoop(ln, func(nc net.Conn) {
			c, err := websocket.AcceptConn(context.Background(), nc, opts)
			if err != nil {
				return
			}
			handle(c)
		})
	}
}

func serveHTTP(handle func(*websocket.Conn), opts *websocket.AcceptOptions) func(net.Listener) error {
	return func(ln net.Listener) error {
		return echo.ServeHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, opts)
			if err != nil {
				return
			}
			handle(c)
		}))
	}
}
