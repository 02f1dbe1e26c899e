package autobahn

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// flaws switches deliberate bugs on in the test peer. The zero value is a
// strict, correct echo peer.
type flaws struct {
	invalidUTF8  bool // never validates text, echoes invalid UTF-8
	echoReserved bool // echoes reserved-opcode frames instead of failing
	ignoreClose  bool // never answers a CLOSE and never closes TCP
	acceptRSV    bool // ignores RSV bits
	utf8AtEnd    bool // validates text only when the message is complete
	ignoreWindow bool // compresses with a 32 KiB window whatever was negotiated
}

// peerLimit bounds every test peer connection.
const peerLimit = 30 * time.Second

// peerConn is one connection of the raw test peer: a small hand-written
// WebSocket echo endpoint, server or client side, with optional flaws.
type peerConn struct {
	conn   net.Conn
	br     *bufio.Reader
	client bool
	fl     flaws

	compress   func([]byte) []byte
	decomp     *decompressor
	inMsg      bool
	msgOp      byte
	compressed bool
	msg        []byte
	u8         utf8Validator
	skip       int64 // payload bytes to discard after failing mid-frame
	gotClose   bool  // the other side's CLOSE has been read
}

// errPeerDone ends a peer connection.
var errPeerDone = errors.New("peer done")

// newPeerConn sets up a peer connection after the handshake. ext is the
// permessage-deflate agreement from the peer's point of view (nil: none).
func newPeerConn(conn net.Conn, br *bufio.Reader, client bool, fl flaws, ext *pmdSetup) *peerConn {
	p := &peerConn{conn: conn, br: br, client: client, fl: fl}
	if ext != nil {
		p.decomp = newDecompressor(ext.rxWindow, ext.rxNoContext)
		if fl.ignoreWindow {
			var buf bytes.Buffer
			fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
			p.compress = func(m []byte) []byte {
				buf.Reset()
				if ext.txNoContext {
					fw.Reset(&buf)
				}
				_, _ = fw.Write(m)
				_ = fw.Flush()
				return bytes.TrimSuffix(buf.Bytes(), deflateTail)
			}
		} else {
			c := newCompressor(ext.txWindow, ext.txNoContext)
			p.compress = c.compress
		}
	}
	return p
}

// write sends one frame, masked when the peer is the client.
func (p *peerConn) write(op byte, fin bool, rsv byte, payload []byte) error {
	_, err := p.conn.Write(AppendFrame(nil, Frame{Fin: fin, Rsv: rsv, Opcode: op, Masked: p.client, Payload: payload}, newMaskKey()))
	return err
}

// run serves the connection until it ends.
func (p *peerConn) run() {
	defer p.conn.Close()
	_ = p.conn.SetDeadline(time.Now().Add(peerLimit))
	for {
		if err := p.frame(); err != nil {
			if code, ok := failCode(err); ok {
				p.fail(code)
			}
			return
		}
	}
}

// peerFail carries the close code the peer fails with.
type peerFail int

func (f peerFail) Error() string { return "fail " + strconv.Itoa(int(f)) }

func failCode(err error) (int, bool) {
	var f peerFail
	if errors.As(err, &f) {
		return int(f), true
	}
	return 0, false
}

// header reads one frame header.
func (p *peerConn) header() (Header, error) {
	if _, err := p.br.Peek(2); err != nil {
		return Header{}, errPeerDone
	}
	for n := 2; n <= MaxHeaderSize; n++ {
		b, err := p.br.Peek(n)
		if err != nil {
			return Header{}, errPeerDone
		}
		h, m, err := ParseHeader(b)
		if errors.Is(err, ErrShortFrame) {
			continue
		}
		if err != nil {
			return h, peerFail(1002)
		}
		_, _ = p.br.Discard(m)
		return h, nil
	}
	return Header{}, peerFail(1002)
}

