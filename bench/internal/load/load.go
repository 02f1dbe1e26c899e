package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/internal/procstat"
	"github.com/wirefast/websocket/bench/internal/rawws"
	"github.com/wirefast/websocket/bench/internal/stats"
)

// Protocols of Config.Proto, those of the echo servers.
const (
	ProtoWebSocket = echo.ProtoWebSocket
	ProtoTCP       = echo.ProtoTCP
)

// Limits of a run.
const (
	// MaxConns bounds Config.Conns.
	MaxConns = 1024
	// MaxWindow bounds Config.Window.
	MaxWindow = 1024
	// MaxSize bounds Config.Size, in bytes.
	MaxSize = 16 << 20
	// maxBatch is the largest write of several frames at once, in bytes;
	// larger frames are written one by one.
	maxBatch = 256 << 10
	// maxSamples bounds the latencies kept per connection and round.
	maxSamples = 1 << 16
	// readBufferSize is a connection's read buffer, in bytes.
	readBufferSize = 64 << 10
	// handshakeTimeout bounds each connection's opening handshake.
	handshakeTimeout = 10 * time.Second
)

// Config describes an echo load.
type Config struct {
	Addr   string // host:port of the server
	Proto  string // ProtoWebSocket or ProtoTCP (no framing)
	Conns  int    // connections, 1 to MaxConns
	Window int    // messages in flight per connection; 1 is round-trip mode
	Size   int    // payload bytes per message
	Text   bool   // text messages (binary otherwise)
	// Compress offers permessage-deflate without context takeover
	// (rawws.DeflateOffer) and sends every message compressed, once, up
	// front, with compress/flate at BestSpeed; echoes are inflated whether
	// the server compressed them or not. A server that declines fails the
	// run (rawws.ErrDeflateDeclined). WebSocket only. Compressed text
	// messages are JSONPayloads(Size, Variants(Size)) sent in turn: the
	// server compresses and inflates different messages, as it would in
	// service, not one its branch predictor has learnt.
	Compress bool
	Warmup   time.Duration // load before the first round, not measured
	Round    time.Duration // length of each measured round
	Rounds   int           // measured rounds, at least 1
	PID      int           // server process whose CPU time is read; 0 for none
}

// Round is what one measured round saw.
type Round struct {
	Msgs      int64   `json:"msgs"`       // messages echoed
	Seconds   float64 `json:"seconds"`    // wall time
	ServerCPU float64 `json:"server_cpu"` // server CPU seconds, user + system
	// ServerSys is the part of ServerCPU spent in the kernel (stime).
	// Results written before it was recorded lack it (0).
	ServerSys float64 `json:"server_sys,omitempty"`
	ClientCPU float64 `json:"client_cpu"` // load generator CPU seconds
}

// Result is the outcome of Run.
type Result struct {
	Rounds  []Round `json:"rounds"`
	P50     float64 `json:"p50_us"`  // median latency over all rounds, µs
	P99     float64 `json:"p99_us"`  // 99th percentile latency, µs
	Samples int     `json:"samples"` // latencies behind P50 and P99
	// With Config.Compress: the payload bytes on the wire of a message
	// sent, and of the first echo received (equal to Config.Size when the
	// server sent it uncompressed).
	SentWire int `json:"sent_wire,omitempty"`
	EchoWire int `json:"echo_wire,omitempty"`
}

// MsgsPerSec returns the median over rounds of messages per second, and
// the spread of the rounds (see stats.Spread).
func (r *Result) MsgsPerSec() (median, spread float64) {
	rates := make([]float64, len(r.Rounds))
	for i, rd := range r.Rounds {
		rates[i] = float64(rd.Msgs) / rd.Seconds
	}
	return stats.Median(rates), stats.Spread(rates)
}

// CPUPerMsg returns the server's and the load generator's CPU time per
// message, in µs, over all rounds together: a round's CPU time is counted
// in ticks of 10 ms, too coarse to take a median of.
func (r *Result) CPUPerMsg() (server, client float64) {
	var msgs int64
	for _, rd := range r.Rounds {
		msgs += rd.Msgs
		server += rd.ServerCPU
		client += rd.ClientCPU
	}
	if msgs == 0 {
		return 0, 0
	}
	return server / float64(msgs) * 1e6, client / float64(msgs) * 1e6
}

