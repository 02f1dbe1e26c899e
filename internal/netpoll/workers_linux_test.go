package netpoll

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// goroutineID returns the number of the calling goroutine, from its stack.
func goroutineID() string {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	return strings.Fields(s)[1]
}

// waitIdle waits until w counts n idle workers.
func waitIdle(t *testing.T, w *workers, n int32) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); w.idle.Load() != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle workers after 5s, want %d", w.idle.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitReceiving waits until goroutine id is blocked receiving from a
// channel: for a worker, waiting for its next function (a worker counts
// itself idle just before).
func waitReceiving(t *testing.T, id string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(5 * time.Second); ; {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if strings.Contains(stacks, "goroutine "+id+" [chan receive") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutine %s not waiting on a channel after 5s", id)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWorkersReuse checks that a function runs on the worker that ran the
// one before, once that worker is idle, rather than on a new goroutine.
func TestWorkersReuse(t *testing.T) {
	w := &workers{work: make(chan func())}
	ids := make(chan string, 1)
	record := func() { ids <- goroutineID() }
	w.run(record)
	first := <-ids
	for range 5 {
		waitReceiving(t, first)
		w.run(record)
		if id := <-ids; id != first {
			t.Fatalf("ran on goroutine %s, want the idle worker %s", id, first)
		}
	}
}

// TestWorkersBound runs more functions at once than maxIdleWorkers and
// checks that only maxIdleWorkers workers stay once they are done.
func TestWorkersBound(t *testing.T) {
	w := &workers{work: make(chan func())}
	const n = maxIdleWorkers + 20
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(n)
	for range n {
		w.run(func() { started.Done(); <-release })
	}
	started.Wait()
	before := runtime.NumGoroutine()
	close(release)
	waitIdle(t, w, maxIdleWorkers)
	for deadline := time.Now().Add(5 * time.Second); before-runtime.NumGoroutine() < n-maxIdleWorkers; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines ended, want %d", before-runtime.NumGoroutine(), n-maxIdleWorkers)
		}
		time.Sleep(time.Millisecond)
	}
}
