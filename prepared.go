package websocket

import (
	"context"
	"sync"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/protocol"
)

// PreparedMessage is a message encoded once for many connections: the
// broadcast of a chat room or a shared counter. Writing it to a server
// connection sends bytes framed once, not framed again per receiver; a
// client connection still masks it with a fresh key, as it must.
//
// With permessage-deflate, a server connection sends the message
// compressed once per window size for all receivers.
//
// A PreparedMessage is immutable and safe for concurrent use.
type PreparedMessage struct {
	typ     MessageType
	framed  []byte // header + payload, unmasked, as a server sends it
	payload []byte // the payload part of framed

	// Compressed frames, made on first use for each window size in use:
	// compressed without context takeover, so any receiver can inflate
	// them, with the receiver's window as the limit.
	mu       sync.Mutex
	deflated map[int][]byte
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
	if err := c.msgLock.lock(ctx); err != nil {
		return err
	}
	defer c.msgLock.unlock()
	op, _ := dataOpcode(pm.typ)
	switch {
	case c.role == protocol.RoleClient && c.deflate != nil && c.deflate.ShouldCompress(len(pm.payload)):
		return c.writeCompressed(ctx, op, pm.payload)
	case c.role == protocol.RoleClient:
		return c.writeFrame(ctx, true, 0, op, pm.payload)
	case c.deflate != nil && c.deflate.ShouldCompress(len(pm.payload)):
		bits, takeover := c.deflate.Sending()
		err := c.writeRaw(ctx, pm.deflatedFrame(op, bits, c.deflate.Level))
		if err != nil {
			if takeover {
				c.closeTCP(err)
			}
			return err
		}
		if takeover {
			// The peer's window now holds the message: so must ours.
			c.enc.AddHistory(pm.payload)
		}
		return nil
	}
	return c.writeRaw(ctx, pm.framed)
}

// deflatedFrame returns the message compressed with a window of wbits,
// framed with RSV1, compressing it on first use.
func (pm *PreparedMessage) deflatedFrame(op protocol.Opcode, wbits int, level deflate.Level) []byte {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	if f, ok := pm.deflated[wbits]; ok {
		return f
	}
	payload := deflate.NewEncoder(wbits, false, level).Compress(nil, pm.payload)
	h := protocol.Header{Fin: true, RSV: protocol.RSV1, Opcode: op, Length: int64(len(payload))}
	f := append(protocol.AppendHeader(make([]byte, 0, h.HeaderSize()+len(payload)), h), payload...)
	if pm.deflated == nil {
		pm.deflated = make(map[int][]byte)
	}
	pm.deflated[wbits] = f
	return f
}