// frame handles one frame.
func (p *peerConn) frame() error {
	h, err := p.header()
	if err != nil {
		return err
	}
	if h.Masked == p.client {
		return p.skipFail(h, 1002)
	}
	op := h.Opcode
	switch {
	case isReserved(op):
		if !p.fl.echoReserved {
			return p.skipFail(h, 1002)
		}
		b, err := p.payload(h)
		if err != nil {
			return err
		}
		return p.write(op, h.Fin, 0, b)
	case isControl(op):
		if !h.Fin || h.Length > MaxControlPayload || (h.Rsv != 0 && !p.fl.acceptRSV) {
			return p.skipFail(h, 1002)
		}
		b, err := p.payload(h)
		if err != nil {
			return err
		}
		switch op {
		case OpPing:
			return p.write(OpPong, true, 0, b)
		case OpClose:
			return p.onClose(b)
		}
		return nil
	}
	if op == OpContinuation {
		if !p.inMsg || (h.Rsv != 0 && !p.fl.acceptRSV) {
			return p.skipFail(h, 1002)
		}
	} else {
		if p.inMsg {
			return p.skipFail(h, 1002)
		}
		compressed := h.Rsv == 4 && p.decomp != nil
		if h.Rsv != 0 && !compressed && !p.fl.acceptRSV {
			return p.skipFail(h, 1002)
		}
		p.inMsg, p.msgOp, p.compressed, p.msg = true, op, compressed, p.msg[:0]
		p.u8.Reset()
	}
	// Stream the payload, validating text as it arrives (fail fast).
	check := p.msgOp == OpText && !p.compressed && !p.fl.invalidUTF8 && !p.fl.utf8AtEnd
	pos, left := 0, int(h.Length)
	buf := make([]byte, 4096)
	for left > 0 {
		n, err := p.br.Read(buf[:min(left, len(buf))])
		if err != nil {
			return errPeerDone
		}
		chunk := buf[:n]
		if h.Masked {
			pos = maskBytes(h.Key, pos, chunk)
		}
		left -= n
		if check && p.u8.Write(chunk) >= 0 {
			p.skip = -1 // fail fast, before the rest of the frame arrives
			return peerFail(1007)
		}
		p.msg = append(p.msg, chunk...)
	}
	if !h.Fin {
		return nil
	}
	p.inMsg = false
	msg := p.msg
	if p.compressed {
		out, err := p.decomp.decompress(msg, MaxMessageSize)
		if err != nil {
			return peerFail(1007)
		}
		msg = out
	}
	if p.msgOp == OpText && !p.fl.invalidUTF8 {
		if (check && !p.u8.Complete()) || (!check && !validUTF8(msg)) {
			return peerFail(1007)
		}
	}
	if p.compress != nil {
		return p.write(p.msgOp, true, 4, p.compress(msg))
	}
	return p.write(p.msgOp, true, 0, msg)
}

// payload reads a whole (small) payload.
func (p *peerConn) payload(h Header) ([]byte, error) {
	b := make([]byte, h.Length)
	if _, err := io.ReadFull(p.br, b); err != nil {
		return nil, errPeerDone
	}
	if h.Masked {
		maskBytes(h.Key, 0, b)
	}
	return b, nil
}

// skipFail fails with code; the frame's payload is skipped afterwards.
func (p *peerConn) skipFail(h Header, code int) error {
	p.skip = int64(min(h.Length, 1<<20))
	p.gotClose = h.Opcode == OpClose
	return peerFail(code)
}

// peerCloseCodeOK reports whether a close code is acceptable on the wire
// (RFC 6455, Section 7.4).
func peerCloseCodeOK(c int) bool {
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999)
}

// onClose answers the other side's CLOSE.
func (p *peerConn) onClose(b []byte) error {
	if p.fl.ignoreClose {
		return nil
	}
	p.gotClose = true
	var reply []byte
	switch {
	case len(b) == 1:
		return peerFail(1002)
	case len(b) >= 2:
		code := int(binary.BigEndian.Uint16(b))
		if !peerCloseCodeOK(code) {
			return peerFail(1002)
		}
		if !p.fl.invalidUTF8 && !validUTF8(b[2:]) {
			return peerFail(1007)
		}
		reply = b[:2]
	default:
		reply = closePayload(1000, nil) // an empty CLOSE is answered with 1000
	}
	_ = p.write(OpClose, true, 0, reply)
	p.finish()
	return errPeerDone
}

// fail sends CLOSE(code) and, unless the other side has closed already,
// waits for its answer.
func (p *peerConn) fail(code int) {
	if p.write(OpClose, true, 0, closePayload(code, nil)) != nil {
		return
	}
	if p.skip < 0 {
		// Mid-frame: the stream cannot be parsed any more. Take in what
		// arrives for a moment (so closing does not reset the connection
		// under unread data) and end.
		_ = p.conn.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
		_, _ = io.Copy(io.Discard, p.br)
		p.finish()
		return
	}
	_, _ = io.CopyN(io.Discard, p.br, p.skip)
	for !p.gotClose {
		f, err := ReadFrame(p.br, MaxMessageSize)
		if err != nil || f.Opcode == OpClose {
			break
		}
	}
	p.finish()
}

