//go:build unix

package websocket

import (
	"io"
	"syscall"

	"github.com/wirefast/websocket/internal/bufpool"
)

const rawReadSupported = true

// rawRead is called by syscall.RawConn.Read with the socket in
// non-blocking mode. It returns false to wait for readability: before
// waiting, it gives an empty buffer back to the pool, so a connection
// blocked on an idle socket holds no read buffer.
func (r *readBuf) rawRead(fd uintptr) bool {
	dst := r.rawDst
	if dst == nil {
		if r.buf == nil {
			r.buf = bufpool.Get(r.fillSize())
		}
		dst = (*r.buf)[r.end:]
	}
	for {
		n, err := syscall.Read(int(fd), dst)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			r.drained = true
			r.release()
			if r.rawPoll {
				r.rawErr = errWouldBlock
				return true
			}
			return false
		case err != nil:
			r.rawErr = err
			r.release()
		case n == 0:
			r.rawErr = io.EOF
			r.release()
		default:
			// A read from a stream socket comes back short only once it
			// has taken everything the socket held.
			r.drained = n < len(dst)
			r.rawN = n
			if r.rawDst == nil {
				r.end += n
			}
		}
		return true
	}
}
