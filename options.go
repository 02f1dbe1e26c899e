package websocket

import "time"

// ConnOptions are the settings shared by both ends of a connection,
// embedded in [AcceptOptions] and [DialOptions]. The zero value means the
// documented defaults.
type ConnOptions struct {
	// ReadLimit is the largest message the connection reads, in bytes; a
	// larger one fails the connection with CloseMessageTooBig (1009),
	// detected from the frame header before anything is allocated. Zero
	// means DefaultReadLimit (32 MiB); negative means no limit. See also
	// Conn.SetReadLimit.
	ReadLimit int64
	// CloseTimeout bounds the closing handshake: how long Close waits for
	// the peer's close frame, and how long a failing connection waits for
	// the peer's reply, before dropping TCP. Zero means
	// DefaultCloseTimeout (5 s).
	CloseTimeout time.Duration
	// PingInterval turns on keepalive: a ping every PingInterval, answered
	// pongs keeping the connection up. Zero or negative means no
	// keepalive. The pings use a timer, not a goroutine.
	PingInterval time.Duration
	// PongTimeout is how long keepalive waits for the pong before failing
	// the connection with CloseInternalError (1011) and
	// ErrKeepaliveTimeout. Zero means PingInterval; negative means
	// waiting forever.
	PongTimeout time.Duration
	// Compression turns on permessage-deflate (RFC 7692): a server
	// accepts a client's offer, a client makes one. Nil, or Mode
	// CompressionDisabled, means no compression. See package deflate for
	// the fields, their defaults and the memory each mode costs.
	Compression *CompressionOptions
	// CoalesceWrites holds back a message written while more input is
	// already buffered for the reader, and sends the held messages in one
	// system call when the reader next waits for input (or when 64 KiB
	// are held, a control frame goes out, or Flush is called). A server
	// whose reading goroutine writes the replies (an echo, a
	// request/response loop, a Receive handler) then answers a burst of
	// pipelined small messages with one write instead of one per message,
	// several times fewer system calls. The cost: a message written by
	// another goroutine, or by the reader before it stops reading for a
	// while, can wait until that reader reads again; call Conn.Flush when
	// that matters. Off by default.
	CoalesceWrites bool
}

// config returns the connection settings with defaults filled in.
func (o *ConnOptions) config() connConfig {
	cfg := connConfig{
		readLimit:    o.ReadLimit,
		closeTimeout: o.CloseTimeout,
		pingInterval: max(o.PingInterval, 0),
		pongTimeout:  o.PongTimeout,

		coalesceWrites: o.CoalesceWrites,
	}
	switch {
	case cfg.readLimit == 0:
		cfg.readLimit = DefaultReadLimit
	case cfg.readLimit < 0:
		cfg.readLimit = 1<<63 - 1
	}
	if cfg.closeTimeout <= 0 {
		cfg.closeTimeout = DefaultCloseTimeout
	}
	switch {
	case cfg.pongTimeout == 0:
		cfg.pongTimeout = cfg.pingInterval
	case cfg.pongTimeout < 0:
		cfg.pongTimeout = 0
	}
	return cfg
}
