package websocket

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/wirefast/websocket/internal/wstest"
	"github.com/wirefast/websocket/protocol"
)

// TestReceiveLargeMessagesPooled reads messages larger than receive
// mode's first buffer, whole and in fragments: each is read into a
// pooled buffer of a larger size (growMessage), not into memory
// allocated for it, which made receive mode take two to three times the
// CPU of a ReadInto loop on 1 MiB echoes.
func TestReceiveLargeMessagesPooled(t *testing.T) {
	if raceEnabled {
		t.Skip("race detector: sync.Pool drops items at random, so the buffers allocate; the non-race runs (make purego) count")
	}
	const size, messages = 200 << 10, 30
	payload := bytes.Repeat([]byte("wirefast"), size/8)
	tests := []struct {
		name   string
		stream []byte
	}{
		{"whole", maskedFrame(true, protocol.OpBinary, payload)},
		{"fragments", append(
			maskedFrame(false, protocol.OpBinary, payload[:size/2]),
			maskedFrame(true, protocol.OpContinuation, payload[size/2:])...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := wstest.TCPPair(t)
			c := NewConnForTest(b, false, TestConfig{})
			defer c.CloseNow()
			got := make(chan bool, 1)
			err := c.Receive(func(_ MessageType, msg []byte) { got <- bytes.Equal(msg, payload) }, nil)
			if err != nil {
				t.Fatal(err)
			}
			send := func() {
				t.Helper()
				if _, err := a.Write(tt.stream); err != nil {
					t.Fatal(err)
				}
				select {
				case ok := <-got:
					if !ok {
						t.Fatal("the message received differs from the one sent")
					}
				case <-time.After(10 * time.Second):
					t.Fatal("no message received")
				}
			}
			send() // fill the pools
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range messages {
				send()
			}
			runtime.ReadMemStats(&after)
			if perMsg := (after.TotalAlloc - before.TotalAlloc) / messages; perMsg > size/8 {
				t.Errorf("%d bytes allocated per message of %d bytes, want the pooled buffers reused", perMsg, size)
			}
		})
	}
}
