package websocket

import (
	"errors"
	"net"
	"syscall"

	"github.com/wirefast/websocket/internal/bufpool"
)

// readBufferSize is the size of the buffer a connection borrows from the
// pool while frames are arriving, in bytes. Payloads larger than the
// buffer bypass it and are read straight into the caller's memory.
const readBufferSize = 16 << 10

// directReadMin is the smallest payload read straight into the
// destination instead of through the buffer, in bytes.
const directReadMin = 4 << 10

// largeFillMax is the most a fill through net.Conn.Read reads while
// frames are large, in bytes: room for a header and a whole control
// frame in front of it (a longer run of control frames takes more
// fills), and little of the payload behind, which is read straight into
// the caller's memory instead of through the buffer.
const largeFillMax = 256

// largeFrameMin is the payload size, in bytes, from which a data frame
// changes how readBuf fills; see readBuf.large.
const largeFrameMin = 8 << 10

// largeReadBufferSize is the buffer a raw socket fills while frames are
// large, in bytes: several 16 KiB frames, or one with its header, per
// system call.
const largeReadBufferSize = 64 << 10

// readBuf is the input side of a connection: a byte buffer borrowed from
// bufpool while data is in flight and returned when everything in it has
// been consumed, so an idle connection holds no read buffer.
//
// On Unix sockets it reads through syscall.RawConn: the buffer is taken
// from the pool only once the socket is readable, so a connection waiting
// for its next message holds no buffer at all. Other connections (TLS,
// net.Pipe, wrappers) read through net.Conn.Read.
type readBuf struct {
	nc  net.Conn
	raw syscall.RawConn // nil when reads go through nc.Read

	buf      *[]byte // borrowed from bufpool; nil when idle
	pos, end int     // unread bytes are (*buf)[pos:end]

	// large is set while the frames are large (largeFrameMin or more).
	// Reads through net.Conn.Read (TLS, wrappers: no system call per
	// read) then fill at most largeFillMax bytes, so that the bulk of
	// each payload is read straight into the caller's memory instead of
	// being copied through the buffer: with whole-buffer fills a stream
	// of 16 KiB frames is copied twice, as each fill swallows most of the
	// next frame. Raw sockets instead fill a larger buffer
	// (largeReadBufferSize), since there each read is a system call,
	// which costs more than copying the payload out of the buffer: a
	// frame that fits is read whole with its header in one call, and
	// pipelined frames several at a time, instead of a call for the
	// buffered part and another for the rest of each frame.
	large bool

	// State of one raw read, set up for rawReadFn: rawPoll and drained,
	// then rawDst to rawReadFn below want.
	rawPoll bool // return errWouldBlock instead of waiting for data
	drained bool // the last raw read emptied the socket (see rawRead)

	// want, when set, is the number of unread bytes a fill through
	// net.Conn.Read reads toward (and largeFillMax past, for the next
	// header): a frame completed in the buffer (Conn.completeFrame). It
	// sits here, in the bools' padding, to keep the Conn in its size
	// class.
	want int32

	rawDst    []byte // read into this instead of the buffer when non-nil
	rawN      int
	rawErr    error
	rawReadFn func(fd uintptr) bool // r.rawRead, bound once to avoid an allocation per read
}

func (r *readBuf) init(nc net.Conn, initial []byte) {
	r.nc = nc
	if sc, ok := nc.(syscall.Conn); ok && rawReadSupported {
		if raw, err := sc.SyscallConn(); err == nil {
			r.raw = raw
			r.rawReadFn = r.rawRead
		}
	}
	if len(initial) > 0 {
		r.buf = bufpool.Get(len(initial))
		r.end = copy(*r.buf, initial)
	}
}

// buffered returns the unread bytes.
func (r *readBuf) buffered() []byte {
	if r.buf == nil {
		return nil
	}
	return (*r.buf)[r.pos:r.end]
}

