package netpoll

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
)

// Supported reports whether this platform has a poller.
const Supported = true

// Poller is an epoll instance and the goroutine that waits on it.
//
// The goroutine does not block in epoll_wait: a thread blocked in a
// system call makes the Go runtime hand its processor to another thread,
// and hand it back on every wake-up, which costs more than the message
// that woke it. An epoll descriptor is itself readable while events are
// ready, so the goroutine waits for that through the runtime's own
// poller, parked like any network read, and then collects the events
// with a non-blocking epoll_wait.
//
// Descriptors stay in the epoll set, edge-triggered, from their first
// Wait to Remove: arming a Wait again costs no system call. An event
// that comes while no Wait is armed (its owner still reading) is kept
// in the registration, and the next Wait fires at once.
type Poller struct {
	epfd int
	file *os.File        // epfd as a file: holding it keeps its finalizer from closing epfd
	raw  syscall.RawConn // epfd, through the runtime's poller

	mu  sync.Mutex
	fds []registration // by descriptor number

	workers workers
	batch   atomic.Int32 // descriptors found ready by the last epoll_wait that found any
}

// registration is what the poller knows of one descriptor. The poller
// keeps them in a slice indexed by descriptor rather than in a map: the
// kernel hands out the lowest free number, so descriptors are dense, and
// a slot costs 16 bytes where a map entry costs several times that.
type registration struct {
	owner   uint32 // of the Wait that added the descriptor (see NewOwner)
	added   bool   // the descriptor is in the epoll set
	pending bool   // an event came while no Wait was armed
	f       func() // the armed Wait's function; nil when none is armed
}

// epollET is EPOLLET as the uint32 of syscall.EpollEvent.Events (the
// syscall package's constant is negative).
const epollET = 1 << 31

// newPoller makes a poller and starts its goroutine.
func newPoller() (*Poller, error) {
	p, err := openPoller()
	if err != nil {
		return nil, err
	}
	go p.loop()
	return p, nil
}

// openPoller makes a poller whose goroutine has not started.
func openPoller() (*Poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("netpoll: epoll_create1: %w", err)
	}
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("netpoll: %w", err)
	}
	// os.NewFile registers a non-blocking descriptor with the runtime's
	// poller. The file lives as long as the process: the poller is never
	// closed.
	file := os.NewFile(uintptr(epfd), "netpoll")
	raw, err := file.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("netpoll: %w", err)
	}
	return &Poller{epfd: epfd, file: file, raw: raw, workers: workers{work: make(chan func())}}, nil
}

// Wait arranges for f to run on a goroutine of its own (a worker, see
// workers) once fd has new data to read, has been hung up, or is in
// error. f runs at most once per Wait. owner, from NewOwner, names the
// socket's user, the same on every Wait and on Remove.
//
// The descriptor is edge-triggered: a Wait fires for what happens after
// the last one fired, not for data left unread. Before calling Wait
// again, its owner reads until the socket is empty or a read comes back
// short (then everything that had arrived was taken, and anything later
// is a new event). The first Wait of an owner (first true) adds the
// descriptor to the epoll set, which reports data already waiting; so
// does a Wait after Remove. first also replaces a registration left
// behind by a descriptor closed without Remove whose number was reused.
//
// stop, if not nil, is called with the poller's lock held: when it
// reports true, Wait arms nothing and returns ErrStopped. An owner that
// records its end before calling Remove thus never leaves a registration
// behind: its Wait either comes before Remove, which then returns f, or
// sees the end. (Without the check, a Wait just after Remove would add
// the descriptor again, and closing it would drop that registration
// without f ever running.)
//
// f is a func rather than an interface because a go statement calling a
// func value with no arguments allocates nothing, where one calling a
// method of an interface allocates a closure, once per wake-up.
func (p *Poller) Wait(fd int, owner uint32, f func(), stop func() bool, first bool) error {
	runNow, err := p.arm(fd, owner, f, stop, first)
	if runNow {
		p.workers.run(f)
	}
	return err
}

