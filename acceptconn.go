package websocket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
	"github.com/wirefast/websocket/internal/bufpool"
	"github.com/wirefast/websocket/protocol"
)

// AcceptConn performs the server's opening handshake on a raw connection,
// reading the request bytes itself: no net/http server, no http.Request,
// no bufio.Reader per connection. It is the lowest-memory way to serve
// many connections; a net.Listener loop calls it for each accepted
// connection (see the example).
//
// The request is checked as by [Accept]; opts.OnRequest sees it before the
// answer. On failure AcceptConn writes the HTTP error response, closes nc
// and returns the error. The handshake is bounded by ctx and
// opts.HandshakeTimeout.
func AcceptConn(ctx context.Context, nc net.Conn, opts *AcceptOptions) (*Conn, error) {
	if opts == nil {
		opts = &AcceptOptions{}
	}
	deadline := handshakeDeadline(opts.HandshakeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	defer stop()

	buf := bufpool.Get(handshake.MaxRequestBytes)
	defer bufpool.Put(buf)
	req, n, end, err := readRequest(nc, *buf)
	var resp handshake.Response
	var dcfg *deflate.Config
	if err == nil {
		err = req.CheckOrigin(opts.OriginPatterns)
	}
	if err == nil && opts.Compression != nil && opts.Compression.Mode != CompressionDisabled {
		var offers []handshake.Extension
		if offers, err = req.Extensions(); err == nil {
			dcfg, err = deflate.Accept(offers, opts.Compression)
		}
	}
	if err == nil && opts.OnRequest != nil {
		if err = opts.OnRequest(&req); err != nil {
			if _, ok := handshake.StatusOf(err); !ok {
				err = &rejectedError{err}
			}
		}
	}
	if err == nil {
		resp = handshake.Response{Subprotocol: req.SelectSubprotocol(opts.Subprotocols), Header: opts.Header}
		if dcfg != nil {
			resp.Extensions = []handshake.Extension{dcfg.Response()}
		}
		b := handshake.AppendResponse((*buf)[end:end], req.Key, &resp)
		_, err = nc.Write(b)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		rejectRaw(nc, err)
		nc.Close()
		return nil, fmt.Errorf("websocket: accept: %w", err)
	}
	_ = nc.SetDeadline(time.Time{})
	if !stop() {
		nc.Close()
		return nil, fmt.Errorf("websocket: accept: %w", ctx.Err())
	}
	cfg := opts.config()
	cfg.deflate = dcfg
	return newConn(nc, protocol.RoleServer, resp.Subprotocol, (*buf)[n:end], cfg), nil
}

// readRequest reads from nc into buf until it holds a whole request and
// parses it. It returns the request, its length and how many bytes of
// buf were filled (bytes after the request are early frames).
func readRequest(nc net.Conn, buf []byte) (handshake.Request, int, int, error) {
	end := 0
	for {
		m, err := nc.Read(buf[end:])
		end += m
		req, n, perr := handshake.ParseRequest(buf[:end])
		if perr == nil {
			return req, n, end, nil
		}
		if perr != handshake.ErrNeedMore {
			return req, 0, end, perr
		}
		if end == len(buf) {
			return req, 0, end, handshake.ErrRequestTooLarge
		}
		if err != nil {
			return req, 0, end, fmt.Errorf("read request: %w", err)
		}
	}
}

// rejectRaw writes the HTTP error response for err, when it deserves one.
func rejectRaw(nc net.Conn, err error) {
	status, ok := handshake.StatusOf(err)
	if !ok {
		var re *rejectedError
		if !errors.As(err, &re) {
			return // an I/O error: nobody to answer
		}
		status = http.StatusForbidden
	}
	var stack [256]byte
	body := http.StatusText(status)
	var he *handshake.Error
	if errors.As(err, &he) {
		body = he.Reason
	}
	_, _ = nc.Write(handshake.AppendErrorResponse(stack[:0], status, body))
}

// rejectedError is an OnRequest error without an HTTP status: 403.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string { return "rejected by OnRequest: " + e.err.Error() }
func (e *rejectedError) Unwrap() error { return e.err }
