package websocket

import (
	"errors"

	"github.com/wirefast/websocket/protocol"
)

// Errors returned by the connection. Violations of the protocol by the
// peer are the [protocol.Error] values of package protocol (for example
// protocol.ErrInvalidUTF8), which carry the close code that was sent.
var (
	// ErrCloseTimeout is returned by Close when the peer did not answer
	// the close frame within the close timeout; the connection has been
	// dropped.
	ErrCloseTimeout = errors.New("websocket: close handshake timed out")
	// ErrCloseSent is returned by Write, Writer and Ping after the close
	// frame has been sent: no more data may follow it.
	ErrCloseSent = errors.New("websocket: close frame already sent")
	// ErrKeepaliveTimeout is returned by reads and writes after the peer
	// failed to answer a keepalive ping within the pong timeout; the
	// connection was failed with CloseInternalError (1011).
	ErrKeepaliveTimeout = errors.New("websocket: keepalive ping timeout")
	// ErrMessageType is returned by Write and Writer for a message type
	// other than MessageText and MessageBinary.
	ErrMessageType = errors.New("websocket: invalid message type")
	// ErrWriterClosed is returned by a message writer's Write and Close
	// after it was closed.
	ErrWriterClosed = errors.New("websocket: message writer closed")
)

// Violations of what the application expects, sent as close frames like
// the peer's protocol violations.
var (
	// ErrUnexpectedData is the error of a connection in CloseRead that
	// received a data message; it was closed with ClosePolicyViolation.
	ErrUnexpectedData = &protocol.Error{Code: ClosePolicyViolation, Reason: "unexpected data message"}
	// ErrUnexpectedType is returned by the Read method of a net.Conn from
	// NetConn when a data message of the other type arrives; the
	// connection was closed with CloseUnsupportedData (1003).
	ErrUnexpectedType = &protocol.Error{Code: CloseUnsupportedData, Reason: "unexpected message type"}
)
