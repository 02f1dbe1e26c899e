package websocket

import (
	"net"
	"time"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/protocol"
)

// TestConfig sets the connection options for NewConnForTest; zero fields
// take the defaults.
type TestConfig struct {
	ReadLimit    int64
	CloseTimeout time.Duration
	PingInterval time.Duration
	PongTimeout  time.Duration
	// Deflate, when set, is the negotiated permessage-deflate; its
	// Server field is set from the role.
	Deflate *deflate.Config
	// CoalesceWrites is ConnOptions.CoalesceWrites.
	CoalesceWrites bool
}

// NewConnForTest wraps nc, as if the opening handshake had just
// completed, as a client or a server.
func NewConnForTest(nc net.Conn, client bool, tc TestConfig) *Conn {
	role := protocol.RoleServer
	if client {
		role = protocol.RoleClient
	}
	cfg := connConfig{
		readLimit:    tc.ReadLimit,
		closeTimeout: tc.CloseTimeout,
		pingInterval: tc.PingInterval,
		pongTimeout:  tc.PongTimeout,

		coalesceWrites: tc.CoalesceWrites,
	}
	if tc.Deflate != nil {
		d := *tc.Deflate
		d.Server = !client
		cfg.deflate = &d
	}
	if cfg.readLimit == 0 {
		cfg.readLimit = DefaultReadLimit
	}
	if cfg.closeTimeout == 0 {
		cfg.closeTimeout = DefaultCloseTimeout
	}
	return newConn(nc, role, "", nil, cfg)
}

// WriteChunkSize is writeChunkSize: the most of a frame one write sends.
const WriteChunkSize = writeChunkSize

// DirectWriteMin is directWriteMin: a server's larger payloads go out
// partly from the caller's slice.
const DirectWriteMin = directWriteMin

// HoldBufferSize is the most CoalesceWrites holds, in bytes.
const HoldBufferSize = holdBufferSize

// DirectWriteHead is directWriteHead: the first write of such a frame.
const DirectWriteHead = directWriteHead

// HoldsCoders reports whether c holds an encoder and a decoder for
// permessage-deflate: between messages, only with context takeover.
func HoldsCoders(c *Conn) (enc, dec bool) { return c.enc != nil, c.dec != nil }

// SetPollerBusy makes receive mode see the shared poller as busy or
// quiet (pollerBusy) until the returned function restores it.
func SetPollerBusy(busy bool) (restore func()) {
	saved := pollerBusy
	pollerBusy = func() bool { return busy }
	return func() { pollerBusy = saved }
}
