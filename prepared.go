package websocket

import (
	"context"

	"github.com/wirefast/websocket/protocol"
)

// PreparedMessage is a message encoded once for many connections: the
// broadcast of a chat room or a shared counter. Writing it to a server
// connection sends bytes framed once, not framed again per receiver; a
// client connection still masks it with a fresh key, as it must.
//
// A PreparedMessage is immutable and safe for concurrent use.
type PreparedMessage struct {
	typ     MessageType
	framed  []byte // header + payload, unmasked, as a server sends it
	payload []byte // the payload part of framed
}

// NewPreparedMessage returns a prepared message of type typ holding a
// copy of payload.
func NewPreparedMessage(typ MessageType, payload []byte) (*PreparedMessage, error) {
	op, err := dataOpcode(typ)
	if err != nil {
		return nil, err
	}
	h := protocol.Header{Fin: true, Opcode: op, Length: int64(len(payload))}
	framed := protocol.AppendHeader(make([]byte, 0, h.HeaderSize()+len(payload)), h)
	framed = append(framed, payload...)
	return &PreparedMessage{typ: typ, framed: framed, payload: framed[h.HeaderSize():]}, nil
}

// Type returns the message type.
func (pm *PreparedMessage) Type() MessageType { return pm.typ }

// Len returns the payload length in bytes.
func (pm *PreparedMessage) Len() int { return len(pm.payload) }

// WritePrepared writes pm as one message, like [Conn.Write].
func (c *Conn) WritePrepared(ctx context.Context, pm *PreparedMessage) error {
	if err := lock(ctx, c.msgLock); err != nil {
		return err
	}
	defer unlock(c.msgLock)
	op, _ := dataOpcode(pm.typ)
	if c.role == protocol.RoleClient {
		return c.writeFrame(ctx, true, 0, op, pm.payload)
	}
	return c.writeRaw(ctx, pm.framed)
}
