package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/wirefast/websocket"
)

// time serves /ws/time: it pushes the current UTC time (ISO 8601 with a
// Z, as text) at random intervals of 0 to 3 seconds until the client
// leaves. The client never speaks.
func (s *server) time(ctx context.Context, sess *session) error {
	// Someone must still read, to answer the client's pings and its close:
	// CloseRead does it in the background, and its context ends when the
	// connection does.
	ctx = sess.conn.CloseRead(ctx)
	timer := time.NewTimer(randomDelay(s.cfg.timeMaxDelay))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case now := <-timer.C:
			if err := sess.write(ctx, websocket.MessageText, []byte(isoTime(now))); err != nil {
				return err
			}
			timer.Reset(randomDelay(s.cfg.timeMaxDelay))
		}
	}
}

// serveTick serves /ws/tick?since=N: after checking the query (400 when
// it is bad), it upgrades and runs tick.
func (s *server) serveTick(w http.ResponseWriter, r *http.Request) {
	var since int64
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "wsdemo: since must be a non-negative integer", http.StatusBadRequest)
			return
		}
		since = n
	}
	s.accept(w, r, "tick", 0, func(ctx context.Context, sess *session) error {
		return s.tick(ctx, sess, since)
	})
}

// tick pushes {"type":"tick","seq":N,"time":…} every second, N counting
// from since+1: a client that reconnects with ?since=<the last N it got>
// resumes the sequence where it left off.
func (s *server) tick(ctx context.Context, sess *session, since int64) error {
	ctx = sess.conn.CloseRead(ctx)
	ticker := time.NewTicker(s.cfg.tickInterval)
	defer ticker.Stop()
	now := time.Now()
	for seq := since + 1; ; seq++ {
		msg := mustJSON(tickEvent{Type: "tick", Seq: seq, Time: isoTime(now)})
		if err := sess.write(ctx, websocket.MessageText, msg); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case now = <-ticker.C:
		}
	}
}
