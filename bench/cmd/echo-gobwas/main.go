// Command echo-gobwas is the gobwasecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/gobwasecho"
)

func main() { echo.Main(gobwasecho.Server) }
