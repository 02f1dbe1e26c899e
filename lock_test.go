package websocket

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestFairMutexLockOr checks what lockOr returns on a locked and an
// unlocked mutex when its done channel or its timeout is ready.
func TestFairMutexLockOr(t *testing.T) {
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
			var m fairMutex
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
}

// TestFairMutex checks the lock's single-goroutine behaviour.
func TestFairMutex(t *testing.T) {
	var m fairMutex
	if err := m.lock(context.Background()); err != nil {
		t.Fatalf("lock of an unlocked mutex: %v", err)
	}
	if m.tryLock() {
		t.Error("tryLock of a locked mutex succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.lock(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("lock of a locked mutex with a cancelled context = %v, want context.Canceled", err)
	}
	m.unlock()
	if !m.tryLock() {
		t.Error("tryLock after unlock failed")
	}
	m.unlock()
	for _, contended := range []bool{false, true} {
		var m fairMutex
		if contended {
			m.tryLock()
			_ = m.lock(ctx) // gives up, leaving the queue made
			m.unlock()
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("unlock of an unlocked mutex (queue made: %v) did not panic", contended)
				}
			}()
			m.unlock()
		}()
	}
}

// TestFairMutexOrder checks that the lock goes to its waiters in the order
// they came, and that the holder cannot take it back while they wait:
// unlocking hands it over.
func TestFairMutexOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m fairMutex
		m.tryLock()
		var order []int
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				if err := m.lock(context.Background()); err != nil {
					t.Error(err)
					return
				}
				order = append(order, i)
				m.unlock()
			})
			synctest.Wait() // waiter i is queued before waiter i+1 starts
		}
		m.unlock()
		if m.tryLock() {
			t.Fatal("tryLock right after unlock took the lock from the waiters")
		}
		wg.Wait()
		if want := []int{0, 1, 2}; !slices.Equal(order, want) {
			t.Errorf("waiters got the lock in order %v, want %v", order, want)
		}
		if !m.tryLock() {
			t.Error("tryLock after every waiter is done failed")
		}
	})
}

// TestFairMutexGiveUp checks that waiters whose context ends leave the
// queue without holding up the others or the lock.
func TestFairMutexGiveUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m fairMutex
		m.tryLock()
		ctx, cancel := context.WithCancel(context.Background())
		gaveUp := queueLock(ctx, &m)
		got := queueLock(context.Background(), &m)
		cancel()
		if err := <-gaveUp; !errors.Is(err, context.Canceled) {
			t.Errorf("waiter whose context ended: lock = %v, want context.Canceled", err)
		}
		m.unlock()
		if err := <-got; err != nil {
			t.Errorf("waiter behind it: lock = %v", err)
		}
		m.unlock()

		// The last waiter gives up: the holder's unlock releases the lock.
		m.tryLock()
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := m.lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("lock with a deadline = %v, want context.DeadlineExceeded", err)
		}
		m.unlock()
		if !m.tryLock() {
			t.Error("tryLock after the holder unlocked failed")
		}
	})
}

// TestFairMutexHandOffWhileGivingUp ends a waiter's context and unlocks,
// in both orders, before the waiter runs. Woken by its context, the
// waiter finds the lock already handed to it and must pass it on; woken
// by the hand-off, it holds the lock although its context has ended.
func TestFairMutexHandOffWhileGivingUp(t *testing.T) {
	for _, cancelFirst := range []bool{true, false} {
		for range 20 {
			synctest.Test(t, func(t *testing.T) {
				var m fairMutex
				m.tryLock()
				ctx, cancel := context.WithCancel(context.Background())
				got := queueLock(ctx, &m)
				if cancelFirst {
					cancel()
					m.unlock()
				} else {
					m.unlock()
					cancel()
				}
				err := <-got
				switch {
				case cancelFirst && !errors.Is(err, context.Canceled):
					t.Fatalf("cancelled, then unlocked: lock = %v, want context.Canceled", err)
				case !cancelFirst && err != nil:
					t.Fatalf("unlocked, then cancelled: lock = %v, want nil", err)
				case err == nil:
					m.unlock()
				}
				if !m.tryLock() {
					t.Fatalf("cancel first %v: the lock is still held afterwards", cancelFirst)
				}
			})
		}
	}
}

// TestFairMutexExclusion has goroutines increment a counter under the
// lock, some with contexts that end at random; the race detector and the
// final count check that they never overlap and that no hand-off is lost.
func TestFairMutexExclusion(t *testing.T) {
	const goroutines, rounds = 8, 2000
	var m fairMutex
	counter := 0
	var acquired [goroutines]int
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range rounds {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if g%2 == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(rand.IntN(20))*time.Microsecond)
				}
				if m.lock(ctx) == nil {
					counter++
					acquired[g]++
					m.unlock()
				}
				cancel()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range acquired {
		total += n
	}
	if counter != total {
		t.Errorf("counter = %d, want %d", counter, total)
	}
	for g := 1; g < goroutines; g += 2 {
		if acquired[g] != rounds {
			t.Errorf("goroutine %d without a deadline got the lock %d times, want %d", g, acquired[g], rounds)
		}
	}
	if !m.tryLock() {
		t.Error("lock still held after every goroutine is done")
	}
}

// queueLock starts a goroutine that locks m with ctx and sends the result,
// and returns once that goroutine sleeps in m's queue. It runs in a
// synctest bubble, with m locked.
func queueLock(ctx context.Context, m *fairMutex) <-chan error {
	got := make(chan error)
	go func() { got <- m.lock(ctx) }()
	synctest.Wait()
	return got
}
