package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/wirefast/websocket"
)

// counterRequest is what a counter client sends: {"action":"plus"} or
// {"action":"minus"}.
type counterRequest struct {
	Action string `json:"action"`
}

// counter serves /ws/counter: a counter shared by every client. Each
// client sends plus or minus; after each change every client gets
// {"type":"state","value":N}, and whenever a client joins or leaves every
// client gets {"type":"users","count":N}. A newcomer first gets both.
func (s *server) counter(ctx context.Context, sess *session) error {
	// The client receives broadcasts through its own bounded queue, which
	// a goroutine of its own writes out.
	p := newPeer(sess, s.cfg.queueLen)
	stop := p.startWriter(ctx)
	defer stop()
	s.hub.add(counterTopic, p)
	defer s.hub.remove(counterTopic, p)

	// Announce the newcomer (everyone gets the new count of users), and
	// tell it the counter's value.
	if err := s.bus.Join(ctx, counterTopic, p.id, "", nil); err != nil {
		sess.log.Error("counter: join", "err", err)
		return sess.close(websocket.CloseInternalError, "state unavailable")
	}
	defer s.leave(sess, counterTopic, nil)
	if err := s.bus.SendCounter(ctx, p.id); err != nil {
		sess.log.Error("counter: send state", "err", err)
		return sess.close(websocket.CloseInternalError, "state unavailable")
	}

	for {
		typ, msg, err := sess.conn.Read(ctx)
		if err != nil {
			return err
		}
		sess.m.received(len(msg))
		var req counterRequest
		if typ != websocket.MessageText || json.Unmarshal(msg, &req) != nil {
			// A bad message is the client's bug, not a reason to drop it.
			sess.log.Warn("counter: malformed message ignored", "type", typ, "message", truncate(msg, 64))
			continue
		}
		var delta int64
		switch req.Action {
		case "plus":
			delta = 1
		case "minus":
			delta = -1
		default:
			sess.log.Warn("counter: unknown action ignored", "action", truncate([]byte(req.Action), 64))
			continue
		}
		if err := s.bus.AddCounter(ctx, delta); err != nil {
			sess.log.Error("counter: change", "action", req.Action, "err", err)
		}
	}
}

// leave takes sess out of topic with the bus, announcing notice. The
// connection's context is usually over by then, hence a fresh one.
func (s *server) leave(sess *session, topic string, notice []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
	defer cancel()
	if err := s.bus.Leave(ctx, topic, sess.id, notice); err != nil {
		sess.log.Error("leave", "topic", topic, "err", err)
	}
}

// truncate returns b as a string of at most n bytes, for logs.
func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// bucket is a token bucket: rate tokens per second, at most burst.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// allow takes a token at time now, reporting false when there is none.
func (b *bucket) allow(now time.Time) bool {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
