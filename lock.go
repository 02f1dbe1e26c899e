package websocket

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// fairMutex is the connection's lock type (the read lock, the message
// lock and the frame lock): a mutex whose lock can give up when a
// context ends or a timer fires, and which, once goroutines queue for
// it, hands itself to them in the order they came. Several writers may
// loop on one connection (a broadcaster, a ping loop, a handler), and
// each must get its turn: with a plain mutex a writer that unlocks and
// locks again at once overtakes a woken waiter every time.
//
// Uncontended, locking and unlocking are one atomic operation each. A
// channel used as a lock is fair too, but takes the channel's internal
// mutex twice per lock and unlock: with two write locks per message that
// was about 40 ns of a 16-byte Write's 95 (docs/performance.md).
type fairMutex struct {
	state atomic.Int32 // fairUnlocked, fairLocked or fairQueued
	queue atomic.Pointer[fairQueue]
}

// fairQueue is the slow path of a fairMutex, made the first time a
// goroutine has to wait: a connection whose reads and writes never
// contend pays for two words per lock and nothing else.
type fairQueue struct {
	mu      sync.Mutex      // guards waiters and every change from fairQueued
	waiters []chan struct{} // oldest first; each is sent to once, when handed the lock
}

// States of a fairMutex. fairQueued means locked with waiters queued (or
// about to be): unlocking then takes the slow path, which hands the lock
// to the oldest waiter instead of releasing it. Only the slow paths, under
// the queue's mutex, move the state to or from fairQueued.
const (
	fairUnlocked int32 = iota
	fairLocked
	fairQueued
)

// tryLock locks m if it is unlocked and reports whether it did.
func (m *fairMutex) tryLock() bool {
	return m.state.CompareAndSwap(fairUnlocked, fairLocked)
}

// lockResult says how fairMutex.lockOr returned.
type lockResult int

const (
	lockAcquired lockResult = iota
	lockDone                // the done channel was closed first
	lockTimeout             // the timeout fired first
)

// lock locks m, or returns ctx.Err() if ctx ends first.
func (m *fairMutex) lock(ctx context.Context) error {
	if m.lockOr(ctx.Done(), nil) == lockAcquired {
		return nil
	}
	return ctx.Err()
}

// lockOr locks m, giving up when done is closed or timeout fires first.
// Either may be nil (never).
func (m *fairMutex) lockOr(done <-chan struct{}, timeout <-chan time.Time) lockResult {
	if m.tryLock() {
		return lockAcquired
	}
	return m.lockSlow(done, timeout)
}

// lockSlow queues for m until it is handed the lock, done is closed or
// timeout fires.
func (m *fairMutex) lockSlow(done <-chan struct{}, timeout <-chan time.Time) lockResult {
	q := m.slow()
	q.mu.Lock()
	for {
		if m.tryLock() {
			q.mu.Unlock()
			return lockAcquired
		}
		if m.state.CompareAndSwap(fairLocked, fairQueued) || m.state.Load() == fairQueued {
			break
		}
	}
	// A channel per wait, not pooled: a channel made inside a
	// testing/synctest bubble must not be used outside it. Waiting costs
	// a goroutine switch anyway.
	ready := make(chan struct{}, 1)
	q.waiters = append(q.waiters, ready)
	q.mu.Unlock()

	gaveUp := lockDone
	select {
	case <-ready:
		return lockAcquired
	case <-done:
	case <-timeout:
		gaveUp = lockTimeout
	}
	q.mu.Lock()
	for i, w := range q.waiters {
		if w == ready {
			// Left fairQueued even if the queue is now empty: the
			// holder's unlock then takes the slow path and releases.
			q.waiters = slices.Delete(q.waiters, i, i+1)
			q.mu.Unlock()
			return gaveUp
		}
	}
	q.mu.Unlock()
	// Handed the lock while giving up: the hand-off was sent under the
	// queue's mutex, before this goroutine took it. Pass the lock on.
	<-ready
	m.unlock()
	return gaveUp
}

// slow returns m's queue, making it if needed.
func (m *fairMutex) slow() *fairQueue {
	if q := m.queue.Load(); q != nil {
		return q
	}
	m.queue.CompareAndSwap(nil, new(fairQueue))
	return m.queue.Load()
}

// unlock unlocks m, handing it to the oldest waiter if there is one. It
// panics if m is not locked.
func (m *fairMutex) unlock() {
	if !m.state.CompareAndSwap(fairLocked, fairUnlocked) {
		m.unlockSlow()
	}
}

func (m *fairMutex) unlockSlow() {
	q := m.queue.Load()
	if q == nil { // never contended, so not fairQueued: unlocked
		panic("websocket: unlock of unlocked lock")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiters) == 0 {
		// Every waiter gave up.
		if m.state.Swap(fairUnlocked) == fairUnlocked {
			panic("websocket: unlock of unlocked lock")
		}
		return
	}
	next := q.waiters[0]
	q.waiters = slices.Delete(q.waiters, 0, 1)
	if len(q.waiters) == 0 {
		m.state.Store(fairLocked)
	}
	next <- struct{}{} // cannot block: capacity 1, sent to once
}
