package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/wirefast/websocket/bench/internal/rawws"
)

// Messages of the idle load.
const (
	// idleMessageSize is the payload of the uncompressed echo, in bytes.
	idleMessageSize = 16
	// IdleDeflateSize is the payload of the compressed echo (IdleConfig.
	// Compress), in bytes: past every server's compression threshold
	// (128 to 512 bytes), so that the servers compress their echo.
	IdleDeflateSize = 1024
)

// idleMaskKey masks the idle load's frames.
var idleMaskKey = [4]byte{1, 2, 3, 4}

// idleMessage is the message an idle connection echoes on each "echo"
// command: the bytes written, and how the echo is read back and checked.
type idleMessage struct {
	proto    string
	compress bool
	payload  []byte // the message, uncompressed
	frame    []byte // as written: framed, masked and, with compress, compressed; the bare payload for ProtoTCP
}

// newIdleMessage returns the idle echo of protocol proto: 16 random
// bytes, as a binary message for ProtoWebSocket; with compress, a
// compressed text message of IdleDeflateSize bytes of JSONPayload, the
// text of the compressed echo cells.
func newIdleMessage(proto string, compress bool) idleMessage {
	m := idleMessage{proto: proto, compress: compress}
	switch {
	case compress:
		m.payload = JSONPayload(IdleDeflateSize)
		m.frame = rawws.AppendCompressedFrame(nil, rawws.OpText, rawws.Compress(m.payload), idleMaskKey)
	case proto == ProtoWebSocket:
		m.payload = Payload(idleMessageSize, false)
		m.frame = rawws.AppendFrame(nil, rawws.OpBinary, m.payload, true, idleMaskKey)
	default:
		m.payload = Payload(idleMessageSize, false)
		m.frame = m.payload
	}
	return m
}

// echoBuffers are the buffers one goroutine reads echoes into, reused
// from connection to connection.
type echoBuffers struct {
	msg      []byte // the echo, inflated
	raw      []byte // the echo as received, compressed
	inflater rawws.Inflater
}

// ErrNotCompressed is returned by Idle with IdleConfig.Compress when a
// server sends its echo back uncompressed.
var ErrNotCompressed = errors.New("load: echo not compressed")

// readEcho reads the echo of m from br: an uncompressed echo must have
// m's length; a compressed one must come back compressed, as text, and
// inflate to m's payload.
func (m idleMessage) readEcho(br *bufio.Reader, bufs *echoBuffers) error {
	if m.compress {
		return m.readCompressed(br, bufs)
	}
	size := len(m.payload)
	if m.proto != ProtoWebSocket {
		bufs.msg = slices.Grow(bufs.msg[:0], size)[:size]
		_, err := io.ReadFull(br, bufs.msg)
		return err
	}
	var err error
	if _, bufs.msg, err = rawws.ReadMessage(br, bufs.msg[:0], int64(size)); err == nil && len(bufs.msg) != size {
		err = fmt.Errorf("echo of %d bytes, sent %d", len(bufs.msg), size)
	}
	return err
}

// readCompressed is readEcho for a compressed message.
func (m idleMessage) readCompressed(br *bufio.Reader, bufs *echoBuffers) error {
	size := len(m.payload)
	op, compressed, raw, err := rawws.ReadMessageRSV1(br, bufs.raw, compressedLimit(size))
	bufs.raw = raw
	switch {
	case err != nil:
		return err
	case !compressed:
		return fmt.Errorf("%w: a %d-byte echo of the %d-byte message", ErrNotCompressed, len(raw), size)
	}
	if bufs.msg, err = bufs.inflater.Inflate(bufs.msg, raw, int64(size)); err != nil {
		return err
	}
	if op != rawws.OpText || !bytes.Equal(bufs.msg, m.payload) {
		return fmt.Errorf("echo is opcode %d, %d bytes inflated, not the %d-byte text message sent", op, len(bufs.msg), size)
	}
	return nil
}