// finish ends the connection after the closing handshake: a server closes
// TCP, a client waits for the server to do so.
func (p *peerConn) finish() {
	if p.client {
		_ = p.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		_, _ = io.Copy(io.Discard, p.br)
	}
}

// peerServer is a test echo server with flaws, for RunClient.
type peerServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

// startPeerServer starts a test peer server on loopback; it stops when the
// test ends.
func startPeerServer(t *testing.T, fl flaws) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &peerServer{ln: ln}
	ps.wg.Add(1)
	go func() {
		defer ps.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ps.wg.Add(1)
			go func() {
				defer ps.wg.Done()
				serveTestPeer(c, fl)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		ps.wg.Wait()
	})
	return "ws://" + ln.Addr().String() + "/"
}

// serveTestPeer runs the server side handshake and the echo.
func serveTestPeer(c net.Conn, fl flaws) {
	_ = c.SetDeadline(time.Now().Add(peerLimit))
	br := bufio.NewReader(c)
	sr, err := readServerRequest(br)
	if err != nil {
		_ = c.Close()
		return
	}
	var ext *pmdSetup
	exts, _ := parseExtensions(sr.req.Header.Values(hdrExtensions))
	for _, e := range exts {
		if e.name != pmdName {
			continue
		}
		o, err := parsePMD(e, true)
		if err != nil {
			break
		}
		resp := pmdParams{serverNoContext: o.serverNoContext, serverMaxWindow: o.serverMaxWindow, clientNoContext: o.clientNoContext}
		ext = &pmdSetup{txWindow: windowOr15(o.serverMaxWindow), txNoContext: o.serverNoContext,
			rxWindow: defaultWindowBits, rxNoContext: o.clientNoContext, response: resp.String()}
		break
	}
	resp := ""
	if ext != nil {
		resp = ext.response
	}
	if _, err := c.Write(serverResponse(sr, resp)); err != nil {
		_ = c.Close()
		return
	}
	newPeerConn(c, br, false, fl, ext).run()
}

// dialTestPeer connects the client side test peer to rawURL.
func dialTestPeer(rawURL string, offer string) (net.Conn, *bufio.Reader, *pmdSetup, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return nil, nil, nil, err
	}
	_ = c.SetDeadline(time.Now().Add(peerLimit))
	key := newKey()
	if _, err := c.Write(clientRequest(u, key, offer)); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	br := bufio.NewReader(c)
	_, resp, err := readClientResponse(br, key)
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	var ext *pmdSetup
	exts, _ := parseExtensions(resp.Header.Values(hdrExtensions))
	if len(exts) == 1 && exts[0].name == pmdName {
		r, err := parsePMD(exts[0], false)
		if err == nil {
			ext = &pmdSetup{txWindow: windowOr15(r.clientMaxWindow), txNoContext: r.clientNoContext,
				rxWindow: windowOr15(r.serverMaxWindow), rxNoContext: r.serverNoContext}
		}
	}
	return c, br, ext, nil
}

// utilityText connects to a fuzzing-server function and returns the text
// message it sends, answering its CLOSE.
func utilityText(base, path string) (string, error) {
	c, br, _, err := dialTestPeer(base+path, "")
	if err != nil {
		return "", err
	}
	defer c.Close()
	var text string
	for {
		f, err := ReadFrame(br, 1<<20)
		if err != nil {
			return text, nil
		}
		switch f.Opcode {
		case OpText:
			text = string(f.Payload)
		case OpClose:
			_, _ = c.Write(AppendFrame(nil, Frame{Fin: true, Opcode: OpClose, Masked: true}, newMaskKey()))
			return text, nil
		}
	}
}

// runTestPeerClient runs the fuzzing-server URL protocol as an echo client
// with flaws: getCaseCount, every runCase, updateReports.
func runTestPeerClient(base, agent string, fl flaws) error {
	s, err := utilityText(base, "/getCaseCount")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("getCaseCount answered %q", s)
	}
	for i := 1; i <= n; i++ {
		c, br, ext, err := dialTestPeer(fmt.Sprintf("%s/runCase?case=%d&agent=%s", base, i, url.QueryEscape(agent)), pmdName+"; "+pmdClientMaxWindowBits)
		if err != nil {
			return err
		}
		newPeerConn(c, br, true, fl, ext).run()
	}
	_, err = utilityText(base, "/updateReports?agent="+url.QueryEscape(agent))
	return err
}