// consume marks n buffered bytes as read and releases the buffer when
// nothing is left in it. While large frames arrive through
// net.Conn.Read, the empty buffer is kept for the next fill instead:
// such a connection holds it while blocked in Read anyway, and large
// frames empty it every frame.
func (r *readBuf) consume(n int) {
	r.pos += n
	if r.pos == r.end {
		if r.large && r.raw == nil {
			r.pos, r.end = 0, 0
			return
		}
		r.release()
	}
}

// release returns an empty buffer to the pool.
func (r *readBuf) release() {
	if r.buf != nil && r.pos == r.end {
		bufpool.Put(r.buf)
		r.buf, r.pos, r.end = nil, 0, 0
	}
}

// fill reads at least one more byte into the buffer, keeping the unread
// bytes. It returns the I/O error of the read, if any.
func (r *readBuf) fill() error {
	if r.buf != nil && r.pos > 0 {
		r.end = copy(*r.buf, (*r.buf)[r.pos:r.end])
		r.pos = 0
	}
	if r.buf != nil && len(*r.buf) < r.fillSize() {
		r.grow(r.fillSize())
	}
	if r.buf != nil && r.end == len(*r.buf) {
		return errBufferFull
	}
	if r.raw != nil {
		r.rawDst = nil
		return r.doRawRead()
	}
	if r.buf == nil {
		r.buf = bufpool.Get(r.fillSize())
	}
	dst := (*r.buf)[r.end:]
	switch {
	case r.want > 0:
		dst = dst[:min(len(dst), int(r.want)-(r.end-r.pos)+largeFillMax)]
	case r.large && len(dst) > largeFillMax:
		dst = dst[:largeFillMax]
	}
	n, err := r.nc.Read(dst)
	r.end += n
	if n > 0 {
		return nil
	}
	r.release()
	if err == nil {
		err = errNoProgress
	}
	return err
}

// grow moves the unread bytes, at the start of the buffer, into a
// buffer of size bytes.
func (r *readBuf) grow(size int) {
	b := bufpool.Get(size)
	r.end = copy(*b, (*r.buf)[:r.end])
	bufpool.Put(r.buf)
	r.buf = b
}

// fillSize is the size of the buffer to borrow for a fill.
func (r *readBuf) fillSize() int {
	if r.large && r.raw != nil || int(r.want)+largeFillMax > readBufferSize {
		return largeReadBufferSize
	}
	return readBufferSize
}

// directMin is the smallest read made straight into the destination:
// on a raw socket while frames are large, only what the large buffer
// could not hold.
func (r *readBuf) directMin() int {
	if r.large && r.raw != nil {
		return largeReadBufferSize
	}
	return directReadMin
}

// tryFill is fill that returns errWouldBlock instead of waiting when the
// socket has no data. It needs a raw connection.
func (r *readBuf) tryFill() error {
	r.rawPoll = true
	err := r.fill()
	r.rawPoll = false
	return err
}

// fd returns the socket's descriptor for netpoll, or -1.
func (r *readBuf) fd() int {
	fd := -1
	if r.raw != nil {
		_ = r.raw.Control(func(s uintptr) { fd = int(s) })
	}
	return fd
}

// readDirect reads into p without going through the buffer, which must be
// empty. It returns the number of bytes read (at least one unless err).
func (r *readBuf) readDirect(p []byte) (int, error) {
	if r.raw != nil {
		r.rawDst = p
		err := r.doRawRead()
		n := r.rawN
		r.rawDst = nil
		return n, err
	}
	n, err := r.nc.Read(p)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = errNoProgress
	}
	return 0, err
}

func (r *readBuf) doRawRead() error {
	r.rawN, r.rawErr = 0, nil
	if err := r.raw.Read(r.rawReadFn); err != nil {
		return err
	}
	return r.rawErr
}

var (
	errBufferFull = errors.New("websocket: read buffer full")
	errNoProgress = errors.New("websocket: read returned no data and no error")
)
