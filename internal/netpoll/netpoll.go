// Package netpoll tells when idle sockets become readable without a
// goroutine blocked on each: one goroutine waits on an operating system
// poller (epoll on Linux) for all of them, so a server holding many idle
// connections spends no goroutine stacks on them.
//
// It watches file descriptors the Go runtime also polls; it never reads
// or writes them. A Wait fires once: after f runs, read what arrived and
// call Wait again to hear about the next data.
package netpoll

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrStopped is returned by Wait when its stop function reports true.
var ErrStopped = errors.New("netpoll: stopped")

var (
	defaultOnce   sync.Once
	defaultPoller *Poller
	defaultErr    error
)

// Default returns the process-wide poller, started on first use. It
// returns an error where no poller is supported or it could not start;
// callers then wait with a goroutine of their own.
func Default() (*Poller, error) {
	defaultOnce.Do(func() { defaultPoller, defaultErr = newPoller() })
	return defaultPoller, defaultErr
}

var owners atomic.Uint32

// NewOwner returns a number for a user of a socket to give Wait and
// Remove, different from those of every other user (until the 2^32nd).
// It tells the poller the registrations of a reused descriptor number
// apart: events and Remove calls of a socket closed behind its owner's
// back then never reach the next socket given that number.
func NewOwner() uint32 { return owners.Add(1) }
