package websocket

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/wirefast/websocket/internal/wstest"
)

// BenchmarkReadCancelable reads 1 KiB messages with a context that can be
// canceled, as a request's context is, and with one that cannot.
func BenchmarkReadCancelable(b *testing.B) {
	for _, cancelable := range []bool{false, true} {
		name := "background"
		if cancelable {
			name = "cancelable"
		}
		b.Run(name, func(b *testing.B) {
			stream, _ := maskedStream(1<<10, 64)
			c := NewConnForTest(&replayConn{stream: stream}, false, TestConfig{})
			ctx := context.Background()
			if cancelable {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
			}
			buf := make([]byte, 0, 1<<10)
			b.SetBytes(1 << 10)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if _, buf, err = c.ReadInto(ctx, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// watched returns the context c's read watch holds on to.
func watched(c *Conn) context.Context {
	w := c.rwatch.Load()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ctx
}

// TestCtxWatch checks the reuse of a read context's watch: a context
// used twice in a row stays watched and still interrupts a blocked read,
// leaving the connection usable; a context used once is released after
// its call; closing the connection releases the watch.
func TestCtxWatch(t *testing.T) {
	sc, cc := net.Pipe()
	conn := NewConnForTest(sc, false, TestConfig{})
	defer conn.CloseNow()
	peer := wstest.NewPeer(t, cc, true)
	read := func(ctx context.Context, want string) {
		t.Helper()
		go peer.Write(wstest.Text(want))
		if _, p, err := conn.Read(ctx); err != nil || string(p) != want {
			t.Fatalf("Read = %q, %v, want %q", p, err, want)
		}
	}

	once, cancelOnce := context.WithCancel(context.Background())
	read(once, "once")
	cancelOnce()
	if got := watched(conn); got != nil {
		t.Errorf("after a context used once, the watch holds %v, want none", got)
	}

	loop, cancel := context.WithCancel(context.Background())
	for i := range 3 {
		read(loop, string(rune('a'+i)))
	}
	if watched(conn) != loop {
		t.Fatal("a context used in a loop is not kept watched")
	}
	errc := make(chan error)
	go func() {
		_, _, err := conn.Read(loop) // nothing to read: blocks
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("blocked Read after cancel = %v, want Canceled", err)
	}
	if _, _, err := conn.Read(loop); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read with the ended context = %v, want Canceled", err)
	}
	read(context.Background(), "still usable")

	keep := canceledAtEnd(t)
	read(keep, "x")
	read(keep, "y")
	if watched(conn) != keep {
		t.Fatal("a context used in a loop is not kept watched")
	}
	conn.CloseNow()
	if got := watched(conn); got != nil {
		t.Errorf("after CloseNow, the watch holds %v, want none", got)
	}
}

// canceledAtEnd returns a context that is canceled when the test ends.
func canceledAtEnd(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}
