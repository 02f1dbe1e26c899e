// Command echo-gorilla is the gorillaecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/gorillaecho"
)

func main() { echo.Main(gorillaecho.Server) }
