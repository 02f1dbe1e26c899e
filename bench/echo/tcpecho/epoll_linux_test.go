package tcpecho

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TestEpollEcho runs several connections through the event loop at
// once, large messages among them, then checks that the loop stops once
// the listener is closed and the last connection has ended.
func TestEpollEcho(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := newEpollEcho()
	served := make(chan error, 1)
	go func() { served <- e.serve(ln) }()

	const conns = 8
	sizes := []int{1, 16, 1 << 10, 64 << 10, 1 << 20}
	var wg sync.WaitGroup
	ncs := make([]net.Conn, conns)
	for i := range ncs {
		nc, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		ncs[i] = nc
		nc.SetDeadline(time.Now().Add(20 * time.Second))
		wg.Go(func() {
			for _, size := range sizes {
				want := bytes.Repeat([]byte{byte('a' + i)}, size)
				go nc.Write(want) // a large echo may not fit in the socket buffers
				got := make([]byte, size)
				if _, err := io.ReadFull(nc, got); err != nil {
					t.Errorf("conn %d, %d bytes: %v", i, size, err)
					return
				}
				if !bytes.Equal(got, want) {
					t.Errorf("conn %d, %d bytes: the echo differs", i, size)
					return
				}
			}
		})
	}
	wg.Wait()

	ln.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serve returned %v after the listener closed, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after the listener closed")
	}
	// The connections are still served after the listener closed.
	if _, err := ncs[0].Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	if _, err := io.ReadFull(ncs[0], b[:]); err != nil || b[0] != 'x' {
		t.Fatalf("echo after the listener closed: %q, %v", b, err)
	}
	select {
	case <-e.done:
		t.Fatal("the loop stopped with connections open")
	default:
	}
	for _, nc := range ncs {
		nc.Close()
	}
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the loop did not stop after the last connection ended (%d open)", e.open.Load())
	}
	if n := e.open.Load(); n != 0 {
		t.Errorf("%d connections counted open after the loop stopped", n)
	}
}
