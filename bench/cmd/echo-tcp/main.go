// Command echo-tcp is the tcpecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/tcpecho"
)

func main() { echo.Main(tcpecho.Server) }
