package tcpecho

import (
	"errors"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"

	"github.com/wirefast/websocket/bench/echo"
)

// platformModes are the modes only Linux has.
var platformModes = []echo.Mode{{
	Name: "epoll",
	Doc:  "one thread in epoll_wait for every connection, reading and writing inline: no Go scheduler on a message's way",
	Serve: func(ln net.Listener) error {
		return newEpollEcho().serve(ln)
	},
}, blockMode}

// epollEcho is the raw TCP echo as an event loop: one goroutine, locked
// to its thread, waits in epoll_wait (level-triggered) for every
// connection and, for each readable one, reads up to bufferSize bytes
// and writes them back before it waits again; three system calls a
// round trip, where a goroutine per connection makes four (the runtime's
// epoll_pwait, a read, a write, and a read that finds nothing). It
// measures what a server that bypasses the runtime's poller and
// scheduler saves. The sockets are blocking: the loop reads only what
// epoll reported readable, and a write waits for room, which the load
// generator always makes (it reads every connection all the time).
type epollEcho struct {
	epfd   int
	wakeR  int          // read end of a pipe in the epoll set: written when the listener closes
	wakeW  int          // its write end
	open   atomic.Int64 // connections added and not yet closed
	closed atomic.Bool  // the listener is closed: end once open is 0
	done   chan struct{}
}

func newEpollEcho() *epollEcho { return &epollEcho{done: make(chan struct{})} }

// serve accepts connections from ln into the loop until ln is closed;
// the loop serves them until the last one ends, then stops.
func (e *epollEcho) serve(ln net.Listener) error {
	if err := e.start(); err != nil {
		return err
	}
	var err error
	for {
		var nc net.Conn
		if nc, err = ln.Accept(); err != nil {
			break
		}
		if aerr := e.add(nc); aerr != nil {
			nc.Close()
		}
	}
	e.closed.Store(true)
	_, _ = syscall.Write(e.wakeW, []byte{0})
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// start opens the epoll instance and its wake-up pipe, and starts the
// loop.
func (e *epollEcho) start() error {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return err
	}
	e.epfd, e.wakeR, e.wakeW = epfd, p[0], p[1]
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(e.wakeR)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, e.wakeR, &ev); err != nil {
		e.closeAll()
		return err
	}
	go e.loop()
	return nil
}

// add moves nc's socket into the loop: a blocking duplicate of its
// descriptor joins the epoll set, and nc itself is closed, which takes
// it out of the runtime's poller.
func (e *epollEcho) add(nc net.Conn) error {
	fd, err := blockingDup(nc)
	nc.Close()
	if err != nil {
		return err
	}
	e.open.Add(1)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	if err := syscall.EpollCtl(e.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		e.open.Add(-1)
		syscall.Close(fd)
		return err
	}
	return nil
}

// blockingDup returns a blocking duplicate of nc's socket descriptor.
// Closing nc then takes the socket out of the runtime's poller; the
// duplicate keeps it open.
func blockingDup(nc net.Conn) (int, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1, errors.New("tcpecho: not a socket")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	cerr := raw.Control(func(s uintptr) { fd, err = syscall.Dup(int(s)) })
	if cerr != nil || err != nil {
		return -1, errors.Join(cerr, err)
	}
	// O_NONBLOCK belongs to the open file, which the duplicate shares.
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// loop echoes until the listener is closed and no connection is left.
func (e *epollEcho) loop() {
	runtime.LockOSThread()
	defer close(e.done)
	defer e.closeAll()
	events := make([]syscall.EpollEvent, 128)
	buf := make([]byte, bufferSize)
	for !e.closed.Load() || e.open.Load() > 0 {
		n, err := syscall.EpollWait(e.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			if fd == e.wakeR {
				// The listener closed: empty the pipe, or it would stay
				// readable, and let the loop's condition decide.
				var b [8]byte
				_, _ = syscall.Read(e.wakeR, b[:])
				continue
			}
			if !echoOnce(fd, buf) {
				_ = syscall.EpollCtl(e.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
				syscall.Close(fd)
				e.open.Add(-1)
			}
		}
	}
}

// echoOnce reads what fd holds, up to len(buf), and writes it back,
// reporting false when the connection has ended.
func echoOnce(fd int, buf []byte) bool {
	n, err := syscall.Read(fd, buf)
	if err == syscall.EINTR {
		return true
	}
	if n <= 0 || err != nil {
		return false
	}
	for w := buf[:n]; len(w) > 0; {
		k, err := syscall.Write(fd, w)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		w = w[k:]
	}
	return true
}

func (e *epollEcho) closeAll() {
	syscall.Close(e.wakeR)
	syscall.Close(e.wakeW)
	syscall.Close(e.epfd)
}