// SysPerMsg returns the server's CPU time in the kernel per message, in
// µs, over all rounds together; 0 for results that did not record it.
func (r *Result) SysPerMsg() float64 {
	var msgs int64
	var sys float64
	for _, rd := range r.Rounds {
		msgs += rd.Msgs
		sys += rd.ServerSys
	}
	if msgs == 0 {
		return 0
	}
	return sys / float64(msgs) * 1e6
}

func (c *Config) check() error {
	switch {
	case c.Proto != ProtoWebSocket && c.Proto != ProtoTCP:
		return fmt.Errorf("load: protocol %q is not %q or %q", c.Proto, ProtoWebSocket, ProtoTCP)
	case c.Conns < 1 || c.Conns > MaxConns:
		return fmt.Errorf("load: %d connections out of range [1, %d]", c.Conns, MaxConns)
	case c.Window < 1 || c.Window > MaxWindow:
		return fmt.Errorf("load: window %d out of range [1, %d]", c.Window, MaxWindow)
	case c.Size < 1 || c.Size > MaxSize:
		return fmt.Errorf("load: size %d out of range [1, %d]", c.Size, MaxSize)
	case c.Rounds < 1 || c.Round <= 0 || c.Warmup < 0:
		return fmt.Errorf("load: need at least one round of positive length")
	case c.Compress && c.Proto != ProtoWebSocket:
		return fmt.Errorf("load: compression needs protocol %q", ProtoWebSocket)
	}
	return nil
}

// run is the state shared by a Run's goroutines.
type run struct {
	cfg      Config
	payloads [][]byte // the messages, sent in turn: message i is payloads[i%len(payloads)]
	wire     int      // payload bytes of frames[0]: compressed, or its payload's length
	frames   [][]byte // the payloads as sent
	// ring holds frames i%len(frames) for i from 0 to len(frames)+Window-2
	// back to back, message i at ring[offs[i]:offs[i+1]], so that any
	// Window messages in a row are one slice of it; nil when they could
	// exceed maxBatch bytes, and frames are then written one by one.
	ring    []byte
	offs    []int
	op      byte // opcode of the echoes
	base    time.Time
	phase   atomic.Int32 // the round being measured; -1 in warm-up
	stop    chan struct{}
	failed  chan struct{}
	errOnce sync.Once
	err     error
}

// Run drives the echo load cfg describes and measures it.
func Run(cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	l := &run{cfg: cfg, stop: make(chan struct{}), failed: make(chan struct{})}
	payloads := [][]byte{Payload(cfg.Size, cfg.Text)}
	if cfg.Compress && cfg.Text {
		payloads = JSONPayloads(cfg.Size, Variants(cfg.Size))
	}
	l.payloads = payloads
	l.frames = payloads
	l.wire = len(payloads[0])
	if cfg.Proto == ProtoWebSocket {
		l.op = rawws.OpBinary
		if cfg.Text {
			l.op = rawws.OpText
		}
		key := [4]byte{0x5A, 0xC3, 0x17, 0x8E}
		l.frames = make([][]byte, len(payloads))
		for i, p := range payloads {
			if cfg.Compress {
				// Without context takeover a message compresses the same
				// every time: once is enough.
				z := rawws.Compress(p)
				l.frames[i] = rawws.AppendCompressedFrame(nil, l.op, z, key)
				if i == 0 {
					l.wire = len(z)
				}
			} else {
				l.frames[i] = rawws.AppendFrame(nil, l.op, p, true, key)
			}
		}
	}
	longest := 0
	for _, f := range l.frames {
		longest = max(longest, len(f))
	}
	if cfg.Window > 1 && longest*cfg.Window <= maxBatch {
		n := len(l.frames) + cfg.Window - 1
		l.offs = make([]int, n+1)
		for i := range n {
			l.ring = append(l.ring, l.frames[i%len(l.frames)]...)
			l.offs[i+1] = len(l.ring)
		}
	}
	workers, err := l.connect()
	if err != nil {
		return nil, err
	}
	l.base = time.Now()
	l.phase.Store(-1)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.writeLoop(l) })
		wg.Go(func() { w.readLoop(l) })
	}
	res, err := l.measure(workers)
	close(l.stop)
	for _, w := range workers {
		w.nc.Close()
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if l.err != nil {
		return nil, l.err
	}
	if cfg.Compress {
		res.SentWire = l.wire
		res.EchoWire = int(workers[0].echoWire.Load())
	}
	return res, nil
}

