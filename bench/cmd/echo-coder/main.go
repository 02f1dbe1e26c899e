// Command echo-coder is the coderecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/coderecho"
)

func main() { echo.Main(coderecho.Server) }
