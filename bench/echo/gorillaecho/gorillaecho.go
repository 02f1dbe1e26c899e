package gorillaecho

import (
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is gorilla/websocket's echo.
var Server = echo.Server{
	Name:   "gorilla",
	Cmd:    "echo-gorilla",
	Module: "github.com/gorilla/websocket",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{
		{Name: "nextreader", Doc: "NextReader copied into NextWriter",
			Serve: serve(&upgrader, streamEcho), Deflate: serve(&deflateUpgrader, streamEcho), Idle: true},
		{Name: "readmessage", Doc: "ReadMessage then WriteMessage",
			Serve: serve(&upgrader, messageEcho), Deflate: serve(&deflateUpgrader, messageEcho)},
	},
}

// upgrader reuses net/http's 4 KiB read buffer (ReadBufferSize 0) and
// takes write buffers from a pool only while a message is written, the
// configuration gorilla documents for many connections.
var upgrader = websocket.Upgrader{WriteBufferPool: &sync.Pool{}}

// deflateUpgrader is upgrader with permessage-deflate (gorilla supports
// it without context takeover only), compressing every message at its
// default level (BestSpeed).
var deflateUpgrader = websocket.Upgrader{WriteBufferPool: &sync.Pool{}, EnableCompression: true}

func serve(u *websocket.Upgrader, loop func(*websocket.Conn)) func(net.Listener) error {
	return func(ln net.Listener) error {
		return echo.ServeHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := u.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			loop(c)
		}))
	}
}

// streamEcho copies each message from its reader to a writer. gorilla's
// writer reads from the reader straight into its write buffer
// (io.ReaderFrom), so no copy buffer is needed.
func streamEcho(c *websocket.Conn) {
	for {
		typ, r, err := c.NextReader()
		if err != nil {
			return
		}
		w, err := c.NextWriter(typ)
		if err != nil {
			return
		}
		if _, err := io.Copy(w, r); err != nil {
			return
		}
		if err := w.Close(); err != nil {
			return
		}
	}
}

// messageEcho reads whole messages (a new slice each) and writes them
// back as one frame.
func messageEcho(c *websocket.Conn) {
	for {
		typ, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(typ, msg); err != nil {
			return
		}
	}
}
