package netpoll

import "sync/atomic"

// maxIdleWorkers bounds the workers kept waiting for a function to run.
const maxIdleWorkers = 64

// workers runs the functions of fired registrations on goroutines that
// outlive one function. A goroutine started for each would begin with a
// small stack and grow it, copying it, on the way into a message's
// handler, at every wake-up; a worker keeps the stack it grew. Up to
// maxIdleWorkers wait for the next function; any more end.
type workers struct {
	work chan func() // unbuffered: a send succeeds only when a worker waits
	idle atomic.Int32
}

// run runs f on an idle worker, or on a new one if none is waiting.
func (w *workers) run(f func()) {
	select {
	case w.work <- f:
	default:
		go w.loop(f)
	}
}

// loop runs f, then the functions handed to it, until there are enough
// idle workers without it.
func (w *workers) loop(f func()) {
	for {
		f()
		if w.idle.Add(1) > maxIdleWorkers {
			w.idle.Add(-1)
			return
		}
		f = <-w.work
		w.idle.Add(-1)
	}
}
