package main

import (
	"sync"

	"github.com/wirefast/websocket"
)

// hub knows which peers of this process follow which topic ("counter",
// "chat:ROOM") and hands them the events the bus delivers. It is the
// process-local half of a broadcast; the bus is the half that spans
// processes.
//
// A peer is added before it joins (so that nothing after its join can
// be missed) but receives events only once the bus admits it, in the
// order of the events, at its own join: it never sees an event that came
// before its join. With several processes this matters: the events of
// the other processes reach this one a little late, and a peer that
// joined here a moment ago must not be told of a join that happened
// before its own.
type hub struct {
	mu     sync.Mutex
	topics map[string]map[string]*follower // topic → peer id → follower
}

// follower is a peer of a topic and whether it receives the events yet.
type follower struct {
	p        *peer
	admitted bool
}

func newHub() *hub {
	return &hub{topics: make(map[string]map[string]*follower)}
}

// add makes p a follower of topic, receiving its events from the moment
// the bus admits it (see admit).
func (h *hub) add(topic string, p *peer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	followers := h.topics[topic]
	if followers == nil {
		followers = make(map[string]*follower)
		h.topics[topic] = followers
	}
	followers[p.id] = &follower{p: p}
}

// admit makes the peer with id receive topic's events from now on. The
// bus calls it at the peer's join, in the order of the topic's events.
func (h *hub) admit(topic, id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f := h.topics[topic][id]; f != nil {
		f.admitted = true
	}
}

// admitAll admits every peer, for a bus that lost track of the order of
// events (a Redis bus after a reconnection).
func (h *hub) admitAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, followers := range h.topics {
		for _, f := range followers {
			f.admitted = true
		}
	}
}

// remove stops p receiving the events of topic.
func (h *hub) remove(topic string, p *peer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.topics[topic], p.id)
	if len(h.topics[topic]) == 0 {
		delete(h.topics, topic)
	}
}

// member is a peer as the bus's presence knows it.
type member struct {
	topic, id, nick string
}

// members returns every peer of every topic, admitted or not.
func (h *hub) members() []member {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []member
	for topic, followers := range h.topics {
		for id, f := range followers {
			out = append(out, member{topic: topic, id: id, nick: f.p.nick})
		}
	}
	return out
}

// deliver queues msg for every admitted peer of topic, or only for the
// peer whose id is to when to is not empty. The message is framed once,
// whatever the number of peers (websocket.PreparedMessage). deliver never
// blocks: a peer whose queue is full is marked slow and dropped by its
// writer.
func (h *hub) deliver(topic, to string, msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	followers := h.topics[topic]
	if to != "" {
		f, ok := followers[to]
		if !ok {
			return // another process's peer, or one that has left
		}
		followers = map[string]*follower{to: f}
	}
	var out *websocket.PreparedMessage
	for _, f := range followers {
		if !f.admitted {
			continue
		}
		if out == nil {
			var err error
			if out, err = prepare(msg); err != nil {
				return
			}
		}
		f.p.send(out)
	}
}
