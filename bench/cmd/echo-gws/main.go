// Command echo-gws is the gwsecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/gwsecho"
)

func main() { echo.Main(gwsecho.Server) }
