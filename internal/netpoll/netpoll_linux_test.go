package netpoll

import (
	"syscall"
	"testing"
	"time"
)

// readableSocket returns one end of a Unix stream socket pair with a byte
// waiting in it: unlike loopback TCP, where the kernel may deliver the
// byte a moment after the write, it is there once the write returns.
func readableSocket(t *testing.T) int {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fds[0]); syscall.Close(fds[1]) })
	if _, err := syscall.Write(fds[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	return fds[0]
}

// TestWaitFirst checks that a first Wait reports data already waiting in
// the socket.
func TestWaitFirst(t *testing.T) {
	p := testPoller(t)
	fd := readableSocket(t)
	t.Cleanup(func() { p.Remove(fd) })
	fired := make(chan struct{}, 1)
	if err := p.Wait(fd, func() { fired <- struct{}{} }, nil, true); err != nil {
		t.Fatal(err)
	}
	expectFired(t, fired, 1, "for data waiting before the first Wait")
}

// TestBusy checks that Busy tells a wake-up that found several sockets
// ready from one that found a single one. The poller here is a private
// one whose goroutine starts only once three sockets are readable, so
// that its first epoll_wait finds all three.
func TestBusy(t *testing.T) {
	p, err := openPoller()
	if err != nil {
		t.Fatal(err)
	}
	fired := make(chan struct{}, 4)
	wait := func(fd int) {
		t.Helper()
		if err := p.Wait(fd, func() { fired <- struct{}{} }, nil, true); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-fired:
			case <-time.After(5 * time.Second):
				t.Fatal("a readable socket did not fire")
			}
		}
	}
	for range 3 {
		wait(readableSocket(t))
	}
	if p.Busy() {
		t.Fatal("busy before any wake-up")
	}
	go p.loop() // parks for good once the test is over
	expect(3)
	if !p.Busy() {
		t.Error("not busy after a wake-up that found three sockets ready")
	}
	wait(readableSocket(t))
	expect(1)
	if p.Busy() {
		t.Error("busy after a wake-up that found one socket ready")
	}
}