// connect opens and upgrades every connection.
func (l *run) connect() ([]*worker, error) {
	workers := make([]*worker, l.cfg.Conns)
	errs := make([]error, l.cfg.Conns)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { workers[i], errs[i] = l.dial() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, w := range workers {
			if w != nil {
				w.nc.Close()
			}
		}
		return nil, err
	}
	return workers, nil
}

func (l *run) dial() (*worker, error) {
	nc, br, err := openConn(l.cfg.Addr, l.cfg.Proto, l.cfg.Compress, readBufferSize)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	w := &worker{nc: nc, br: br, sent: make([]atomic.Int64, l.cfg.Window), tokens: make(chan struct{}, l.cfg.Window)}
	for range l.cfg.Window {
		w.tokens <- struct{}{}
	}
	w.lat = make([][]int64, l.cfg.Rounds)
	return w, nil
}

// now returns the monotonic time since the run began, in ns.
func (l *run) now() int64 { return int64(time.Since(l.base)) }

// fail records the first error of the load and ends it; errors after
// the end (closed connections) are expected and dropped.
func (l *run) fail(err error) {
	select {
	case <-l.stop:
		return
	default:
	}
	l.errOnce.Do(func() {
		l.err = err
		close(l.failed)
	})
}

// measure waits out the warm-up and the rounds, taking a snapshot at
// every boundary.
func (l *run) measure(workers []*worker) (*Result, error) {
	if !l.sleep(l.cfg.Warmup) {
		return nil, l.err
	}
	snaps := make([]snapshot, l.cfg.Rounds+1)
	for r := range snaps {
		l.phase.Store(int32(r)) // r == Rounds: after the last round
		var err error
		if snaps[r], err = l.snapshot(workers); err != nil {
			return nil, err
		}
		if r < l.cfg.Rounds && !l.sleep(l.cfg.Round) {
			return nil, l.err
		}
	}
	res := &Result{Rounds: make([]Round, l.cfg.Rounds)}
	for r := range res.Rounds {
		a, b := snaps[r], snaps[r+1]
		res.Rounds[r] = Round{
			Msgs:      b.msgs - a.msgs,
			Seconds:   float64(b.t-a.t) / 1e9,
			ServerCPU: float64(b.server.Total()-a.server.Total()) / procstat.TicksPerSecond,
			ServerSys: float64(b.server.System-a.server.System) / procstat.TicksPerSecond,
			ClientCPU: float64(b.clientCPU-a.clientCPU) / 1e6,
		}
	}
	// The readers no longer append to the rounds' samples: phase is past
	// the last round, and every append happened before the snapshot that
	// stored it (see readLoop).
	var lat []int64
	for _, w := range workers {
		w.mu.Lock()
		for _, s := range w.lat {
			lat = append(lat, s...)
		}
		w.mu.Unlock()
	}
	slices.Sort(lat)
	res.Samples = len(lat)
	res.P50 = float64(stats.Percentile(lat, 50)) / 1e3
	res.P99 = float64(stats.Percentile(lat, 99)) / 1e3
	return res, nil
}

// sleep waits d, reporting false if the load failed meanwhile.
func (l *run) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.failed:
		return false
	}
}

// snapshot is the state of the counters at a round boundary.
type snapshot struct {
	t         int64 // ns since base
	msgs      int64
	server    procstat.Ticks
	clientCPU int64 // µs
}

