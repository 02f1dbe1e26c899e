// Package bufpool recycles the byte buffers that connections borrow while
// a message is in flight, so an idle connection holds none.
package bufpool

import "sync"

// MaxSize is the largest pooled buffer, in bytes.
const MaxSize = 1 << 20

// Size classes in bytes. Get rounds a request up to the nearest class; a
// request over the largest class is allocated and never pooled.
var classes = [...]int{4 << 10, 16 << 10, 64 << 10, 256 << 10, MaxSize}

var pools [len(classes)]sync.Pool

// Get returns a buffer with len(*b) >= n (n <= 0 means the smallest
// class). Its contents are undefined. Return it with Put.
func Get(n int) *[]byte {
	for i, size := range classes {
		if n <= size {
			if b, ok := pools[i].Get().(*[]byte); ok {
				return b
			}
			b := make([]byte, size)
			return &b
		}
	}
	b := make([]byte, n)
	return &b
}

// Put returns b to its pool. Buffers that did not come from Get, or whose
// length is not a size class, are dropped for the garbage collector.
func Put(b *[]byte) {
	if b == nil {
		return
	}
	n := len(*b)
	for i, size := range classes {
		if n == size {
			pools[i].Put(b)
			return
		}
	}
}
