package autobahn

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Connection states of the engine (catalogue §1.4).
const (
	stateConnecting = iota
	stateOpen
	stateClosing
	stateClosed
)

// Protocol timers of F (catalogue §1.2).
const (
	// OpenHandshakeTimeout bounds the opening handshake.
	OpenHandshakeTimeout = 5 * time.Second
	// CloseHandshakeTimeout is how long F waits for the peer's CLOSE after
	// sending the first one.
	CloseHandshakeTimeout = 1 * time.Second
	// ServerConnectionDropTimeout is how long client-mode F waits for the
	// server to close TCP after the closing handshake.
	ServerConnectionDropTimeout = 1 * time.Second
)

// MaxMessageSize is the largest frame or message F accepts from a peer,
// decompressed; more fails the connection with 1009. The largest message
// of the catalogue is 16 MiB (9.1.6, 9.2.6).
const MaxMessageSize = 64 << 20 // bytes

// session is one case on one connection: the engine state of catalogue
// §1.4 and its event loop. Every field is owned by the loop goroutine
// except where noted.
type session struct {
	c        *Case
	logic    logicRun
	isServer bool
	conn     net.Conn
	br       *bufio.Reader
	w        *writer
	events   chan func()
	done     chan struct{}

	state                                             int
	closedByMe, failedByMe, droppedByMe, wasClean     bool
	wasNotCleanReason                                 string
	wasServerConnectionDropTimeout                    bool
	wasOpenHandshakeTimeout, wasCloseHandshakeTimeout bool
	localCloseCode, remoteCloseCode                   int // -1: none
	localCloseReason, remoteCloseReason               string
	remoteClosed                                      bool // P's CLOSE was processed
	received                                          []Event
	behavior                                          string // set by custom logic

	timers     []*time.Timer
	closeTimer *time.Timer

	inMsg         bool
	msgOp         byte
	msgCompressed bool
	msgBuf        []byte
	u8            utf8Validator

	pmd      *pmdSetup
	comp     *compressor
	decomp   *decompressor
	autoFrag int
	traffic  trafficCounters

	stream    []byte // 6.4.3/6.4.4: the whole streamed frame
	streamHdr int

	txFrames, rxFrames map[int]int
	log                *wirelog
	started, ended     time.Time

	readerDone chan struct{}
	rx         *countingReader // owned by the reader goroutine until readerDone
}

// trafficCounters are the deflate byte counters of 12.x and 13.x.
type trafficCounters struct {
	outApp, outWire, inApp, inWire int64
}

// newSession prepares a session on an open connection. br holds whatever
// was read past the opening handshake.
func newSession(c *Case, conn net.Conn, br *bufio.Reader, rx *countingReader, isServer bool, pmd *pmdSetup) *session {
	s := &session{
		c: c, conn: conn, br: br, rx: rx, isServer: isServer,
		events:          make(chan func(), 64),
		done:            make(chan struct{}),
		readerDone:      make(chan struct{}),
		localCloseCode:  -1,
		remoteCloseCode: -1,
		behavior:        Failed,
		txFrames:        map[int]int{},
		rxFrames:        map[int]int{},
		log:             newWirelog(),
		pmd:             pmd,
	}
	if pmd != nil {
		s.comp = newCompressor(pmd.txWindow, pmd.txNoContext)
		s.decomp = newDecompressor(pmd.rxWindow, pmd.rxNoContext)
	}
	if c.logic != nil {
		s.logic = c.logic.run()
	}
	return s
}

// run runs the case from the open event to TCP close.
func (s *session) run() {
	s.w = newWriter(s.conn)
	s.state = stateOpen
	s.started = time.Now()
	go s.readLoop()
	limit := time.NewTimer(s.c.limit + CaseGrace)
	defer limit.Stop()
	if s.logic != nil {
		s.logic.open(s)
	} else {
		for _, a := range s.c.script {
			a(s)
		}
	}
	for s.state != stateClosed {
		select {
		case fn := <-s.events:
			fn()
		case <-limit.C:
			s.log.add("TI", "case time limit")
			s.wasClean = false
			s.wasNotCleanReason = "case exceeded its time limit"
			s.abort()
		}
	}
	close(s.done)
	for _, t := range s.timers {
		t.Stop()
	}
	// Close first: it unblocks a writer stuck on a peer that stopped
	// reading.
	_ = s.conn.Close()
	s.w.shutdown()
	<-s.readerDone
}

// post runs fn on the event loop unless the session has ended.
func (s *session) post(fn func()) {
	select {
	case s.events <- fn:
	case <-s.done:
	}
}

