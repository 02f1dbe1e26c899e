package deflate_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/wirefast/websocket/deflate"
)

// conn is the compression state of one connection.
type conn struct {
	e *deflate.Encoder
	d *deflate.Decoder
}

// heapPerConn returns the live heap bytes per idle connection whose
// encoder and decoder use windowBits and takeover, after each has sent and
// received a few messages. Two collections empty the pools, so buffers
// parked in them are not counted.
func heapPerConn(windowBits int, takeover bool, n int) float64 {
	msgs := [][]byte{corpusMessage("json", 20000), corpusMessage("chat", 3000)}
	var peer []byte
	for _, m := range msgs {
		peer = deflate.NewEncoder(windowBits, false, deflate.BestSpeed).Compress(peer[:0], m)
	}
	conns := make([]conn, n)
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var buf []byte
	for i := range conns {
		c := conn{deflate.NewEncoder(windowBits, takeover, deflate.BestSpeed), deflate.NewDecoder(windowBits, takeover)}
		for _, m := range msgs {
			buf = c.e.Compress(buf[:0], m)
		}
		if _, err := c.d.Decompress(buf[:0], peer, -1); err != nil {
			panic(err)
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
