package autobahn

import (
	"net"
	"runtime"
	"sync"
	"time"
)

// writeItem is one queued write.
type writeItem struct {
	data     []byte
	mode     writeMode
	graceful bool // close the connection after everything before it
}

// writer performs a session's writes in order on its own goroutine, so the
// event loop never blocks on a peer that does not read.
type writer struct {
	conn  net.Conn
	mu    sync.Mutex
	cond  *sync.Cond
	queue []writeItem
	stop  bool
	done  chan struct{}
	// octets counts write sizes; read only after done is closed.
	octets map[int]int
	bytes  int64
}

// newWriter starts a writer for conn.
func newWriter(conn net.Conn) *writer {
	w := &writer{conn: conn, done: make(chan struct{}), octets: map[int]int{}}
	w.cond = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

// enqueue adds a write.
func (w *writer) enqueue(it writeItem) {
	w.mu.Lock()
	if !w.stop {
		w.queue = append(w.queue, it)
		w.cond.Signal()
	}
	w.mu.Unlock()
}

// shutdown stops the writer after it has dropped what is queued and waits
// for it to exit.
func (w *writer) shutdown() {
	w.mu.Lock()
	w.stop = true
	w.queue = nil
	w.cond.Signal()
	w.mu.Unlock()
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	failed := false
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.stop {
			w.cond.Wait()
		}
		if w.stop {
			w.mu.Unlock()
			return
		}
		// Take the head item, or a run of plain items to write together.
		n := 1
		if !w.queue[0].mode.sync && !w.queue[0].graceful {
			for n < len(w.queue) && !w.queue[n].mode.sync && !w.queue[n].graceful {
				n++
			}
		}
		items := append([]writeItem(nil), w.queue[:n]...)
		w.queue = w.queue[n:]
		w.mu.Unlock()
		if failed {
			continue
		}
		if items[0].graceful {
			_ = w.conn.Close()
			failed = true
			continue
		}
		if !items[0].mode.sync {
			bufs := make(net.Buffers, len(items))
			size := 0
			for i, it := range items {
				bufs[i] = it.data
				size += len(it.data)
			}
			if _, err := bufs.WriteTo(w.conn); err != nil {
				failed = true
			}
			w.count(size)
			continue
		}
		it := items[0]
		piece := len(it.data)
		if it.mode.chop > 0 {
			piece = it.mode.chop
		}
		for len(it.data) > 0 && !failed {
			k := min(piece, len(it.data))
			if _, err := w.conn.Write(it.data[:k]); err != nil {
				failed = true
			}
			w.count(k)
			it.data = it.data[k:]
			pause(it.mode.chop)
		}
	}
}

// count records one write of n bytes.
func (w *writer) count(n int) {
	w.octets[n]++
	w.bytes += int64(n)
}

// Pacing of sync and chopped writes. The original engine returns to its
// event loop after each piece (about 10 µs). Each piece here is its own
// write system call and, with TCP_NODELAY (Go's default), its own TCP
// segment; octet-wise chops (pieces below slowChop bytes, as in 2.6, 3.4,
// 4.1.5, 5.5) also sleep ChopDelay so the peer sees them arrive one by one.
// Larger chops only yield: a timed sleep costs a millisecond or more per
// piece on a loaded machine, which would turn the 16384-piece writes of
// 9.5.1 into minutes.
const (
	ChopDelay = 20 * time.Microsecond
	slowChop  = 64 // bytes
)

// pause yields after a sync or chopped write piece of size n.
func pause(chop int) {
	if chop > 0 && chop < slowChop {
		time.Sleep(ChopDelay)
		return
	}
	runtime.Gosched()
}
