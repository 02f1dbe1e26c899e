package deflate

import (
	"errors"
	"io"
	"math"
	"strconv"
	"sync"
)

// A Decoder decompresses the messages one side of a connection receives
// (RFC 7692, Section 7.2.2): it inflates each message's payload followed
// by 0x00 0x00 0xff 0xff, with a window of 1<<windowBits bytes that, with
// context takeover, carries over to the next message.
//
// A message is read either from an [io.Reader] over its payload, with
// [Decoder.Reset] and [Decoder.Read], or from memory with
// [Decoder.Decompress]. Either way the output is bounded by a limit
// checked while inflating: a message that would inflate to more fails
// with [ErrTooLarge] after at most limit bytes were produced.
//
// The decoder's window is exactly 1<<windowBits bytes. Without context
// takeover it is borrowed from a pool for the length of a message, as are
// the input buffer and the Huffman tables in any mode, so an idle Decoder
// without context takeover holds no buffers.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	wbits    int
	takeover bool

	// The window: the last len(win) bytes of output. whave bytes of it
	// are history a distance may reach; the unread bytes before wpos
	// have not been returned yet.
	win    []byte
	winp   *[]byte // what win came from, to return it to its pool
	wpos   int
	whave  int
	unread int

	// The current message.
	src      io.Reader // nil in Decompress
	in       []byte    // input not yet consumed
	tailDone bool      // in is the tail or past it: the input ends with it
	scratch  *decScratch
	bits     uint64 // input bits not yet consumed, least significant first
	nbits    uint
	state    uint8
	final    bool // the current block is the last of its stream
	stored   int  // bytes left in the current stored block
	copyLen  int  // bytes left of a match cut short by a full window
	copyDist int
	lit      []uint32 // tables of the current Huffman block
	dist     []uint32
	left     int64 // output bytes the limit still allows (MaxInt64: no limit)
	err      error // sticky: the connection is failed
	matched  int   // bytes of the tail seen after a final block
	tail     [4]byte
}

// Decoder states.
const (
	stateIdle    = iota // between messages
	stateHeader         // at a block boundary
	stateStored         // in a stored block
	stateHuffman        // in a Huffman block
	stateTrailer        // after a final block: only the tail may follow
	stateEnd            // the message's input is consumed
)

// decScratch is what a decoder borrows for the length of a message.
type decScratch struct {
	lit  [litTableSize]uint32
	dist [distTableSize]uint32
	in   [4096]byte
}

var decScratchPool = sync.Pool{New: func() any { return new(decScratch) }}

var windowPools [maxWindowBits - minWindowBits + 1]sync.Pool

// deflateTail is what RFC 7692, Section 7.2.2 appends to a message's
// payload before inflating it.
const deflateTail = "\x00\x00\xff\xff"

// NewDecoder returns a decoder for a peer whose window is 1<<windowBits
// bytes, keeping the window between messages when contextTakeover is set.
// NewDecoder allocates no buffers; they come with the first message.
//
// NewDecoder panics if windowBits is outside [8, 15].
func NewDecoder(windowBits int, contextTakeover bool) *Decoder {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		panic("deflate.NewDecoder: window bits " + strconv.Itoa(windowBits) + " out of range [8, 15]")
	}
	return &Decoder{wbits: windowBits, takeover: contextTakeover}
}

// WindowBits returns the base-2 logarithm of the decoder's window size.
func (d *Decoder) WindowBits() int { return d.wbits }

// ContextTakeover reports whether the decoder keeps its window between
// messages.
func (d *Decoder) ContextTakeover() bool { return d.takeover }

// Reset starts a new message whose compressed payload src yields,
// followed by io.EOF; the payload is what the message's frames carry,
// unmasked, without the tail RFC 7692 strips (Reset adds it). [Decoder.Read]
// then returns the decompressed bytes. limit is the most bytes the
// message may inflate to; a negative limit means no limit.
//
// The previous message must have been read to its end (or dropped with
// [Decoder.Discard]): with context takeover, a message left unfinished
// leaves the window out of step with the peer's, so the next Read fails
// with [ErrUnfinished].
func (d *Decoder) Reset(src io.Reader, limit int64) {
	d.begin(limit)
	if d.err != nil {
		return
	}
	d.src = src
	d.scratchBuf()
	d.in = d.scratch.in[:0]
}

// Decompress decompresses payload, the whole compressed payload of one
// message (without the tail), and returns dst with the message appended.
// limit is the most bytes the message may inflate to; a negative limit
// means no limit. On error, dst holds what was decompressed before it.
//
// Decompress reads payload in place and allocates nothing once dst has
// room for the message. The previous message must be finished, as for
// [Decoder.Reset].
func (d *Decoder) Decompress(dst, payload []byte, limit int64) ([]byte, error) {
	d.begin(limit)
	if d.err != nil {
		return dst, d.err
	}
	d.src = nil
	d.in = payload
	for {
		if d.unread > 0 {
			dst = d.appendUnread(dst)
		}
		if d.state == stateEnd {
			d.finish()
			return dst, nil
		}
		if err := d.step(true); err != nil && err != errYield {
			dst = d.appendUnread(dst)
			return dst, d.fail(err)
		}
	}
}

