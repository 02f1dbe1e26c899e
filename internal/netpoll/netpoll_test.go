package netpoll

import (
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func fdOf(t *testing.T, c net.Conn) int {
	t.Helper()
	raw, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}

func pair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() { c, _ := ln.Accept(); ch <- c }()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-ch
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestWait(t *testing.T) {
	if !Supported {
		t.Skip("no poller on this platform; the Conn falls back to a goroutine")
	}
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a, b := pair(t)
	fd := fdOf(t, b)
	fired := make(chan struct{}, 2)
	if err := p.Wait(fd, func() { fired <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
		t.Fatal("fired before any data")
	case <-time.After(50 * time.Millisecond):
	}
	a.Write([]byte("x"))
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("did not fire on data")
	}
	// One-shot: unread data does not fire again until re-armed.
	select {
	case <-fired:
		t.Fatal("fired twice for one Wait")
	case <-time.After(50 * time.Millisecond):
	}
	if err := p.Wait(fd, func() { fired <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired: // level-triggered: the unread byte fires at once
	case <-time.After(5 * time.Second):
		t.Fatal("re-armed Wait did not fire on pending data")
	}
}

func TestWaitHangup(t *testing.T) {
	if !Supported {
		t.Skip("no poller on this platform")
	}
	p, _ := Default()
	a, b := pair(t)
	fired := make(chan struct{}, 1)
	if err := p.Wait(fdOf(t, b), func() { fired <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	a.Close()
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("did not fire on hang-up")
	}
}

func TestRemove(t *testing.T) {
	if !Supported {
		t.Skip("no poller on this platform")
	}
	p, _ := Default()
	a, b := pair(t)
	fd := fdOf(t, b)
	var called atomic.Bool
	if err := p.Wait(fd, func() { called.Store(true) }); err != nil {
		t.Fatal(err)
	}
	f := p.Remove(fd)
	if f == nil {
		t.Fatal("Remove did not return the pending function")
	}
	a.Write([]byte("x"))
	time.Sleep(50 * time.Millisecond)
	if called.Load() {
		t.Error("removed registration fired")
	}
	if p.Remove(fd) != nil {
		t.Error("second Remove returned a function")
	}
}

// TestBadDescriptor checks that descriptors the poller never saw, or
// that cannot exist, are refused or ignored rather than indexing out of
// range.
func TestBadDescriptor(t *testing.T) {
	if !Supported {
		t.Skip("no poller on this platform")
	}
	p, _ := Default()
	if err := p.Wait(-1, func() {}); err == nil {
		t.Error("Wait(-1) succeeded")
	}
	for _, fd := range []int{-1, 1 << 20} {
		if f := p.Remove(fd); f != nil {
			t.Errorf("Remove(%d) returned a function", fd)
		}
	}
}
