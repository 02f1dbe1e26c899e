package deflate

import "strconv"

// An Encoder compresses the messages one side of a connection sends,
// each as RFC 7692 requires: DEFLATE blocks (RFC 1951) ending in a sync
// flush whose trailing 0x00 0x00 0xff 0xff is removed (Section 7.2.1).
//
// A message is compressed by zero or more calls to [Encoder.Append]
// followed by one call to [Encoder.Flush], or by one [Encoder.Compress].
// Output is appended to the caller's slice as it becomes complete, so a
// streaming writer can send frames while the message is still being
// written; only the first frame carries RSV1.
//
// The encoder never refers further back than its window of
// 1<<windowBits bytes, nor to a message before the current one without
// context takeover. With context takeover it keeps the window and its
// hash table between messages (see Memory in the package documentation);
// without, it borrows them from a pool for the length of a message, so an
// idle Encoder holds no buffers.
//
// An Encoder is not safe for concurrent use.
type Encoder struct {
	level    Level
	wbits    int
	takeover bool
	st       *encState // nil when the encoder holds no buffers
	pos      uint64    // stream position of the next input byte
	start    uint64    // stream position where the history begins
	bits     uint64    // output bits not yet appended, fewer than 8
	nbits    uint
}

// NewEncoder returns an encoder with a window of 1<<windowBits bytes that
// keeps its history between messages when contextTakeover is set. A
// level of 0 means [DefaultLevel]. NewEncoder allocates no buffers; they
// come with the first message.
//
// NewEncoder panics if windowBits is outside [8, 15] or level is not a
// [Level] constant.
func NewEncoder(windowBits int, contextTakeover bool, level Level) *Encoder {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		panic("deflate.NewEncoder: window bits " + strconv.Itoa(windowBits) + " out of range [8, 15]")
	}
	if level == 0 {
		level = DefaultLevel
	}
	if level < BestSpeed || level > maxLevel {
		panic("deflate.NewEncoder: level " + strconv.Itoa(int(level)) + " out of range [1, 2]")
	}
	return &Encoder{level: level, wbits: windowBits, takeover: contextTakeover}
}

// WindowBits returns the base-2 logarithm of the encoder's window size.
func (e *Encoder) WindowBits() int { return e.wbits }

// ContextTakeover reports whether the encoder keeps its history between
// messages.
func (e *Encoder) ContextTakeover() bool { return e.takeover }

// Append compresses p as the next bytes of the current message and
// returns dst with the complete output bytes appended; a few bits may stay
// pending until the next call. The output of a message is the
// concatenation of what its Append calls and its Flush add.
//
// Append does not keep p. Each call ends at least one DEFLATE block, so
// many small calls compress a little worse than one large one, though
// matches still reach back into the earlier calls' data.
func (e *Encoder) Append(dst, p []byte) []byte {
	return e.append(dst, p, false)
}

// append is Append; whole says p is the whole message, which sizes the
// hash table of an encoder without context takeover to it.
func (e *Encoder) append(dst, p []byte, whole bool) []byte {
	if len(p) == 0 {
		return dst
	}
	if e.st == nil {
		e.st = getState(e.wbits, e.tableBits(len(p), whole))
		e.st.wide = whole && !e.takeover && e.level == BestSpeed
	}
	s := scratchPool.Get().(*encScratch)
	for off := 0; off < len(p); {
		end := min(off+maxBlock, len(p))
		if e.level == BetterCompression {
			e.lz77Lazy(s, p, off, end)
		} else {
			e.lz77(s, p, off, end)
		}
		dst = e.writeBlock(dst, s, p, off, end)
		off = end
	}
	scratchPool.Put(s)
	e.st.write(e.pos, p)
	e.pos += uint64(len(p))
	return dst
}

// Flush ends the current message and returns dst with the rest of its
// output appended: the pending bits and an empty stored block header,
// padded to a byte, which is what a sync flush leaves after its 0x00 0x00
// 0xff 0xff is removed (RFC 7692, Section 7.2.1). A message with no
// bytes compresses to the single byte 0x00 (Section 7.2.3.6).
//
// Without context takeover, Flush also returns the encoder's buffers to
// their pool.
func (e *Encoder) Flush(dst []byte) []byte {
	e.nbits += 3 // BFINAL 0, BTYPE 00
	for e.nbits > 0 {
		dst = append(dst, byte(e.bits))
		e.bits >>= 8
		e.nbits -= min(e.nbits, 8)
	}
	e.bits, e.nbits = 0, 0
	if !e.takeover {
		e.release()
	}
	return dst
}

// Compress compresses p as one whole message and returns dst with the
// message's payload appended. It is Flush(Append(dst, p)).
func (e *Encoder) Compress(dst, p []byte) []byte {
	return e.Flush(e.append(dst, p, true))
}

// tableBits returns the log2 of the hash table entries for a message
// whose first Append has n bytes, all of it if whole. With context
// takeover the table lives with the window and is sized to it. Without,
// a whole message gets a table sized to itself (messageTableBits); a
// message written in several calls gets at least the window's, as its
// first call may be a small part of it.
func (e *Encoder) tableBits(n int, whole bool) uint {
	tb := tableBits(e.wbits)
	switch {
	case e.takeover:
		return tb
	case whole:
		return messageTableBits(n)
	}
	return max(tb, messageTableBits(n))
}

// Reset forgets the encoder's history, discards any message in progress
// and returns its buffers to their pool: the next message starts a new
// stream, as after [NewEncoder]. Call it when the connection closes so
// the buffers of an encoder with context takeover are reused.
func (e *Encoder) Reset() {
	e.bits, e.nbits = 0, 0
	e.release()
}

// AddHistory adds p to the history as if it had been sent in a message
// compressed by e, without producing output. With context takeover, a
// message compressed elsewhere (such as a prepared message compressed
// once for many connections, by an encoder without context takeover) is
// still added to the peer's window, so it must be added to e's too. It
// must be called between messages; without context takeover it does
// nothing.
func (e *Encoder) AddHistory(p []byte) {
	if !e.takeover || len(p) == 0 {
		return
	}
	if e.st == nil {
		e.st = getState(e.wbits, tableBits(e.wbits))
	}
	tab := e.st.tab
	shift := 32 - e.st.tabBits
	from := max(0, len(p)-len(e.st.ring))
	for i := from; i+minMatch <= len(p); i++ {
		if e.level == BetterCompression {
			e.insert2(p, i)
		} else {
			tab[hash4(load32(p, i), shift)] = uint16(e.pos + uint64(i))
		}
	}
	e.st.write(e.pos, p)
	e.pos += uint64(len(p))
}

// release returns the buffers, if any, to their pool and starts a new
// stream.
func (e *Encoder) release() {
	if e.st != nil {
		e.st.put(e.wbits, e.level, e.start, e.pos)
		e.st = nil
	}
	e.pos, e.start = 0, 0
}
