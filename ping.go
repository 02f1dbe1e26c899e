package websocket

import (
	"context"
	"encoding/binary"
	"sync"
	"time"

	"github.com/wirefast/websocket/protocol"
)

// Ping sends a ping and waits for the matching pong, returning the round
// trip time. The pong is received by the goroutine reading the
// connection, so another goroutine must be in a read (or [Conn.CloseRead]
// must have been called) for Ping to return before ctx is done.
func (c *Conn) Ping(ctx context.Context) (time.Duration, error) {
	seq, ch := c.addPingWaiter()
	defer c.removePingWaiter(seq)
	start := time.Now()
	if err := c.sendPing(ctx, seq); err != nil {
		return 0, err
	}
	select {
	case <-ch:
		return time.Since(start), nil
	case <-c.closed():
		return 0, c.closeCause()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// sendPing writes a ping whose payload is seq, 8 bytes big-endian.
func (c *Conn) sendPing(ctx context.Context, seq uint64) error {
	var p [8]byte
	binary.BigEndian.PutUint64(p[:], seq)
	return c.writeFrame(ctx, true, 0, protocol.OpPing, p[:])
}

// pingState numbers the pings of a connection and holds the Ping calls
// waiting for their pongs. A connection makes it on its first ping, sent
// or awaited, so that one that never pings does not carry it.
type pingState struct {
	mu      sync.Mutex
	seq     uint64
	waiters map[uint64]chan struct{}
}

// pingState returns c's ping state, making it on first use.
func (c *Conn) pingState() *pingState {
	if s := c.pings.Load(); s != nil {
		return s
	}
	c.pings.CompareAndSwap(nil, new(pingState))
	return c.pings.Load()
}

func (c *Conn) addPingWaiter() (uint64, chan struct{}) {
	ch := make(chan struct{})
	s := c.pingState()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	if s.waiters == nil {
		s.waiters = make(map[uint64]chan struct{})
	}
	s.waiters[s.seq] = ch
	return s.seq, ch
}

func (c *Conn) removePingWaiter(seq uint64) {
	s := c.pingState()
	s.mu.Lock()
	delete(s.waiters, seq)
	s.mu.Unlock()
}

func (c *Conn) nextPingSeq() uint64 {
	s := c.pingState()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// gotPong matches a pong to a waiting Ping or to the keepalive ping.
// Unsolicited pongs (RFC 6455, Section 5.5.3) are ignored.
func (c *Conn) gotPong(p []byte) {
	if len(p) != 8 {
		return
	}
	seq := binary.BigEndian.Uint64(p)
	if s := c.pings.Load(); s != nil {
		s.mu.Lock()
		if ch, ok := s.waiters[seq]; ok {
			close(ch)
			delete(s.waiters, seq)
		}
		s.mu.Unlock()
	}
	if k := c.keepalive; k != nil {
		k.pong(seq)
	}
}

// keepalive pings the peer every interval and fails the connection when
// a pong does not come back within the timeout, like python-websockets'
// ping_interval and ping_timeout. It runs on one timer, not a goroutine.
type keepalive struct {
	c        *Conn
	interval time.Duration
	timeout  time.Duration

	mu      sync.Mutex
	timer   *time.Timer
	waiting uint64 // seq of the unanswered ping, 0 when none
	stopped bool
}

func (c *Conn) startKeepalive(interval, timeout time.Duration) {
	k := &keepalive{c: c, interval: interval, timeout: timeout}
	c.keepalive = k
	k.mu.Lock() // fire must see k.timer
	k.timer = time.AfterFunc(k.interval, k.fire)
	k.mu.Unlock()
}

func (c *Conn) stopKeepalive() {
	if k := c.keepalive; k != nil {
		k.mu.Lock()
		k.stopped = true
		k.timer.Stop()
		k.mu.Unlock()
	}
}

// fire runs when the timer expires: either it is time to ping, or the
// pong is late.
func (k *keepalive) fire() {
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	if k.waiting != 0 {
		k.stopped = true
		k.mu.Unlock()
		k.c.keepaliveTimeout()
		return
	}
	seq := k.c.nextPingSeq()
	k.waiting = seq
	if k.timeout > 0 {
		k.timer.Reset(k.timeout)
	}
	k.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), max(k.timeout, time.Second))
	defer cancel()
	_ = k.c.sendPing(ctx, seq)
}

// pong records the pong for seq and schedules the next ping.
func (k *keepalive) pong(seq uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopped || k.waiting == 0 || seq < k.waiting {
		return
	}
	k.waiting = 0
	k.timer.Reset(k.interval)
}

// keepaliveTimeout fails a connection whose peer stopped answering pings:
// it sends close 1011 without waiting for a reply and drops TCP.
func (c *Conn) keepaliveTimeout() {
	payload, _ := protocol.AppendClosePayload(nil, CloseInternalError, "keepalive ping timeout")
	_, _ = c.sendClose(payload, time.Now().Add(time.Second))
	c.closeTCP(ErrKeepaliveTimeout)
}