// Read reads decompressed bytes of the current message into p, returning
// io.EOF at its end. It reads from the message's source only when it has
// nothing else to return. Errors other than the source's are [ErrCorrupt],
// [ErrTooLarge] and [ErrUnfinished], each wrapped in a [*Error]; after an
// error every later call returns it.
func (d *Decoder) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.state == stateIdle {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	n := 0
	for {
		if d.unread > 0 {
			k := d.copyUnread(p[n:])
			n += k
		}
		if n == len(p) {
			return n, nil
		}
		if d.state == stateEnd {
			d.finish()
			return n, io.EOF
		}
		err := d.step(n == 0)
		if err == errYield {
			if d.unread == 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, d.fail(err)
		}
	}
}

// Discard decompresses and drops the rest of the current message, which
// keeps the window in step with the peer's when the caller does not want
// the message. The limit still applies.
func (d *Decoder) Discard() error {
	var buf [512]byte
	for {
		_, err := d.Read(buf[:])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Close drops the decoder's window and returns its buffers to their pools,
// for when the connection ends. A message in progress is abandoned; the
// decoder can be used again, starting a new stream.
func (d *Decoder) Close() {
	d.releaseScratch()
	d.releaseWindow()
	d.state = stateIdle
	d.src, d.in = nil, nil
	d.err = nil
}

// begin starts a message: it checks that the previous one was finished
// and sets up the window and the input state.
func (d *Decoder) begin(limit int64) {
	if d.err != nil {
		return
	}
	if d.state != stateIdle {
		if d.takeover {
			d.err = ErrUnfinished
			return
		}
		d.finish()
	}
	if d.win == nil {
		w, ok := windowPools[d.wbits-minWindowBits].Get().(*[]byte)
		if !ok {
			b := make([]byte, 1<<d.wbits)
			w = &b
		}
		d.winp, d.win = w, *w
		d.wpos, d.whave = 0, 0
	}
	d.unread = 0
	d.state = stateHeader
	d.final = false
	d.tailDone = false
	d.bits, d.nbits = 0, 0
	d.copyLen = 0
	d.matched = 0
	d.left = limit
	if limit < 0 {
		d.left = math.MaxInt64
	}
}

// finish ends the current message and returns what it borrowed.
func (d *Decoder) finish() {
	d.releaseScratch()
	d.src, d.in = nil, nil
	d.state = stateIdle
	if !d.takeover {
		d.releaseWindow()
	}
}

// fail records err (wrapping input errors) and releases the buffers.
func (d *Decoder) fail(err error) error {
	d.err = err
	d.releaseScratch()
	d.releaseWindow()
	d.src, d.in = nil, nil
	return err
}

func (d *Decoder) scratchBuf() {
	if d.scratch == nil {
		d.scratch = decScratchPool.Get().(*decScratch)
	}
}

func (d *Decoder) releaseScratch() {
	if d.scratch != nil {
		decScratchPool.Put(d.scratch)
		d.scratch = nil
	}
	d.lit, d.dist = nil, nil
}

func (d *Decoder) releaseWindow() {
	if d.win != nil {
		windowPools[d.wbits-minWindowBits].Put(d.winp)
		d.win, d.winp = nil, nil
	}
	d.wpos, d.whave, d.unread = 0, 0, 0
}

// copyUnread copies unread output into p and returns the count.
func (d *Decoder) copyUnread(p []byte) int {
	n := 0
	for n < len(p) && d.unread > 0 {
		start := (d.wpos - d.unread) & (len(d.win) - 1)
		end := min(start+d.unread, len(d.win))
		k := copy(p[n:], d.win[start:end])
		n += k
		d.unread -= k
	}
	return n
}

// appendUnread appends all unread output to dst.
func (d *Decoder) appendUnread(dst []byte) []byte {
	start := (d.wpos - d.unread) & (len(d.win) - 1)
	if end := start + d.unread; end <= len(d.win) {
		dst = append(dst, d.win[start:end]...)
	} else {
		dst = append(dst, d.win[start:]...)
		dst = append(dst, d.win[:end-len(d.win)]...)
	}
	d.unread = 0
	return dst
}

// errYield is returned inside the decoder when it stops to let the
// caller take the output so far before the source is read again.
var errYield = errors.New("deflate: yield")

// more adds input to d.in, which must be empty. It returns io.EOF when the
// message's input, tail included, is exhausted, and errYield when it would
// have to read the source and block is false.
func (d *Decoder) more(block bool) error {
	if d.tailDone {
		return io.EOF
	}
	if d.src == nil {
		d.in = d.tail[:copy(d.tail[:], deflateTail)]
		d.tailDone = true
		return nil
	}
	if !block {
		return errYield
	}
	for range 100 {
		n, err := d.src.Read(d.scratch.in[:])
		d.in = d.scratch.in[:n]
		if err == io.EOF {
			d.src = nil // the tail comes next
			if n == 0 {
				return d.more(block)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}
