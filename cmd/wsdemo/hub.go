package main

import "sync"

// hub knows which peers of this process follow which topic ("counter",
// "chat:ROOM") and hands them the events the bus delivers. It is the
// process-local half of a broadcast; the bus is the half that spans
// processes.
type hub struct {
	mu     sync.Mutex
	topics map[string]map[string]*peer // topic → peer id → peer
}

func newHub() *hub {
	return &hub{topics: make(map[string]map[string]*peer)}
}

// add makes p receive the events of topic.
func (h *hub) add(topic string, p *peer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	peers := h.topics[topic]
	if peers == nil {
		peers = make(map[string]*peer)
		h.topics[topic] = peers
	}
	peers[p.id] = p
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

// members returns every peer of every topic.
func (h *hub) members() []member {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []member
	for topic, peers := range h.topics {
		for id, p := range peers {
			out = append(out, member{topic: topic, id: id, nick: p.nick})
		}
	}
	return out
}

// deliver queues msg for every peer of topic, or only for the peer whose
// id is to when to is not empty. The message is framed once, whatever the
// number of peers (websocket.PreparedMessage). deliver never blocks: a
// peer whose queue is full is marked slow and dropped by its writer.
func (h *hub) deliver(topic, to string, msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	peers := h.topics[topic]
	if to != "" {
		p, ok := peers[to]
		if !ok {
			return // another process's peer, or one that has left
		}
		peers = map[string]*peer{to: p}
	}
	if len(peers) == 0 {
		return
	}
	out, err := prepare(msg)
	if err != nil {
		return
	}
	for _, p := range peers {
		p.send(out)
	}
}
