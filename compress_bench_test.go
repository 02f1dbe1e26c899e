package websocket_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
	"github.com/wirefast/websocket/internal/wstest"
)

// jsonMessages returns count distinct JSON-like text messages of exactly n
// bytes each: records of an event stream with varying ids, names, numbers
// and timestamps, as chat and API traffic is (ASCII, so that cutting at n
// bytes keeps it valid UTF-8).
func jsonMessages(n, count int) [][]byte {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	events := []string{"click", "view", "purchase", "login", "logout", "scroll"}
	users := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace"}
	msgs := make([][]byte, count)
	for i := range msgs {
		m := make([]byte, 0, n+256)
		m = append(m, '[')
		for len(m) < n {
			if len(m) > 1 {
				m = append(m, ',')
			}
			m = fmt.Appendf(m, `{"id":%d,"user":"%s%d","event":"%s","ts":"2026-11-26T%02d:%02d:%02d.%03dZ",`+
				`"pos":{"x":%d,"y":%d},"price":%d.%02d,"ok":%v,"tags":["%s","%s"]}`,
				r.IntN(1e9), users[r.IntN(len(users))], r.IntN(1000), events[r.IntN(len(events))],
				r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(1920), r.IntN(1080),
				r.IntN(500), r.IntN(100), r.IntN(2) == 0, events[r.IntN(len(events))], users[r.IntN(len(users))])
		}
		msgs[i] = m[:n]
	}
	return msgs
}

// deflatePair negotiates permessage-deflate between a client and a
// server using opts on both sides, through deflate's public Offer,
// Accept and Confirm, and returns each side's Config; nil opts returns
// nil Configs (no compression).
func deflatePair(tb testing.TB, opts *websocket.CompressionOptions) (client, server *deflate.Config) {
	tb.Helper()
	if opts == nil {
		return nil, nil
	}
	offer, err := deflate.Offer(opts)
	if err != nil {
		tb.Fatal(err)
	}
	server, err = deflate.Accept(offer, opts)
	if err != nil || server == nil {
		tb.Fatalf("deflate.Accept(%v) = %v, %v", offer, server, err)
	}
	client, err = deflate.Confirm([]handshake.Extension{server.Response()}, opts)
	if err != nil || client == nil {
		tb.Fatalf("deflate.Confirm(%v) = %v, %v", server.Response(), client, err)
	}
	return client, server
}

// compressionModes are BenchmarkEchoCompressed's variants: every message
// compressed (Threshold -1), with and without context takeover at the
// default window (12 bits), beside the same messages uncompressed.
var compressionModes = []struct {
	name string
	opts *websocket.CompressionOptions
}{
	{"off", nil},
	{"notakeover", &websocket.CompressionOptions{Mode: websocket.CompressionNoContextTakeover, Threshold: -1}},
	{"takeover", &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover, Threshold: -1}},
}

// BenchmarkEchoCompressed measures a round trip of a JSON-like text
// message through two Conns over loopback TCP, as BenchmarkEcho does,
// with permessage-deflate in both directions: the client compresses, the
// server decompresses, validates, compresses the echo, and the client
// decompresses it. Each op sends the next of 8 distinct messages, so
// context takeover cannot match a message against an identical
// predecessor. wire-B/msg is the compressed payload of one message as
// the client sends it (input bytes for "off").
func BenchmarkEchoCompressed(b *testing.B) {
	for _, mode := range compressionModes {
		for _, size := range benchSizes {
			b.Run(mode.name+"/"+size.name, func(b *testing.B) {
				clientCfg, serverCfg := deflatePair(b, mode.opts)
				cc, sc := wstest.TCPPair(b)
				client := startEcho(b, cc, sc, websocket.TestConfig{Deflate: clientCfg}, websocket.TestConfig{Deflate: serverCfg})
				msgs := jsonMessages(size.n, 8)
				roundTrips(b, client, websocket.MessageText, msgs)
				b.ReportMetric(wireBytes(clientCfg, msgs), "wire-B/msg")
			})
		}
	}
}

// wireBytes returns the mean compressed size of msgs as an encoder of
// cfg sends them in turn, after one pass to fill a kept window; the
// input size when cfg is nil.
func wireBytes(cfg *deflate.Config, msgs [][]byte) float64 {
	if cfg == nil {
		return float64(len(msgs[0]))
	}
	enc := cfg.NewEncoder()
	defer enc.Reset()
	var out []byte
	for _, m := range msgs {
		out = enc.Compress(out[:0], m)
	}
	total := 0
	for _, m := range msgs {
		out = enc.Compress(out[:0], m)
		total += len(out)
	}
	return float64(total) / float64(len(msgs))
}
