package main

import (
	"context"
	"testing"

	"github.com/wirefast/websocket"
)

// earlyBus publishes an event to a topic just before every join to it:
// the event that, with several processes, another process published a
// moment before the join and this one receives a little after.
type earlyBus struct{ bus }

// earlyEvent is what earlyBus publishes before each join.
func earlyEvent() map[string]any { return map[string]any{"type": "before-join"} }

func (b earlyBus) Join(ctx context.Context, topic, id, nick string, notice []byte) error {
	if err := b.Publish(ctx, topic, []byte(`{"type":"before-join"}`)); err != nil {
		return err
	}
	return b.bus.Join(ctx, topic, id, nick, notice)
}

// TestJoinSeesNothingBefore checks that a peer gets the events of its
// topic from its own join on, however late its process receives an
// event published before that join, while the peers already in the topic
// get everything.
func TestJoinSeesNothingBefore(t *testing.T) {
	forEachApp(t, func(t *testing.T, a app) {
		servers := a.start(t, testConfig(), withBusWrapper(func(b bus) bus { return earlyBus{b} }))
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()

		alice := joinChat(ctx, t, servers[0].ws, "r", "alice")
		expectJSON(ctx, t, alice, joined("alice"))
		expectJSON(ctx, t, alice, roomUsers("r", "alice"))
		bob := joinChat(ctx, t, servers[len(servers)-1].ws, "r", "bob")
		expectJSON(ctx, t, alice, earlyEvent())
		for _, c := range []*websocket.Conn{alice, bob} {
			expectJSON(ctx, t, c, joined("bob"))
			expectJSON(ctx, t, c, roomUsers("r", "alice", "bob"))
		}

		counter := dial(ctx, t, servers[len(servers)-1].ws, "/ws/counter")
		expectJSON(ctx, t, counter, users(1))
		expectJSON(ctx, t, counter, state(0))
	})
}
