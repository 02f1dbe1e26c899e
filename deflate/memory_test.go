package deflate_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
)

// conn is the compression state of one connection.
type conn struct {
	e *deflate.Encoder
	d *deflate.Decoder
}

// heapPerConfig is heapPerConn for the encoder and decoder a negotiated
// configuration makes, the peer's messages coming from peerCfg's encoder.
func heapPerConfig(cfg, peerCfg *deflate.Config, n int) float64 {
	msgs := memoryMessages()
	pe := peerCfg.NewEncoder()
	var peer [][]byte
	for _, m := range msgs {
		peer = append(peer, pe.Compress(nil, m))
	}
	return heapHeld(n, msgs, peer, func() conn { return conn{cfg.NewEncoder(), cfg.NewDecoder()} })
}

// TestMemoryBudgetHeld checks that a server's Options.MemoryBudget holds
// in practice: the heap an idle connection keeps after messages both
// ways, with the windows negotiated under the budget, stays within the
// budget plus the Encoder and Decoder structs (352 bytes, and some slack
// for the allocator's size classes).
func TestMemoryBudgetHeld(t *testing.T) {
	for _, budget := range []int{100_000, 50_000, 12_287, 3000, 768} {
		opts := &deflate.Options{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15, MemoryBudget: budget}
		offer, err := deflate.Offer(&deflate.Options{Mode: deflate.ContextTakeover})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := deflate.Accept(offer, opts)
		if err != nil {
			t.Fatal(err)
		}
		cli, err := deflate.Confirm([]handshake.Extension{srv.Response()}, &deflate.Options{Mode: deflate.ContextTakeover})
		if err != nil {
			t.Fatal(err)
		}
		got := heapPerConfig(srv, cli, 200)
		t.Logf("budget %d (%s): %.0f bytes per connection", budget, formatResponse(srv), got)
		if limit := float64(budget + 352 + 256); got > limit {
			t.Errorf("budget %d: %.0f bytes per connection held, want at most %.0f", budget, got, limit)
		}
	}
}

func formatResponse(cfg *deflate.Config) string {
	return string(handshake.AppendExtensions(nil, []handshake.Extension{cfg.Response()}))
}

// heapPerConn returns the live heap bytes per idle connection whose
// encoder and decoder use windowBits and takeover, after each has sent and
// received a few messages.
func heapPerConn(windowBits int, takeover bool, n int) float64 {
	msgs := memoryMessages()
	var peer [][]byte
	for _, m := range msgs {
		peer = append(peer, deflate.NewEncoder(windowBits, false, deflate.BestSpeed).Compress(nil, m))
	}
	return heapHeld(n, msgs, peer, func() conn {
		return conn{deflate.NewEncoder(windowBits, takeover, deflate.BestSpeed), deflate.NewDecoder(windowBits, takeover)}
	})
}

// memoryMessages are the messages each connection of the memory tests
// sends, and receives compressed.
func memoryMessages() [][]byte {
	return [][]byte{corpusMessage("json", 20000), corpusMessage("chat", 3000)}
}

// heapHeld makes n connections with newConn, has each compress msgs and
// decompress peer in order, and returns the live heap bytes each holds
// afterwards. Two collections empty the pools, so buffers parked in them
// are not counted.
func heapHeld(n int, msgs, peer [][]byte, newConn func() conn) float64 {
	conns := make([]conn, n)
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var buf []byte
	for i := range conns {
		c := newConn()
		for _, m := range msgs {
			buf = c.e.Compress(buf[:0], m)
		}
		for _, p := range peer {
			if _, err := c.d.Decompress(buf[:0], p, -1); err != nil {
				panic(err)
			}
		}
		conns[i] = c
	}
	buf = nil
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	after := ms.HeapAlloc
	runtime.KeepAlive(conns)
	return float64(int64(after)-int64(before)) / float64(n)
}

// TestMemoryPerConnection checks the memory budget of the issue: at most
// 128 KiB per connection (encoder and decoder) with a 15-bit window and
// context takeover both ways, and next to nothing for an idle connection
// without context takeover.
func TestMemoryPerConnection(t *testing.T) {
	tests := []struct {
		bits     int
		takeover bool
		max      float64
	}{
		{15, true, 128 << 10},
		{12, true, 16 << 10},
		{15, false, 512},
	}
	for _, tc := range tests {
		got := heapPerConn(tc.bits, tc.takeover, 200)
		t.Logf("w%d, takeover=%v: %.0f bytes per connection", tc.bits, tc.takeover, got)
		if got > tc.max {
			t.Errorf("w%d, takeover=%v: %.0f bytes per connection, want at most %.0f", tc.bits, tc.takeover, got, tc.max)
		}
	}
}

// BenchmarkIdleConnection reports the heap an idle connection holds for
// compression in each mode (bytes/conn); the time is meaningless.
func BenchmarkIdleConnection(b *testing.B) {
	for _, takeover := range []bool{false, true} {
		for _, bits := range []int{9, 12, 15} {
			b.Run(fmt.Sprintf("takeover=%v/w%d", takeover, bits), func(b *testing.B) {
				var per float64
				for b.Loop() {
					per = heapPerConn(bits, takeover, 100)
				}
				b.ReportMetric(per, "bytes/conn")
			})
		}
	}
}
