package websocket

import (
	"context"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/protocol"
)

// MessageType is the type of a data message: text (UTF-8) or binary.
type MessageType int

// Message types, equal to their opcodes (RFC 6455, Section 5.6).
const (
	MessageText   MessageType = MessageType(protocol.OpText)
	MessageBinary MessageType = MessageType(protocol.OpBinary)
)

// String returns "text", "binary" or "MessageType(N)".
func (t MessageType) String() string {
	switch t {
	case MessageText:
		return "text"
	case MessageBinary:
		return "binary"
	}
	return "MessageType(" + strconv.Itoa(int(t)) + ")"
}

// Defaults for the options of [AcceptOptions] and [DialOptions].
const (
	// DefaultReadLimit is the largest message Read accepts, in bytes
	// (32 MiB). A larger one fails the connection with CloseMessageTooBig.
	DefaultReadLimit = 32 << 20
	// DefaultCloseTimeout bounds the close handshake: how long Close waits
	// for the peer's close frame, and a failing connection for the peer's
	// reply, before dropping TCP.
	DefaultCloseTimeout = 5 * time.Second
	// DefaultHandshakeTimeout bounds the opening handshake when the caller
	// gives no deadline.
	DefaultHandshakeTimeout = 10 * time.Second
)

// Conn is a WebSocket connection, from [Accept], [AcceptConn] or [Dial].
//
// # Concurrency
//
// One goroutine may read at a time ([Conn.Read], [Conn.ReadInto],
// [Conn.Reader] and the io.Reader it returns); any number of goroutines
// may write ([Conn.Write], [Conn.Writer], [Conn.Ping]) concurrently with
// it and with each other: frames never interleave, though a control frame
// may go out between the frames of a fragmented message. [Conn.Close] and
// [Conn.CloseNow] may be called from any goroutine and unblock pending
// reads and writes.
//
// Control frames are handled while reading: pings are answered, pongs
// matched to [Conn.Ping], the peer's close frame echoed. An application
// that only writes must still keep a goroutine reading (or call
// [Conn.CloseRead]) for that to happen.
type Conn struct {
	noCopy noCopy

	// The network connection is rb.nc: the read buffer reads from it,
	// and the rest of the Conn uses it from there.
	subprotocol    string
	role           protocol.Role
	coalesceWrites bool          // ConnOptions.CoalesceWrites (coalesce.go)
	pollFD         int32         // socket descriptor for netpoll, -1 when none (receive.go)
	pollOwner      uint32        // this Conn's netpoll.NewOwner, set by Receive
	closeTimeout   time.Duration // ConnOptions.CloseTimeout, resolved

	// Read side: owned by the goroutine holding readLock.
	readLock      fairMutex
	rb            readBuf
	checker       protocol.Checker
	utf8          protocol.UTF8Validator
	frame         protocol.Header // current data frame
	frameLeft     int64           // payload bytes of frame not read yet
	msgLen        int64           // bytes of the current message read so far
	maskPos       uint8           // key position for the next payload byte, 0 to 3
	msgText       bool            // the message being read is text
	msgDone       bool            // the current message has been read completely
	msgCompressed bool            // the message being read has RSV1 (compress.go)
	nonBlocking   bool            // receive mode: report errWouldBlock at a message boundary instead of waiting
	readLimit     atomic.Int64
	readErr       error           // sticky: once set, every read returns it
	readCtx       context.Context // of the read in progress; bounds pong replies
	rwatch        watchSlot       // interrupts reads when their context ends
	msgSeq        uint64          // counts messages handed out by Reader
	mr            *messageReader  // the reader Reader returns, made on first use
	msgBuf        *[]byte         // receive mode: the pooled buffer messages are read into (growMessage)

	// permessage-deflate (compress.go); nil when not negotiated. Without
	// context takeover enc and dec are borrowed per message, else nil.
	deflate *deflate.Config
	enc     *deflate.Encoder // used under msgLock
	dec     *deflate.Decoder // used under readLock

	// Receive mode (receive.go): the receiver's ready method, bound once
	// so that arming the poller and waking up allocate nothing; set once
	// by Receive, under closeMu.
	receive func()

	// Write side.
	msgLock   fairMutex      // held while a data message is written
	frameLock fairMutex      // held while a frame is written
	wbuf      *[]byte        // borrowed while writing a frame
	writeErr  error          // sticky, under frameLock
	wwatch    watchSlot      // interrupts writes when their context ends; under frameLock
	mw        *messageWriter // the writer Writer returns, made on first use
	held      int            // bytes of frames held in wbuf by CoalesceWrites; under frameLock
	coalesce  atomic.Uint32  // coalesceReadAhead | coalesceHeld (coalesce.go)

	// Closing.
	closeMu    sync.Mutex  // serializes the transitions below
	closeSent  atomic.Bool // our close frame has gone out (or is going)
	closeRecvd atomic.Bool // the peer's close frame has arrived
	closeOnce  sync.Once
	closedCh   chan struct{}         // made on first use by closed(); under closeMu
	cause      atomic.Pointer[error] // why the connection was closed locally
	onClose    func()                // called once when TCP is closed; under closeMu

	// Keepalive and Ping.
	pings     atomic.Pointer[pingState] // made on the first ping (ping.go)
	keepalive *keepalive
}

// connConfig holds the per-connection settings shared by Accept and Dial,
// with defaults filled in; newConn spreads them over the Conn.
type connConfig struct {
	readLimit      int64
	closeTimeout   time.Duration
	pingInterval   time.Duration
	pongTimeout    time.Duration
	deflate        *deflate.Config // negotiated permessage-deflate, or nil
	coalesceWrites bool
}

// newConn wraps nc, whose opening handshake is done; buffered holds bytes
// already read from nc past the handshake.
func newConn(nc net.Conn, role protocol.Role, subprotocol string, buffered []byte, cfg connConfig) *Conn {
	c := &Conn{
		subprotocol:    subprotocol,
		role:           role,
		coalesceWrites: cfg.coalesceWrites,
		closeTimeout:   cfg.closeTimeout,
		deflate:        cfg.deflate,
	}
	c.checker.Role = role
	if cfg.deflate != nil {
		c.checker.AllowedRSV = protocol.RSV1
		if _, takeover := cfg.deflate.Sending(); takeover {
			c.enc = cfg.deflate.NewEncoder()
		}
		if _, takeover := cfg.deflate.Receiving(); takeover {
			c.dec = cfg.deflate.NewDecoder()
		}
	}
	c.readLimit.Store(cfg.readLimit)
	c.rb.init(nc, buffered)
	c.pollFD = int32(c.rb.fd())
	c.msgDone = true
	if cfg.pingInterval > 0 {
		c.startKeepalive(cfg.pingInterval, cfg.pongTimeout)
	}
	return c
}

// Subprotocol returns the subprotocol chosen in the opening handshake, or
// "" when none was.
func (c *Conn) Subprotocol() string { return c.subprotocol }

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.rb.nc.LocalAddr() }

// RemoteAddr returns the remote network address.
func (c *Conn) RemoteAddr() net.Addr { return c.rb.nc.RemoteAddr() }

// SetReadLimit sets the largest message the connection reads, in bytes.
// A larger message fails the connection with [CloseMessageTooBig]. The
// default is [DefaultReadLimit]; n <= 0 means no limit.
func (c *Conn) SetReadLimit(n int64) {
	if n <= 0 {
		n = 1<<63 - 1
	}
	c.readLimit.Store(n)
}

// noCopy makes go vet's copylocks check report copies of a Conn.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
