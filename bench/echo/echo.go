package echo

import (
	"errors"
	"net"
	"net/http"
)

// Protocols a Server speaks.
const (
	ProtoWebSocket = "ws"  // WebSocket echo: every message is sent back
	ProtoTCP       = "tcp" // raw TCP echo: every byte is sent back
)

// Server is one library's echo server.
type Server struct {
	// Name is the library's short name in reports: "gorilla".
	Name string
	// Cmd is the name of the server's binary: "echo-gorilla".
	Cmd string
	// Module is the library's module path, whose version the binary
	// reports; empty for the raw TCP echo.
	Module string
	// Proto is ProtoWebSocket or ProtoTCP.
	Proto string
	// Modes are the ways of driving the library, the default first.
	Modes []Mode
}

// Mode is one way of driving a library's echo server.
type Mode struct {
	// Name names the mode in reports and on the command line.
	Name string
	// Doc says in a few words what the mode does.
	Doc string
	// Serve serves echo connections accepted from ln until ln is closed,
	// then returns nil; connections already accepted are served until
	// the client closes them.
	Serve func(ln net.Listener) error
	// Deflate serves as Serve does with permessage-deflate enabled (RFC
	// 7692), accepting an offer without context takeover and compressing
	// every echo the library's settings let it compress; nil when the
	// library or mode cannot compress.
	Deflate func(ln net.Listener) error
	// Idle marks the modes whose memory the idle-connection table
	// reports.
	Idle bool
}

// Mode returns s's mode called name.
func (s Server) Mode(name string) (Mode, bool) {
	for _, m := range s.Modes {
		if m.Name == name {
			return m, true
		}
	}
	return Mode{}, false
}

// AcceptLoop accepts connections from ln and runs handle on each in its
// own goroutine, until ln is closed.
func AcceptLoop(ln net.Listener, handle func(net.Conn)) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go handle(nc)
	}
}

// ServeHTTP serves h with a net/http server on ln until ln is closed.
func ServeHTTP(ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h}
	if err := srv.Serve(ln); !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
