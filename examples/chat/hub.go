package main

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/wirefast/websocket"
)

// Defaults of a hub.
const (
	// defaultQueueLen is how many messages may wait to be written to one
	// member before the member counts as too slow and is dropped.
	defaultQueueLen = 16
	// defaultWriteTimeout bounds the write of one message to one member.
	defaultWriteTimeout = 10 * time.Second
	// maxMessageSize is the largest message a member may send, in bytes;
	// a larger one closes its connection with 1009 (message too big).
	maxMessageSize = 4 << 10
)

// hub is a chat room: every message a member sends goes to every member.
//
// A member's messages wait in a queue of its own, bounded, and a
// goroutine per member writes them out, so one slow reader never delays
// the others. When a member's queue is full it is dropped with
// CloseTryAgainLater (1013): holding the room back or buffering without
// bound are the alternatives, and both are worse.
type hub struct {
	queueLen     int           // messages pending per member
	writeTimeout time.Duration // bound on writing one message
	onDrop       func()        // if set, called when a slow member is dropped

	mu      sync.Mutex
	members map[*member]struct{}
}

// member is one connection of the room.
type member struct {
	send    chan *websocket.PreparedMessage // the bounded queue
	dropped chan struct{}                   // closed when the hub drops the member
}

func newHub() *hub {
	return &hub{
		queueLen:     defaultQueueLen,
		writeTimeout: defaultWriteTimeout,
		members:      make(map[*member]struct{}),
	}
}

// serveMember runs the connection of a new member until it ends: its
// messages are broadcast, and the room's are written to it.
func (h *hub) serveMember(ctx context.Context, c *websocket.Conn) {
	m := h.join()
	defer h.leave(m)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		h.readFrom(ctx, c)
	}()
	h.writeTo(ctx, c, m)
	// writeTo closed the connection or found it closed, except after a
	// write that timed out before it began: drop it then. Either way the
	// reader is ending too.
	c.CloseNow()
	<-readDone
}

// readFrom broadcasts each message c sends, until an error.
func (h *hub) readFrom(ctx context.Context, c *websocket.Conn) {
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			return
		}
		h.publish(typ, msg)
	}
}

// writeTo writes m's queued messages to c until m is dropped, ctx ends
// (the connection closed or the server shuts down) or a write fails.
func (h *hub) writeTo(ctx context.Context, c *websocket.Conn, m *member) {
	for {
		select { // a dropped member gets no more messages
		case <-m.dropped:
			c.Close(websocket.CloseTryAgainLater, "too slow: send queue full")
			return
		default:
		}
		select {
		case <-m.dropped:
			continue
		case <-ctx.Done():
			// A no-op when the connection is already closed.
			c.Close(websocket.CloseGoingAway, "server shutting down")
			return
		case pm := <-m.send:
			wctx, cancel := context.WithTimeout(ctx, h.writeTimeout)
			err := c.WritePrepared(wctx, pm)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					// The shutdown stopped the write before it began,
					// which leaves the connection open.
					c.Close(websocket.CloseGoingAway, "server shutting down")
				}
				return
			}
		}
	}
}

// join adds a member and queues its welcome, which says how many members
// the room has: the first message a member gets.
func (h *hub) join() *member {
	m := &member{
		send:    make(chan *websocket.PreparedMessage, h.queueLen),
		dropped: make(chan struct{}),
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.members[m] = struct{}{}
	welcome, _ := websocket.NewPreparedMessage(websocket.MessageText,
		[]byte("welcome: "+strconv.Itoa(len(h.members))+" online"))
	m.send <- welcome
	return m
}

// leave removes m, unless it was dropped already.
func (h *hub) leave(m *member) {
	h.mu.Lock()
	delete(h.members, m)
	h.mu.Unlock()
}

// publish queues a message for every member, dropping those whose queue
// is full. It never blocks on a member.
func (h *hub) publish(typ websocket.MessageType, msg []byte) {
	// Framed once for all members: a server sends the same bytes to each.
	pm, err := websocket.NewPreparedMessage(typ, msg)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for m := range h.members {
		select {
		case m.send <- pm:
		default:
			delete(h.members, m)
			close(m.dropped)
			if h.onDrop != nil {
				h.onDrop()
			}
		}
	}
}
