package websocket

import (
	"sync/atomic"
	"time"
)

// ctxMutex is the read lock: a mutex whose lock gives up when a context
// ends. Uncontended, locking and unlocking are one atomic operation each,
// where a channel used as a lock takes the channel's internal mutex twice
// per message (a quarter of the time of reading a 1 KiB message from
// memory). Waiters sleep on a channel.
//
// Unlike a channel, the mutex is not fair: a goroutine that unlocks and
// locks again at once can overtake a waiter. That suits the read side,
// which has a single reader by contract; the others that take the lock
// (Close waiting for the peer's close frame, CloseRead, the release of
// the decoder) do so once. The write locks, where several writers may
// loop on one connection and each must get its turn, are fairMutex.
type ctxMutex struct {
	state atomic.Int32  // mutexUnlocked, mutexLocked or mutexContended
	wake  chan struct{} // capacity 1: a wake-up for one waiter
}

// States of a ctxMutex. mutexContended means locked with waiters that
// may be asleep: unlocking then sends a wake-up.
const (
	mutexUnlocked int32 = iota
	mutexLocked
	mutexContended
)

// lockResult says how ctxMutex.lockOr returned.
type lockResult int

const (
	lockAcquired lockResult = iota
	lockDone                // the done channel was closed first
	lockTimeout             // the timeout fired first
)

func newCtxMutex() ctxMutex {
	return ctxMutex{wake: make(chan struct{}, 1)}
}

// tryLock locks m if it is unlocked and reports whether it did.
func (m *ctxMutex) tryLock() bool {
	return m.state.CompareAndSwap(mutexUnlocked, mutexLocked)
}

// lockOr locks m, giving up when done is closed or timeout fires first.
// Either may be nil (never).
func (m *ctxMutex) lockOr(done <-chan struct{}, timeout <-chan time.Time) lockResult {
	if m.tryLock() {
		return lockAcquired
	}
	for {
		// Marking the mutex contended before sleeping makes the holder's
		// unlock send a wake-up; a stale one only costs another turn.
		if m.state.Swap(mutexContended) == mutexUnlocked {
			return lockAcquired
		}
		select {
		case <-m.wake:
		case <-done:
			return lockDone
		case <-timeout:
			return lockTimeout
		}
	}
}

// unlock unlocks m, waking a waiter if there may be one. It panics if m
// is not locked.
func (m *ctxMutex) unlock() {
	switch m.state.Swap(mutexUnlocked) {
	case mutexUnlocked:
		panic("websocket: unlock of unlocked read lock")
	case mutexContended:
		select {
		case m.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}
