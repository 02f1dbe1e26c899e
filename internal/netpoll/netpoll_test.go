package netpoll

import (
	"errors"
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

// testPoller returns the process-wide poller, skipping the test where
// the platform has none (the Conn then falls back to a goroutine).
func testPoller(t *testing.T) *Poller {
	t.Helper()
	if !Supported {
		t.Skip("no poller on this platform; the Conn falls back to a goroutine")
	}
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// expectFired waits for n sends on fired, failing with what if one does
// not come.
func expectFired(t *testing.T, fired <-chan struct{}, n int, what string) {
	t.Helper()
	for range n {
		select {
		case <-fired:
		case <-time.After(5 * time.Second):
			t.Fatal("did not fire " + what)
		}
	}
}

// expectQuiet fails if fired gets a send within 50 ms.
func expectQuiet(t *testing.T, fired <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-fired:
		t.Fatal("fired " + what)
	case <-time.After(50 * time.Millisecond):
	}
}

// watched returns the writing end of a loopback pair, and wait, which
// arms a Wait on the other end that sends on fired.
func watched(t *testing.T, p *Poller) (w net.Conn, wait func(first bool), fired chan struct{}) {
	t.Helper()
	owner := NewOwner()
	a, b := pair(t)
	fd := fdOf(t, b)
	t.Cleanup(func() { p.Remove(fd, owner) })
	fired = make(chan struct{}, 2)
	f := func() { fired <- struct{}{} }
	wait = func(first bool) {
		t.Helper()
		if err := p.Wait(fd, owner, f, nil, first); err != nil {
			t.Fatal(err)
		}
	}
	return a, wait, fired
}

// TestWait checks the life of one registration: nothing fires before
// data; data fires the Wait once; a Wait armed again fires for new data,
// not for the byte left unread (edge-triggered).
func TestWait(t *testing.T) {
	w, wait, fired := watched(t, testPoller(t))
	wait(true)
	expectQuiet(t, fired, "before any data")
	w.Write([]byte("x"))
	expectFired(t, fired, 1, "on data")
	expectQuiet(t, fired, "twice for one Wait")
	wait(false)
	expectQuiet(t, fired, "for a byte that was there before the Wait")
	w.Write([]byte("y"))
	expectFired(t, fired, 1, "on new data")
}

// TestWaitPending checks that data arriving while no Wait is armed, after
// one fired and before its owner waits again, fires the next Wait at
// once: the event came and went while nothing was armed, and the socket,
// edge-triggered, will not report it again.
func TestWaitPending(t *testing.T) {
	w, wait, fired := watched(t, testPoller(t))
	wait(true)
	w.Write([]byte("x"))
	expectFired(t, fired, 1, "on data")
	w.Write([]byte("y"))              // while the owner would be reading
	time.Sleep(50 * time.Millisecond) // the poller sees the event, nothing armed
	wait(false)
	expectFired(t, fired, 1, "for data that came while nothing was armed")
}

func TestWaitHangup(t *testing.T) {
	owner := NewOwner()
	p := testPoller(t)
	a, b := pair(t)
	fired := make(chan struct{}, 1)
	if err := p.Wait(fdOf(t, b), owner, func() { fired <- struct{}{} }, nil, true); err != nil {
		t.Fatal(err)
	}
	a.Close()
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("did not fire on hang-up")
	}
}

// TestRemove checks that a removed registration does not fire and that
// Remove hands back the function it had armed, once; and that a Wait
// whose stop function reports true arms nothing, so that an owner that
// has recorded its end and called Remove cannot add its descriptor back
// with a late Wait.
func TestRemove(t *testing.T) {
	owner := NewOwner()
	p := testPoller(t)
	a, b := pair(t)
	fd := fdOf(t, b)
	var called atomic.Bool
	f := func() { called.Store(true) }
	if err := p.Wait(fd, owner, f, nil, true); err != nil {
		t.Fatal(err)
	}
	if p.Remove(fd, owner) == nil {
		t.Fatal("Remove did not return the pending function")
	}
	if err := p.Wait(fd, owner, f, func() bool { return true }, true); !errors.Is(err, ErrStopped) {
		t.Fatalf("Wait after the end = %v, want ErrStopped", err)
	}
	a.Write([]byte("x"))
	time.Sleep(50 * time.Millisecond)
	if called.Load() {
		t.Error("removed registration fired")
	}
	if p.Remove(fd, owner) != nil {
		t.Error("second Remove returned a function")
	}
}

