package deflate

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// encState is the memory of an encoder between calls: its window and its
// hash table. An encoder with context takeover owns one for its life; one
// without borrows one at the first Append of a message and gives it back
// at Flush.
type encState struct {
	// ring holds the last len(ring) bytes of the stream: the byte at
	// stream position x is ring[x&(len(ring)-1)]. len(ring) is the window
	// size, 1<<windowBits.
	ring []byte
	// tab maps the hash of the 4 bytes at a position (6 if wide) to the
	// low 16 bits of the last position with that hash. An entry may be
	// stale or aliased: every candidate is checked against the window
	// and compared byte for byte. tab is all zero whenever the state is
	// in the pool, so output never depends on another stream's data.
	tab []uint16
	// tabBits is the log2 of len(tab).
	tabBits uint
	// wide says tab hashes 6 bytes at a position instead of 4: set for
	// a whole message without context takeover at BestSpeed, whose
	// table is cleared whole at its end. Fewer, longer candidates made
	// JSON and chat text of 1 KiB and 16 KiB about 10 % (chat 1 KiB 22 %)
	// faster to compress, messages of 16 KiB and more 3 to 8 % smaller
	// and of 1 KiB 1 to 4 % larger (docs/performance.md). With context
	// takeover, positions near the end of a short message, which 6
	// bytes cannot reach, would go unindexed for the next.
	wide bool
}

// tableBits returns the log2 of the hash table entries of an encoder
// with context takeover and a window of windowBits: one entry per two
// window bytes, held for the life of the connection.
func tableBits(windowBits int) uint { return uint(windowBits) - 1 }

// Bounds of messageTableBits.
const (
	minMessageTableBits = 8
	maxMessageTableBits = 14
)

// messageTableBits returns the log2 of the hash table entries for a
// message of n bytes compressed as a whole, without context takeover:
// about one entry per byte, from 256 to 16,384 entries, whatever the
// window. The table is borrowed for the message only, so its size costs
// no memory between messages. Sized to the window instead, a 12-bit
// window's 2,048 entries made a 16 KiB message about 15 % slower to
// compress, and 16,384 entries (a 15-bit window's) made a 1 KiB one 5 to
// 10 % slower (docs/performance.md).
func messageTableBits(n int) uint {
	return uint(min(max(bits.Len(uint(n)), minMessageTableBits), maxMessageTableBits))
}

// statePools holds clean encStates by window and table size.
var statePools [maxWindowBits - minWindowBits + 1][maxMessageTableBits + 1]sync.Pool

func getState(windowBits int, tabBits uint) *encState {
	pool := &statePools[windowBits-minWindowBits][tabBits]
	if st, ok := pool.Get().(*encState); ok {
		return st
	}
	return &encState{
		ring:    make([]byte, 1<<windowBits),
		tab:     make([]uint16, 1<<tabBits),
		tabBits: tabBits,
	}
}

// hash4 hashes the 4 bytes in u to shift-complement bits.
func hash4(u uint32, shift uint) uint32 { return (u * 0x1e35a7bd) >> shift }

// hash6 hashes the 6 low bytes of u to 32-shift bits.
func hash6(u uint64, shift uint) uint32 {
	return uint32(((u << 16) * 0xcf1bbcdcb7a56463) >> (32 + shift))
}

func load64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }

// ringByte returns the byte at stream position x, which must be in the
// window.
func (st *encState) ringByte(x uint64) byte { return st.ring[x&uint64(len(st.ring)-1)] }

// ringLoad32 returns the 4 bytes at stream position x, all in the window.
func (st *encState) ringLoad32(x uint64) uint32 {
	idx := int(x & uint64(len(st.ring)-1))
	if idx <= len(st.ring)-4 {
		return load32(st.ring, idx)
	}
	return uint32(st.ringByte(x)) | uint32(st.ringByte(x+1))<<8 |
		uint32(st.ringByte(x+2))<<16 | uint32(st.ringByte(x+3))<<24
}

// write copies p, whose first byte is at stream position pos, into the
// window; only its last len(ring) bytes survive.
func (st *encState) write(pos uint64, p []byte) {
	if w := len(st.ring); len(p) > w {
		pos += uint64(len(p) - w)
		p = p[len(p)-w:]
	}
	idx := int(pos & uint64(len(st.ring)-1))
	n := copy(st.ring[idx:], p)
	copy(st.ring, p[n:])
}

// put cleans the table of st and returns it to its pool. The stream held
// the positions [start, pos): when they are few and all in the window,
// only their table entries (or buckets, at BetterCompression) are
// cleared; a wide table, sized to its message, is cleared whole. Few means under one per 128 entries: clearing a position's
// entry (reading its bytes back, hashing them) took about 2.5 ns here,
// clearing the whole table about 0.02 ns per entry.
func (st *encState) put(windowBits int, level Level, start, pos uint64) {
	n := pos - start
	if !st.wide && n < uint64(len(st.tab))/128 && n <= uint64(len(st.ring)) {
		shift := 32 - st.tabBits
		for x := start; x+minMatch <= pos; x++ {
			u := st.ringLoad32(x)
			if level == BetterCompression {
				b := hash4(u, shift+1) << 1
				st.tab[b], st.tab[b+1] = 0, 0
			} else {
				st.tab[hash4(u, shift)] = 0
			}
		}
	} else {
		clear(st.tab)
	}
	st.wide = false
	statePools[windowBits-minWindowBits][st.tabBits].Put(st)
}
