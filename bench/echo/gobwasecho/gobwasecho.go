package gobwasecho

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"

	"github.com/wirefast/websocket/bench/echo"
)

// Server is gobwas/ws's echo.
var Server = echo.Server{
	Name:   "gobwas",
	Cmd:    "echo-gobwas",
	Module: "github.com/gobwas/ws",
	Proto:  echo.ProtoWebSocket,
	Modes: []echo.Mode{
		{Name: "bufio", Doc: "low-level API over a 4 KiB bufio.Reader, message buffer kept", Serve: serve(bufioMode, false), Deflate: serve(bufioMode, true), Idle: true},
		{Name: "direct", Doc: "low-level API on the socket, message buffers pooled", Serve: serve(directMode, false), Deflate: serve(directMode, true), Idle: true},
		{Name: "batch", Doc: "bufio, with the echoes gathered in a 64 KiB bufio.Writer flushed when no more input is buffered", Serve: serve(batchMode, false), Deflate: serve(batchMode, true)},
	},
}

// How a connection reads and writes.
type mode int

const (
	bufioMode  mode = iota // reads through a bufio.Reader, message buffer kept
	directMode             // reads from the socket, message buffers pooled
	batchMode              // bufioMode, writes gathered until no input is buffered
)

// Limits of the echo loop, in bytes.
const (
	readBufferSize  = 4 << 10
	batchBufferSize = 64 << 10 // as much as wirefast's CoalesceWrites holds
	readLimit       = 32 << 20 // as the other libraries
)

// serve serves the echo in mode m, with permessage-deflate (wsflate) when
// compress is true.
func serve(m mode, compress bool) func(net.Listener) error {
	return func(ln net.Listener) error {
		return echo.AcceptLoop(ln, func(nc net.Conn) {
			defer nc.Close()
			l := &loop{nc: nc, r: nc, pooled: m == directMode}
			if compress {
				ext := wsflate.Extension{Parameters: wsflate.DefaultParameters}
				u := ws.Upgrader{Negotiate: ext.Negotiate}
				if _, err := u.Upgrade(nc); err != nil {
					return
				}
				_, l.deflate = ext.Accepted()
			} else if _, err := ws.Upgrade(nc); err != nil {
				return
			}
			if m != directMode {
				l.br = bufio.NewReaderSize(nc, readBufferSize)
				l.r = l.br
			}
			if m == batchMode {
				l.w = bufio.NewWriterSize(nc, batchBufferSize)
			}
			l.run()
		})
	}
}

// msgPool holds message buffers of the "direct" mode.
var msgPool = sync.Pool{New: func() any { return new([]byte) }}

// loop is one connection's echo: whole messages are read (fragments
// joined), text checked with utf8.Valid, and written back as one frame.
type loop struct {
	nc     net.Conn
	r      io.Reader
	br     *bufio.Reader // r, when reads go through a bufio.Reader
	w      *bufio.Writer // batchMode: gathers frames until no input is buffered
	pooled bool
	hbuf   [ws.MaxHeaderSize]byte
	out    bytes.Buffer // the frame written, header and payload
	msg    []byte       // kept between messages unless pooled
	ctrl   [ws.MaxControlFramePayloadSize]byte

	// With permessage-deflate negotiated (deflate.go).
	deflate bool
	ms      wsflate.MessageState
}

func (l *loop) run() {
	state := ws.StateServerSide
	var op ws.OpCode
	var bp *[]byte
	for {
		h, err := ws.ReadHeaderBuffer(l.r, l.hbuf[:])
		if err != nil {
			return
		}
		if l.deflate {
			if h, err = l.ms.UnsetBits(h); err != nil {
				l.close(ws.StatusProtocolError)
				return
			}
		}
		if ws.CheckHeader(h, state) != nil {
			l.close(ws.StatusProtocolError)
			return
		}
		if h.OpCode.IsControl() {
			if !l.control(h) {
				return
			}
			continue
		}
		if h.OpCode != ws.OpContinuation {
			op = h.OpCode
			if l.pooled {
				bp = msgPool.Get().(*[]byte)
				l.msg = *bp
			}
			l.msg = l.msg[:0]
		}
		if h.Length > readLimit-int64(len(l.msg)) {
			l.close(ws.StatusMessageTooBig)
			return
		}
		start := len(l.msg)
		l.msg = slices.Grow(l.msg, int(h.Length))[:start+int(h.Length)]
		if _, err := io.ReadFull(l.r, l.msg[start:]); err != nil {
			return
		}
		ws.Cipher(l.msg[start:], h.Mask, 0)
		if !h.Fin {
			state = state.Set(ws.StateFragmented)
			continue
		}
		state = state.Clear(ws.StateFragmented)
		if l.deflate {
			if !l.echoCompressed(op) {
				return
			}
		} else {
			if op == ws.OpText && !utf8.Valid(l.msg) {
				l.close(ws.StatusInvalidFramePayloadData)
				return
			}
			if l.write(ws.Header{Fin: true, OpCode: op, Length: int64(len(l.msg))}, l.msg) != nil {
				return
			}
		}
		if l.pooled {
			*bp = l.msg[:0]
			msgPool.Put(bp)
			l.msg = nil
		}
	}
}

// control handles a control frame; it reports whether to go on.
func (l *loop) control(h ws.Header) bool {
	p := l.ctrl[:h.Length]
	if _, err := io.ReadFull(l.r, p); err != nil {
		return false
	}
	ws.Cipher(p, h.Mask, 0)
	switch h.OpCode {
	case ws.OpPing:
		return l.write(ws.Header{Fin: true, OpCode: ws.OpPong, Length: h.Length}, p) == nil
	case ws.OpClose:
		code, _ := ws.ParseCloseFrameData(p)
		_ = l.write(ws.Header{Fin: true, OpCode: ws.OpClose, Length: 2}, ws.NewCloseFrameBody(code, ""))
		return false
	}
	return true
}

// write sends one frame, its payload copied behind the header for one
// write system call: on the benchmark machine, writev(header, payload)
// costs more than the copy, as wirefast found (docs/performance.md, "One
// contiguous write per frame"); in batchMode, gathered instead.
func (l *loop) write(h ws.Header, p []byte) error {
	if l.w != nil {
		return l.writeBatched(h, p)
	}
	l.out.Reset()
	if err := ws.WriteHeaderBuffer(&l.out, h, l.hbuf[:]); err != nil {
		return err
	}
	l.out.Write(p)
	_, err := l.nc.Write(l.out.Bytes())
	return err
}

// writeBatched adds the frame to l.w and flushes it when the reader has
// no more input buffered, or for a control frame: a burst of pipelined
// messages is answered with one write, as wirefast's CoalesceWrites does.
func (l *loop) writeBatched(h ws.Header, p []byte) error {
	if err := ws.WriteHeaderBuffer(l.w, h, l.hbuf[:]); err != nil {
		return err
	}
	if _, err := l.w.Write(p); err != nil {
		return err
	}
	if h.OpCode.IsControl() || l.br.Buffered() == 0 {
		return l.w.Flush()
	}
	return nil
}

func (l *loop) close(code ws.StatusCode) {
	body := ws.NewCloseFrameBody(code, "")
	_ = l.write(ws.Header{Fin: true, OpCode: ws.OpClose, Length: int64(len(body))}, body)
}
