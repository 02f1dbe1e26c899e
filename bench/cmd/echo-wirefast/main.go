// Command echo-wirefast is the wirefastecho server of the peer benchmark; see
// package echo for its flags and protocol.
package main

import (
	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/wirefastecho"
)

func main() { echo.Main(wirefastecho.Server) }
