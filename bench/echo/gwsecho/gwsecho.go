package gwsecho

import (
	"bufio"
	"net"
	"net/http"

	"github.com/lxzan/gws"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is gws's echo.
var Server = echo.Server{
	Name:   "gws",
	Cmd:    "echo-gws",
	Module: "github.com/lxzan/gws",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{{
		Name:    "event",
		Doc:     "OnMessage writes the message back; raw accept loop, no net/http",
		Serve:   serve(upgrader),
		Deflate: serve(deflateUpgrader),
		Idle:    true,
	}},
}

// handler echoes every message from the read loop's goroutine.
type handler struct{ gws.BuiltinEventHandler }

// OnMessage writes m back and releases its buffer.
func (handler) OnMessage(c *gws.Conn, m *gws.Message) {
	_ = c.WriteMessage(m.Opcode, m.Bytes())
	_ = m.Close()
}

// readBufferSize is gws's default read buffer, in bytes.
const readBufferSize = 4 << 10

// upgrader validates text as UTF-8 (CheckUtf8Enabled), as RFC 6455
// requires and as the other validating libraries do.
var upgrader = gws.NewUpgrader(handler{}, &gws.ServerOption{
	CheckUtf8Enabled: true,
	ReadBufferSize:   readBufferSize,
})

// deflateUpgrader is upgrader with permessage-deflate, without context
// takeover, at gws's default level (BestSpeed) and threshold (512 bytes).
var deflateUpgrader = gws.NewUpgrader(handler{}, &gws.ServerOption{
	CheckUtf8Enabled:  true,
	ReadBufferSize:    readBufferSize,
	PermessageDeflate: gws.PermessageDeflate{Enabled: true},
})

// serve is gws.Server.RunListener's loop, which cannot stop: it retries
// Accept forever once the listener is closed.
func serve(upgrader *gws.Upgrader) func(net.Listener) error {
	return func(ln net.Listener) error { return acceptLoop(ln, upgrader) }
}

func acceptLoop(ln net.Listener, upgrader *gws.Upgrader) error {
	return echo.AcceptLoop(ln, func(nc net.Conn) {
		br := bufio.NewReaderSize(nc, readBufferSize)
		r, err := http.ReadRequest(br)
		if err != nil {
			nc.Close()
			return
		}
		c, err := upgrader.UpgradeFromConn(nc, br, r)
		if err != nil {
			return
		}
		c.ReadLoop()
	})
}
