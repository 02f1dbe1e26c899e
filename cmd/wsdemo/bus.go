package main

import (
	"context"
	"errors"
	"math"
	"sync"
)

// A bus holds the state the demos share (the counter, who is online) and
// carries their events to every client, in one order for all. The memory
// bus serves one process; the Redis bus (redisbus.go) makes several
// wsdemo processes one app. Either way, events reach the clients through
// the process's hub.
type bus interface {
	// AddCounter adds delta to the counter; every counter client then
	// gets the new {"type":"state"}.
	AddCounter(ctx context.Context, delta int64) error
	// SendCounter sends the counter's current state to one peer only.
	SendCounter(ctx context.Context, to string) error
	// Join records the peer id (with nick) as present in topic, admits
	// it in the hub of its process (it gets the events after its join,
	// none before), then everyone in topic gets notice, if not nil, and
	// the users event.
	Join(ctx context.Context, topic, id, nick string, notice []byte) error
	// Leave undoes Join, with the same announcements.
	Leave(ctx context.Context, topic, id string, notice []byte) error
	// Publish sends msg to everyone in topic.
	Publish(ctx context.Context, topic string, msg []byte) error
	// Ping reports whether the bus works, for /healthz.
	Ping(ctx context.Context) error
	// Close releases the bus; the hub gets nothing more.
	Close() error
}

// errCounterOverflow is returned by AddCounter when the counter would
// leave the int64 range.
var errCounterOverflow = errors.New("wsdemo: counter overflow")

// memBus is the bus of a single process: plain variables under a mutex.
// Holding the mutex while handing events to the hub (which never blocks)
// gives every client the events in the same order.
type memBus struct {
	hub *hub

	mu      sync.Mutex
	counter int64
	present map[string]map[string]string // topic → peer id → nick
}

func newMemBus(h *hub) *memBus {
	return &memBus{hub: h, present: make(map[string]map[string]string)}
}

func (b *memBus) AddCounter(_ context.Context, delta int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if (delta > 0 && b.counter > math.MaxInt64-delta) || (delta < 0 && b.counter < math.MinInt64-delta) {
		return errCounterOverflow
	}
	b.counter += delta
	b.hub.deliver(counterTopic, "", mustJSON(stateEvent{Type: "state", Value: b.counter}))
	return nil
}

func (b *memBus) SendCounter(_ context.Context, to string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hub.deliver(counterTopic, to, mustJSON(stateEvent{Type: "state", Value: b.counter}))
	return nil
}

func (b *memBus) Join(_ context.Context, topic, id, nick string, notice []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	members := b.present[topic]
	if members == nil {
		members = make(map[string]string)
		b.present[topic] = members
	}
	members[id] = nick
	b.hub.admit(topic, id)
	b.announce(topic, notice)
	return nil
}

func (b *memBus) Leave(_ context.Context, topic, id string, notice []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	members := b.present[topic]
	if _, ok := members[id]; !ok {
		return nil
	}
	delete(members, id)
	b.announce(topic, notice)
	if len(members) == 0 {
		delete(b.present, topic)
	}
	return nil
}

// announce delivers notice and the users event of topic. b.mu is held.
func (b *memBus) announce(topic string, notice []byte) {
	if notice != nil {
		b.hub.deliver(topic, "", notice)
	}
	nicks := make([]string, 0, len(b.present[topic]))
	for _, nick := range b.present[topic] {
		nicks = append(nicks, nick)
	}
	b.hub.deliver(topic, "", usersJSON(topic, nicks))
}

func (b *memBus) Publish(_ context.Context, topic string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hub.deliver(topic, "", msg)
	return nil
}

func (b *memBus) Ping(context.Context) error { return nil }
func (b *memBus) Close() error               { return nil }
