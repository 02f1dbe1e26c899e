package tcpecho

import (
	"net"
	"runtime"
	"syscall"

	"github.com/wirefast/websocket/bench/echo"
)

// blockMode is the raw TCP echo as a thread per connection blocked in
// read(2): a goroutine locked to its thread, on a blocking duplicate of
// the socket, reads and writes back until the connection ends. Two
// system calls a round trip, and no poller at all: the kernel wakes the
// thread straight from the socket.
var blockMode = echo.Mode{
	Name: "block",
	Doc:  "a thread per connection blocked in read(2), writing back inline: no poller on a message's way",
	Serve: func(ln net.Listener) error {
		return echo.AcceptLoop(ln, serveBlocking)
	},
}

// serveBlocking echoes nc on a blocking duplicate of its descriptor.
func serveBlocking(nc net.Conn) {
	fd, err := blockingDup(nc)
	nc.Close()
	if err != nil {
		return
	}
	defer syscall.Close(fd)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	buf := make([]byte, bufferSize)
	for echoOnce(fd, buf) {
	}
}