func (l *run) snapshot(workers []*worker) (snapshot, error) {
	s := snapshot{t: l.now()}
	for _, w := range workers {
		s.msgs += w.done.Load()
	}
	if l.cfg.PID > 0 {
		var err error
		if s.server, err = procstat.CPUTicks(l.cfg.PID); err != nil {
			return s, err
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return s, fmt.Errorf("load: getrusage: %w", err)
	}
	s.clientCPU = ru.Utime.Sec*1e6 + ru.Utime.Usec + ru.Stime.Sec*1e6 + ru.Stime.Usec
	return s, nil
}

// worker is one connection of the load.
type worker struct {
	nc     net.Conn
	br     *bufio.Reader
	sent   []atomic.Int64 // send time of message i at i % Window, ns since base
	tokens chan struct{}  // one per message that may be sent
	done   atomic.Int64   // messages echoed
	// echoWire is the payload bytes on the wire of the first echo.
	echoWire atomic.Int64
	mu       sync.Mutex // guards lat
	lat      [][]int64  // latencies per round, ns
}

// writeLoop sends a message for every token, all the due ones at once.
func (w *worker) writeLoop(l *run) {
	seq := 0
	window := l.cfg.Window
	for {
		select {
		case <-w.tokens:
		case <-l.stop:
			return
		}
		k := 1
	more:
		for k < window {
			select {
			case <-w.tokens:
				k++
			default:
				break more
			}
		}
		var err error
		if l.ring != nil || k == 1 {
			now := l.now()
			for i := range k {
				w.sent[(seq+i)%window].Store(now)
			}
			if l.ring != nil {
				j := seq % len(l.frames)
				_, err = w.nc.Write(l.ring[l.offs[j]:l.offs[j+k]])
			} else {
				_, err = w.nc.Write(l.frames[seq%len(l.frames)])
			}
		} else {
			for i := 0; i < k && err == nil; i++ {
				w.sent[(seq+i)%window].Store(l.now())
				_, err = w.nc.Write(l.frames[(seq+i)%len(l.frames)])
			}
		}
		if err != nil {
			l.fail(fmt.Errorf("load: write: %w", err))
			return
		}
		seq += k
	}
}

// readLoop reads the echoes in order and gives a token back for each.
func (w *worker) readLoop(l *run) {
	size := l.cfg.Size
	buf := make([]byte, size)
	var raw []byte // an echo as received, with compression
	var inflater rawws.Inflater
	for j := 0; ; j++ {
		var err error
		if l.cfg.Proto == ProtoWebSocket && l.cfg.Compress {
			var op byte
			var compressed bool
			op, compressed, raw, err = rawws.ReadMessageRSV1(w.br, raw, compressedLimit(size))
			if j == 0 {
				w.echoWire.Store(int64(len(raw)))
			}
			switch {
			case err != nil:
			case compressed:
				buf, err = inflater.Inflate(buf, raw, int64(size))
			default:
				buf = append(buf[:0], raw...)
			}
			if err == nil && (op != l.op || len(buf) != size) {
				err = fmt.Errorf("echo is opcode %d, %d bytes; sent opcode %d, %d bytes", op, len(buf), l.op, size)
			}
		} else if l.cfg.Proto == ProtoWebSocket {
			var op byte
			op, buf, err = rawws.ReadMessage(w.br, buf, int64(size))
			if err == nil && (op != l.op || len(buf) != size) {
				err = fmt.Errorf("echo is opcode %d, %d bytes; sent opcode %d, %d bytes", op, len(buf), l.op, size)
			}
		} else {
			_, err = io.ReadFull(w.br, buf)
		}
		// The first echo of each message: its turn and its bytes.
		if err == nil && j < len(l.payloads) && !bytes.Equal(buf, l.payloads[j]) {
			err = fmt.Errorf("echo %d differs from the message sent", j)
		}
		if err != nil {
			l.fail(fmt.Errorf("load: read: %w", err))
			return
		}
		lat := l.now() - w.sent[j%l.cfg.Window].Load()
		// Taking the phase and appending under mu, before counting the
		// message, orders the append before the snapshot counting it.
		w.mu.Lock()
		if p := int(l.phase.Load()); p >= 0 && p < len(w.lat) && len(w.lat[p]) < maxSamples {
			w.lat[p] = append(w.lat[p], lat)
		}
		w.mu.Unlock()
		w.done.Add(1)
		w.tokens <- struct{}{} // never blocks: at most Window tokens exist
	}
}
