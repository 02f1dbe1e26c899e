package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// crash stops b as a killed process would: no more heartbeats, the
// connection gone, and its members left behind in Redis.
func crash(b *redisBus) {
	close(b.stop)
	b.ps.Close()
	b.done.Wait()
	b.rdb.Close()
}

// TestRedisDeadProcess checks that the members of a process that died
// without leaving are removed once its heartbeat expires, and that the
// users events say so.
func TestRedisDeadProcess(t *testing.T) {
	const ttl = 300 * time.Millisecond
	url := startRedis(t)
	ts := startServer(t, testConfig(), withBus(redisBusAt(url, ttl)))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	counter := dial(ctx, t, ts.ws, "/ws/counter")
	expectJSON(ctx, t, counter, users(1))
	expectJSON(ctx, t, counter, state(0))
	alice := joinChat(ctx, t, ts.ws, "r", "alice")
	expectJSON(ctx, t, alice, joined("alice"))
	expectJSON(ctx, t, alice, roomUsers("r", "alice"))

	// Another process, with a counter client and a chat member.
	ghost, err := newRedisBus(ctx, url, newHub(), slog.New(slog.DiscardHandler), ttl)
	if err != nil {
		t.Fatal(err)
	}
	if err := ghost.Join(ctx, counterTopic, peerID(ghost.Process(), 1), "", nil); err != nil {
		t.Fatal(err)
	}
	if err := ghost.Join(ctx, chatTopic("r"), peerID(ghost.Process(), 2), "ghost", nil); err != nil {
		t.Fatal(err)
	}
	expectJSON(ctx, t, counter, users(2))
	expectJSON(ctx, t, alice, roomUsers("r", "alice", "ghost"))

	// It dies. Within about ttl, the live process's heartbeat removes
	// its members.
	crash(ghost)
	expectJSON(ctx, t, counter, users(1))
	expectJSON(ctx, t, alice, roomUsers("r", "alice"))
}

// TestRedisLeavesOnClose checks that a process shutting down removes
// itself and its members at once.
func TestRedisLeavesOnClose(t *testing.T) {
	url := startRedis(t)
	a := startServer(t, testConfig(), withBus(redisBusAt(url, 0)))
	b := startServer(t, testConfig(), withBus(redisBusAt(url, 0)))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ca := dial(ctx, t, a.ws, "/ws/counter")
	expectJSON(ctx, t, ca, users(1))
	expectJSON(ctx, t, ca, state(0))
	cb := dial(ctx, t, b.ws, "/ws/counter")
	expectJSON(ctx, t, cb, users(2))
	expectJSON(ctx, t, cb, state(0))
	expectJSON(ctx, t, ca, users(2))
	go func() { // a reading client answers the server's close at once
		for {
			if _, _, err := cb.Read(ctx); err != nil {
				return
			}
		}
	}()
	if err := b.stop(); err != nil {
		t.Fatal(err)
	}
	expectJSON(ctx, t, ca, users(1))
	procs, err := a.srv.bus.(*redisBus).rdb.ZRange(ctx, redisProcsKey, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 1 || procs[0] != a.srv.proc {
		t.Errorf("live processes in Redis: %q, want only %q", procs, a.srv.proc)
	}
}

// TestRedisHealthz checks that /healthz reports a lost Redis.
func TestRedisHealthz(t *testing.T) {
	url, stopRedis := startRedisStoppable(t)
	// No retries: a dead server is reported at once.
	ts := startServer(t, testConfig(), withBus(redisBusAt(url+"?max_retries=-1", 0)))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if resp, body := get(ctx, t, ts.base+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz with Redis up: %s %q", resp.Status, body)
	}
	stopRedis()
	if resp, body := get(ctx, t, ts.base+"/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz with Redis down: %s %q, want 503", resp.Status, body)
	}
}

func TestRedisUnreachable(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	_, err = newRedisBus(ctx, fmt.Sprintf("redis://127.0.0.1:%d/0?max_retries=-1", port), newHub(), slog.New(slog.DiscardHandler), 0)
	if err == nil {
		t.Fatal("newRedisBus with no server succeeded")
	}
}

// TestRedisResync restarts Redis under two processes: once the
// subscriptions are renewed, the processes register their clients again
// and every client gets the users and the counter's state anew.
func TestRedisResync(t *testing.T) {
	url, stopRedis, restartRedis := startRedisRestartable(t)
	a := startServer(t, testConfig(), withBus(redisBusAt(url, 0)))
	b := startServer(t, testConfig(), withBus(redisBusAt(url, 0)))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ca := dial(ctx, t, a.ws, "/ws/counter")
	expectJSON(ctx, t, ca, users(1))
	expectJSON(ctx, t, ca, state(0))
	cb := dial(ctx, t, b.ws, "/ws/counter")
	expectJSON(ctx, t, cb, users(2))
	expectJSON(ctx, t, cb, state(0))
	expectJSON(ctx, t, ca, users(2))
	send(ctx, t, ca, counterRequest{Action: "plus"})
	expectJSON(ctx, t, ca, state(1))
	expectJSON(ctx, t, cb, state(1))
	alice := joinChat(ctx, t, b.ws, "r", "alice")
	expectJSON(ctx, t, alice, joined("alice"))
	expectJSON(ctx, t, alice, roomUsers("r", "alice"))

	stopRedis()
	restartRedis() // empty: the counter is back to 0, the members gone

	// Each process resynchronizes: a client sees the users event of each
	// (the count growing back to 2) and the state each time.
	for _, c := range []*websocket.Conn{ca, cb} {
		last := map[string]any{}
		for !(last["type"] == "users" && last["count"] == float64(2)) {
			msg := readJSON(ctx, t, c)
			if msg["type"] == "state" && msg["value"] != float64(0) {
				t.Fatalf("state %v after the restart, want 0", msg)
			}
			last = msg
		}
	}
	expectJSON(ctx, t, alice, roomUsers("r", "alice"))
	// And the app works on.
	send(ctx, t, cb, counterRequest{Action: "minus"})
	for _, c := range []*websocket.Conn{ca, cb} {
		for {
			msg := readJSON(ctx, t, c)
			if msg["type"] == "state" && msg["value"] == float64(-1) {
				break
			}
		}
	}
}