// arm is Wait under the poller's lock. It reports runNow instead of
// arming when an event came since the last one fired: the caller then
// starts f itself, outside the lock.
func (p *Poller) arm(fd int, owner uint32, f func(), stop func() bool, first bool) (runNow bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stop != nil && stop() {
		return false, ErrStopped
	}
	if fd < 0 {
		return false, fmt.Errorf("netpoll: bad descriptor %d", fd)
	}
	if fd >= len(p.fds) {
		p.fds = slices.Grow(p.fds, fd+1-len(p.fds))[:fd+1]
	}
	r := &p.fds[fd]
	if r.added && !first {
		if r.pending {
			// Data came while the owner was reading: it may have taken
			// it already, but cannot have seen what came after its last
			// read, so look again.
			r.pending = false
			return true, nil
		}
		r.f = f
		return false, nil
	}
	ev := syscall.EpollEvent{
		Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollET,
		Fd:     int32(fd),
		Pad:    int32(owner),
	}
	err = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev)
	if err == syscall.EEXIST {
		// Still in the set from an owner that did not Remove it.
		err = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_MOD, fd, &ev)
	}
	if err != nil {
		return false, fmt.Errorf("netpoll: epoll_ctl: %w", err)
	}
	*r = registration{owner: owner, added: true, f: f}
	return false, nil
}

// Busy reports whether the poller's last wake-up found more than one
// descriptor ready. A reader that has just emptied its socket may then
// leave the next look to the poller, which is running anyway; when the
// poller is quiet, one more read costs less than waking it.
func (p *Poller) Busy() bool { return p.batch.Load() > 1 }

// Remove forgets fd before it is closed and returns the function of a
// registration that had not fired, if any, so the caller can run it. It
// leaves alone a registration of another owner: the number reused by a
// later socket, after this owner's socket was closed without Remove
// (behind its back), belongs to that socket's owner now.
func (p *Poller) Remove(fd int, owner uint32) func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fd < 0 || fd >= len(p.fds) || !p.fds[fd].added || p.fds[fd].owner != owner {
		return nil
	}
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	f := p.fds[fd].f
	p.fds[fd] = registration{}
	return f
}

func (p *Poller) loop() {
	events := make([]syscall.EpollEvent, 256)
	var waitErr error
	// collect takes the ready events without waiting and starts their
	// functions. It returns false, parking the goroutine until the
	// runtime sees epfd readable again, once it has taken fewer events
	// than fit in events: every event queued on epfd after that wakes the
	// runtime's poller, which keeps that readiness for the next wait.
	// Staying inside one RawRead matters: each call starts by forgetting
	// the readiness the runtime has kept, so a new call would have to
	// look with one more epoll_wait before it could park. An interrupted
	// call is retried rather than parked on, the runtime's poller being
	// edge-triggered.
	collect := func(fd uintptr) bool {
		for {
			n, err := syscall.EpollWait(int(fd), events, 0)
			switch {
			case err == syscall.EINTR:
				continue
			case err != nil:
				waitErr = err
				return true
			}
			if n > 0 {
				p.batch.Store(int32(n))
			}
			p.dispatch(events[:n])
			if n < len(events) {
				return false
			}
		}
	}
	if err := p.raw.Read(collect); err != nil {
		panic("netpoll: waiting for the epoll descriptor: " + err.Error())
	}
	panic("netpoll: epoll_wait: " + waitErr.Error())
}

// dispatch hands the armed function of each event to a worker, or, when
// none is armed, keeps the event for the next Wait.
func (p *Poller) dispatch(events []syscall.EpollEvent) {
	for _, ev := range events {
		p.mu.Lock()
		var f func()
		if r := &p.fds[ev.Fd]; r.added && r.owner == uint32(ev.Pad) {
			if r.f != nil {
				f, r.f = r.f, nil
			} else {
				r.pending = true
			}
		} // else a registration that was removed or replaced
		p.mu.Unlock()
		if f != nil {
			p.workers.run(f)
		}
	}
}
