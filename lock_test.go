package websocket

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestCtxMutex checks the read lock's single-goroutine behaviour.
func TestCtxMutex(t *testing.T) {
	closed := make(chan struct{})
	close(closed)
	fired := make(chan time.Time, 1)
	fired <- time.Time{}
	tests := []struct {
		name    string
		locked  bool
		done    <-chan struct{}
		timeout <-chan time.Time
		want    lockResult
	}{
		{"unlocked", false, nil, nil, lockAcquired},
		{"unlocked, done", false, closed, nil, lockAcquired},
		{"locked, done", true, closed, nil, lockDone},
		{"locked, timeout", true, nil, fired, lockTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newCtxMutex()
			if tc.locked && !m.tryLock() {
				t.Fatal("tryLock of an unlocked mutex failed")
			}
			if got := m.lockOr(tc.done, tc.timeout); got != tc.want {
				t.Errorf("lockOr = %v, want %v", got, tc.want)
			}
			if m.tryLock() {
				t.Error("tryLock of a locked mutex succeeded")
			}
			m.unlock()
			if !m.tryLock() {
				t.Error("tryLock after unlock failed")
			}
		})
	}
	t.Run("unlock unlocked", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("unlock of an unlocked mutex did not panic")
			}
		}()
		m := newCtxMutex()
		m.unlock()
	})
}

// TestCtxMutexWaiters checks that unlock wakes a sleeping waiter, also
// after another waiter gave up.
func TestCtxMutexWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newCtxMutex()
		m.tryLock()
		quit := make(chan struct{})
		gaveUp := make(chan lockResult)
		go func() { gaveUp <- m.lockOr(quit, nil) }()
		got := make(chan lockResult)
		go func() { got <- m.lockOr(nil, nil) }()
		synctest.Wait() // both asleep
		close(quit)
		if r := <-gaveUp; r != lockDone {
			t.Errorf("waiter that gave up: lockOr = %v, want %v", r, lockDone)
		}
		m.unlock()
		if r := <-got; r != lockAcquired {
			t.Errorf("waiter: lockOr = %v, want %v", r, lockAcquired)
		}
		m.unlock()
	})
}

// TestCtxMutexExclusion has goroutines increment a counter under the
// lock, some with a context that can end; the race detector and the
// final count check that they never overlap.
func TestCtxMutexExclusion(t *testing.T) {
	const goroutines, rounds = 8, 2000
	m := newCtxMutex()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	counter := 0
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			var done <-chan struct{}
			if g%2 == 0 {
				done = ctx.Done()
			}
			for range rounds {
				if m.lockOr(done, nil) != lockAcquired {
					t.Error("lockOr gave up with a live context")
					return
				}
				counter++
				m.unlock()
			}
		})
	}
	wg.Wait()
	if counter != goroutines*rounds {
		t.Errorf("counter = %d, want %d", counter, goroutines*rounds)
	}
}
