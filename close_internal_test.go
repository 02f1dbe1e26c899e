package websocket

import (
	"net"
	"sync"
	"testing"
	"time"
)

// TestClosedRacesClose races closed(), which makes the channel that
// waiters select on, with closeTCP, which closes it: whichever runs
// first, the channel must end up closed exactly once (a second close
// panics), and a wait that begins after the close must not block.
func TestClosedRacesClose(t *testing.T) {
	for i := range 2000 {
		a, b := net.Pipe()
		c := NewConnForTest(a, false, TestConfig{})
		var wg sync.WaitGroup
		var ch <-chan struct{}
		wg.Go(func() { ch = c.closed() })
		wg.Go(func() { c.CloseNow() })
		wg.Wait()
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the channel from closed() was not closed with the connection", i)
		}
		select {
		case <-c.closed():
		default:
			t.Fatalf("round %d: closed() after the close returned an open channel", i)
		}
		b.Close()
	}
}
