package tcpecho

import (
	"net"

	"github.com/wirefast/websocket/bench/echo"
)

// bufferSize is the read buffer of a connection, in bytes.
const bufferSize = 64 << 10

// Server is the raw TCP echo.
var Server = echo.Server{
	Name:  "tcp",
	Cmd:   "echo-tcp",
	Proto: echo.ProtoTCP,
	Modes: append([]echo.Mode{{
		Name:  "copy",
		Doc:   "a goroutine per connection: read up to 64 KiB, write it back",
		Serve: serve,
		Idle:  true,
	}}, platformModes...),
}

func serve(ln net.Listener) error {
	return echo.AcceptLoop(ln, func(nc net.Conn) {
		defer nc.Close()
		buf := make([]byte, bufferSize)
		for {
			n, err := nc.Read(buf)
			if n > 0 {
				if _, werr := nc.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
}
