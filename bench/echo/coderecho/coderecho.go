package coderecho

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/coder/websocket"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is coder/websocket's echo.
var Server = echo.Server{
	Name:   "coder",
	Cmd:    "echo-coder",
	Module: "github.com/coder/websocket",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{{
		Name:    "reader-writer",
		Doc:     "Reader copied into Writer through a pooled 32 KiB buffer",
		Serve:   serve(nil),
		Deflate: serve(&websocket.AcceptOptions{CompressionMode: websocket.CompressionNoContextTakeover}),
		Idle:    true,
	}},
}

// readLimit replaces coder's default of 32 KiB so 1 MiB messages pass;
// it is the 32 MiB the other libraries allow.
const readLimit = 32 << 20

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// serve serves the echo with opts; with CompressionNoContextTakeover,
// coder compresses messages of 512 bytes or more at BestSpeed.
func serve(opts *websocket.AcceptOptions) func(net.Listener) error {
	return func(ln net.Listener) error { return serveOpts(ln, opts) }
}

func serveOpts(ln net.Listener, opts *websocket.AcceptOptions) error {
	return echo.ServeHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, opts)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(readLimit)
		ctx := context.Background()
		for {
			typ, rd, err := c.Reader(ctx)
			if err != nil {
				return
			}
			wr, err := c.Writer(ctx, typ)
			if err != nil {
				return
			}
			buf := copyBufs.Get().(*[]byte)
			_, err = io.CopyBuffer(wr, rd, *buf)
			copyBufs.Put(buf)
			if err != nil {
				return
			}
			if err := wr.Close(); err != nil {
				return
			}
		}
	}))
}