// timer runs fn on the loop after d. Case timers are never cancelled
// (catalogue §1.3); all are stopped when the session ends.
func (s *session) timer(d time.Duration, fn func()) *time.Timer {
	t := time.AfterFunc(d, func() { s.post(fn) })
	s.timers = append(s.timers, t)
	return t
}

// readLoop parses frames and hands them to the loop.
func (s *session) readLoop() {
	defer close(s.readerDone)
	for {
		f, err := ReadFrame(s.br, MaxMessageSize)
		switch {
		case err == nil:
			s.post(func() { s.onFrame(f) })
			continue
		case errors.Is(err, ErrNonMinimalLength):
			// The frame is complete; F fails and skips it, then goes on
			// reading to receive the closing handshake.
			s.post(func() {
				s.logFrame("RF", f)
				s.failConnection(1002, "non-minimal payload length encoding")
			})
			continue
		case errors.Is(err, ErrLengthTopBit), errors.Is(err, ErrFrameTooLarge):
			code := 1002
			if errors.Is(err, ErrFrameTooLarge) {
				code = 1009
			}
			s.post(func() { s.failConnection(code, err.Error()) })
			_, err = io.Copy(io.Discard, s.br)
		}
		s.post(func() { s.onConnectionLost(err) })
		return
	}
}

// onConnectionLost is TCP close, by either side.
func (s *session) onConnectionLost(error) {
	if s.state == stateClosed {
		return
	}
	s.state = stateClosed
	s.ended = time.Now()
	s.log.add("TI", "connection lost")
	if !s.wasClean && s.wasNotCleanReason == "" {
		s.wasNotCleanReason = "peer dropped the TCP connection without previous WebSocket closing handshake"
	}
}

// armKill arms K(d).
func (s *session) armKill(d time.Duration) {
	s.timer(d, func() {
		switch s.state {
		case stateOpen:
			s.log.add("TI", "kill timer: failing connection")
			s.failConnection(1001, "Going Away")
		case stateClosing:
			s.log.add("TI", "kill timer: dropping TCP")
			s.dropGraceful()
		}
	})
}

// armClose arms C(d).
func (s *session) armClose(d time.Duration) {
	s.timer(d, func() {
		if s.state == stateOpen {
			s.log.add("TI", "close timer")
			s.sendClose([]byte{})
		}
	})
}

// after arms W(d).
func (s *session) after(d time.Duration, fn func()) {
	s.timer(d, func() {
		if s.state != stateClosed {
			fn()
		}
	})
}

// failConnection fails the connection with a CLOSE (failByDrop=false).
func (s *session) failConnection(code int, reason string) {
	if s.state == stateClosed {
		return
	}
	s.failedByMe = true
	if s.wasNotCleanReason == "" {
		s.wasNotCleanReason = reason
	}
	switch s.state {
	case stateOpen:
		s.sendClose(closePayload(code, []byte(reason)))
	case stateClosing:
		s.dropGraceful()
	}
}

// abort drops TCP at once with a reset, discarding pending writes.
func (s *session) abort() {
	s.droppedByMe = true
	if tc, ok := s.conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = s.conn.Close()
}

// dropGraceful closes TCP after the pending writes.
func (s *session) dropGraceful() {
	s.droppedByMe = true
	s.w.enqueue(writeItem{graceful: true})
}

// loseConnection closes TCP the way the original engine does when a
// handler raises: gracefully, without marking the drop as F's.
func (s *session) loseConnection() {
	s.w.enqueue(writeItem{graceful: true})
}

// setBehavior sets the verdict of a case with custom logic.
func (s *session) setBehavior(b string) { s.behavior = b }

// record appends to the received events.
func (s *session) record(e Event) { s.received = append(s.received, e) }

// checkAutoClose is the auto-close rule of catalogue §1.6.
func (s *session) checkAutoClose() {
	if !s.c.Close.ClosedByMe || s.c.SuppressClose {
		return
	}
	for _, o := range s.c.Expected {
		if !eventsEqual(o.Events, s.received) {
			return
		}
	}
	s.sendClose(closePayload(s.c.Close.CloseCode[0], nil))
}

// countingReader records the size of every read from the connection.
type countingReader struct {
	r      io.Reader
	mu     sync.Mutex
	octets map[int]int
	bytes  int64
}

func newCountingReader(r io.Reader) *countingReader {
	return &countingReader{r: r, octets: map[int]int{}}
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.octets[n]++
		c.bytes += int64(n)
		c.mu.Unlock()
	}
	return n, err
}

// snapshot returns a copy of the read statistics.
func (c *countingReader) snapshot() (map[int]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[int]int, len(c.octets))
	for k, v := range c.octets {
		m[k] = v
	}
	return m, c.bytes
}
