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
	owner := NewOwner()
	p := testPoller(t)
	fd := readableSocket(t)
	t.Cleanup(func() { p.Remove(fd, owner) })
	fired := make(chan struct{}, 1)
	if err := p.Wait(fd, owner, func() { fired <- struct{}{} }, nil, true); err != nil {
		t.Fatal(err)
	}
	expectFired(t, fired, 1, "for data waiting before the first Wait")
}

// TestBusy checks that Busy tells a wake-up that found several sockets
// ready from one that found a single one. The poller here is a private
// one whose goroutine starts only once three sockets are readable, so
// that its first epoll_wait finds all three.
func TestBusy(t *testing.T) {
	owner := NewOwner()
	p, err := openPoller()
	if err != nil {
		t.Fatal(err)
	}
	fired := make(chan struct{}, 4)
	wait := func(fd int) {
		t.Helper()
		if err := p.Wait(fd, owner, func() { fired <- struct{}{} }, nil, true); err != nil {
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

// TestWaitReusedDescriptor closes a registered descriptor without Remove
// and registers the next socket that gets its number, for another owner:
// that first Wait replaces the registration left behind, and the first
// owner's late Remove (a Conn closed after its socket was closed behind
// its back) leaves the new one alone, so the new socket's data fires.
func TestWaitReusedDescriptor(t *testing.T) {
	p := testPoller(t)
	oldOwner, newOwner := NewOwner(), NewOwner()
	newPair := func() [2]int {
		t.Helper()
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fds
	}
	old := newPair()
	fd := old[0]
	oldFired := make(chan struct{}, 1)
	if err := p.Wait(fd, oldOwner, func() { oldFired <- struct{}{} }, nil, true); err != nil {
		t.Fatal(err)
	}
	// Closed without Remove: the kernel drops fd from the epoll set, the
	// poller's slot stays. A new pair takes the lowest free numbers.
	syscall.Close(old[0])
	syscall.Close(old[1])
	next := newPair()
	t.Cleanup(func() { syscall.Close(next[0]); syscall.Close(next[1]) })
	watched, writer := next[0], next[1]
	if next[1] == fd {
		watched, writer = next[1], next[0]
	} else if next[0] != fd {
		t.Fatalf("the next socket pair got descriptors %v, not %d", next, fd)
	}
	t.Cleanup(func() { p.Remove(watched, newOwner) }) // runs before the close above
	fired := make(chan struct{}, 1)
	if err := p.Wait(watched, newOwner, func() { fired <- struct{}{} }, nil, true); err != nil {
		t.Fatal(err)
	}
	if f := p.Remove(fd, oldOwner); f != nil {
		t.Error("the old owner's Remove returned a function: it took the new owner's registration")
	}
	if _, err := syscall.Write(writer, []byte("x")); err != nil {
		t.Fatal(err)
	}
	expectFired(t, fired, 1, "for the socket that reused the descriptor")
	expectQuiet(t, oldFired, "for the old owner of the descriptor")
}