// TestBadDescriptor checks that descriptors the poller never saw, or
// that cannot exist, are refused or ignored rather than indexing out of
// range.
func TestBadDescriptor(t *testing.T) {
	owner := NewOwner()
	p := testPoller(t)
	if err := p.Wait(-1, owner, func() {}, nil, true); err == nil {
		t.Error("Wait(-1) succeeded")
	}
	for _, fd := range []int{-1, 1 << 20} {
		if f := p.Remove(fd, owner); f != nil {
			t.Errorf("Remove(%d) returned a function", fd)
		}
	}
}

// TestWaitManyRounds has many descriptors become readable over and over,
// in bursts larger than one epoll_wait takes and spread out in time, so
// that events arrive while the poller is collecting, dispatching and
// parking. Every Wait must fire: a wake-up lost between the poller's
// last epoll_wait and its parking would leave a round unfinished.
func TestWaitManyRounds(t *testing.T) {
	owner := NewOwner()
	p := testPoller(t)
	const conns, rounds = 300, 40 // 300 > the 256 events one epoll_wait takes
	writers := make([]net.Conn, conns)
	fds := make([]int, conns)
	readers := make([]net.Conn, conns)
	for i := range conns {
		writers[i], readers[i] = pair(t)
		fds[i] = fdOf(t, readers[i])
	}
	// Before the connections close (cleanups run last in, first out):
	// their hang-ups must not fire Waits left armed.
	t.Cleanup(func() {
		for _, fd := range fds {
			p.Remove(fd, owner)
		}
	})
	fired := make(chan int, conns)
	arm := func(i int, first bool) {
		if err := p.Wait(fds[i], owner, func() {
			var b [1]byte
			if _, err := readers[i].Read(b[:]); err != nil {
				t.Errorf("read %d: %v", i, err)
			}
			fired <- i
		}, nil, first); err != nil {
			t.Errorf("Wait %d: %v", i, err)
		}
	}
	for i := range conns {
		arm(i, true)
	}
	for r := range rounds {
		for i, w := range writers {
			if _, err := w.Write([]byte{byte(r)}); err != nil {
				t.Fatal(err)
			}
			if r%2 == 1 && i%16 == 0 {
				time.Sleep(20 * time.Microsecond) // let the poller run between writes
			}
		}
		deadline := time.After(10 * time.Second)
		for range conns {
			select {
			case i := <-fired:
				arm(i, false)
			case <-deadline:
				t.Fatalf("round %d: a Wait did not fire within 10s", r)
			}
		}
	}
}

// TestWaitPingPong re-arms one descriptor and makes it readable again
// right after each Wait fires, many times: the next event then often
// arrives while the poller is still starting the last one's function,
// after its epoll_wait and before it parks, which is where a poller that
// forgot the runtime's readiness would lose it and stall.
func TestWaitPingPong(t *testing.T) {
	owner := NewOwner()
	p := testPoller(t)
	w, r := pair(t)
	fd := fdOf(t, r)
	t.Cleanup(func() { p.Remove(fd, owner) })
	fired := make(chan struct{}, 1)
	f := func() {
		var b [1]byte
		if _, err := r.Read(b[:]); err == nil {
			fired <- struct{}{}
		}
	}
	const rounds = 20000
	start := time.Now()
	for i := range rounds {
		if err := p.Wait(fd, owner, f, nil, i == 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-fired:
		case <-time.After(2 * time.Second):
			t.Fatalf("round %d of %d: the Wait did not fire within 2s", i, rounds)
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("only %d of %d rounds in 20s", i, rounds)
		}
	}
}
