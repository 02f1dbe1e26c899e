// Command echo-xnet is the xnetecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/xnetecho"
)

func main() { echo.Main(xnetecho.Server) }
