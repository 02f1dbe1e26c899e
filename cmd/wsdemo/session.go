package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirefast/websocket"
)

// session is one client's WebSocket connection on the server, as every
// demo handler sees it.
type session struct {
	id   string // unique across the processes of the app: process id / number
	conn *websocket.Conn
	m    *demoMetrics
	log  *slog.Logger // carries demo and id

	writeTimeout time.Duration
	sentCode     atomic.Int32 // the close code this side sent first, 0 if none
}

// write sends one message, bounded by the write timeout, and counts it.
func (s *session) write(ctx context.Context, typ websocket.MessageType, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.writeTimeout)
	defer cancel()
	if err := s.conn.Write(ctx, typ, msg); err != nil {
		return err
	}
	s.m.sent(len(msg))
	return nil
}

// close starts the closing handshake with code and reason, remembering
// the code for the disconnect log.
func (s *session) close(code websocket.CloseCode, reason string) error {
	s.sentCode.CompareAndSwap(0, int32(code))
	return s.conn.Close(code, reason)
}

// closeCode returns the code the connection closed with, given the error
// that ended the handler: the peer's close frame (or its echo of ours),
// else the code we sent, else 1006 (closed without a close frame). It
// reports false when err does not tell: the context.Canceled of
// Conn.CloseRead's context, which ends the push handlers.
func (s *session) closeCode(err error) (websocket.CloseCode, bool) {
	if code := websocket.CloseStatus(err); code != 0 {
		return code, true
	}
	if code := s.sentCode.Load(); code != 0 {
		return websocket.CloseCode(code), true
	}
	if errors.Is(err, context.Canceled) {
		return 0, false
	}
	return websocket.CloseAbnormal, true
}

// peer is a session that receives broadcasts (the counter, the chat).
// What the server sends it waits in a bounded queue that one goroutine
// writes out, so a client that reads slowly delays only itself: when its
// queue is full it is dropped with 1013 (try again later) rather than
// making everyone wait for it or buffering for it without bound.
type peer struct {
	*session
	nick     string // in a chat room; "" for the counter
	queue    chan *websocket.PreparedMessage
	slow     chan struct{} // closed once the queue has overflowed
	slowOnce sync.Once
}

func newPeer(s *session, queueLen int) *peer {
	return &peer{session: s, queue: make(chan *websocket.PreparedMessage, queueLen), slow: make(chan struct{})}
}

// send queues msg without ever blocking. It reports false when the queue
// is full; the peer is then marked slow, and its writer drops it.
func (p *peer) send(msg *websocket.PreparedMessage) bool {
	select {
	case <-p.slow:
		return false
	case p.queue <- msg:
		return true
	default:
		p.slowOnce.Do(func() { close(p.slow) })
		return false
	}
}

// sendJSON queues a message for this peer alone (an error notice).
func (p *peer) sendJSON(v any) {
	msg, err := prepare(mustJSON(v))
	if err == nil {
		p.send(msg)
	}
}

// startWriter runs the peer's writer until the returned stop is called
// (stop waits for it to end).
func (p *peer) startWriter(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { p.writeLoop(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}

// writeLoop writes the queued messages until ctx is done or the peer is
// dropped for being slow.
func (p *peer) writeLoop(ctx context.Context) {
	for {
		select { // a slow peer gets nothing more, not even what is queued
		case <-p.slow:
			p.drop("too slow: send queue full")
			return
		default:
		}
		select {
		case <-ctx.Done():
			return
		case <-p.slow:
			continue
		case msg := <-p.queue:
			wctx, cancel := context.WithTimeout(ctx, p.writeTimeout)
			err := p.conn.WritePrepared(wctx, msg)
			cancel()
			switch {
			case err == nil:
				p.m.sent(msg.Len())
			case ctx.Err() != nil, errors.Is(err, websocket.ErrCloseSent), errors.Is(err, websocket.ErrClosed):
				return // the connection is closing anyway
			default:
				// Most likely the write timed out: the client does not read.
				p.drop("too slow: write timed out")
				return
			}
		}
	}
}

// drop closes a slow peer's connection with 1013. The close frame may
// itself wait behind a write the client does not read; the close timeout
// bounds that.
func (p *peer) drop(reason string) {
	p.m.dropped.Add(1)
	p.log.Warn("slow client dropped", "reason", reason, "queued", len(p.queue))
	_ = p.close(websocket.CloseTryAgainLater, reason)
}

// prepare frames msg once for any number of peers (and compresses it
// once per window size the peers negotiated).
func prepare(msg []byte) (*websocket.PreparedMessage, error) {
	return websocket.NewPreparedMessage(websocket.MessageText, msg)
}
