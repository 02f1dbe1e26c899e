package xnetecho

import (
	"net"
	"net/http"

	"golang.org/x/net/websocket"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is x/net/websocket's echo.
var Server = echo.Server{
	Name:   "x/net",
	Cmd:    "echo-xnet",
	Module: "golang.org/x/net",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{{
		Name:  "codec",
		Doc:   "Codec.Receive then Codec.Send, payload type kept",
		Serve: serve,
		Idle:  true,
	}},
}

// message is what the codec moves: a payload and its frame type.
type message struct {
	data []byte
	typ  byte
}

// codec passes payloads through untouched, with their type, so text is
// echoed as text and binary as binary.
var codec = websocket.Codec{
	Marshal: func(v any) ([]byte, byte, error) {
		m := v.(*message)
		return m.data, m.typ, nil
	},
	Unmarshal: func(data []byte, typ byte, v any) error {
		m := v.(*message)
		m.data, m.typ = data, typ
		return nil
	},
}

func serve(ln net.Listener) error {
	return echo.ServeHTTP(ln, websocket.Server{
		// The default handshake refuses clients without Origin, as the
		// load generator is.
		Handshake: func(*websocket.Config, *http.Request) error { return nil },
		Handler: func(c *websocket.Conn) {
			var m message
			for {
				if codec.Receive(c, &m) != nil {
					return
				}
				if codec.Send(c, &m) != nil {
					return
				}
			}
		},
	})
}
