//go:build !linux

package tcpecho

import "github.com/wirefast/websocket/bench/echo"

// platformModes are the modes only Linux has: none here.
var platformModes []echo.Mode
