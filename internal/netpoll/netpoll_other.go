//go:build !linux

package netpoll

import "errors"

// Supported reports whether this platform has a poller.
const Supported = false

// Poller is not available on this platform.
type Poller struct{}

func newPoller() (*Poller, error) { return nil, errors.New("netpoll: not supported on this platform") }

// Wait is never called: Default returns an error.
func (p *Poller) Wait(fd int, owner uint32, f func(), stop func() bool, first bool) error {
	return errors.New("netpoll: not supported")
}

// Remove is never called: Default returns an error.
func (p *Poller) Remove(fd int, owner uint32) func() { return nil }

// Busy is never called: Default returns an error.
func (p *Poller) Busy() bool { return false }
