package websocket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/wirefast/websocket/handshake"
	"github.com/wirefast/websocket/protocol"
)

// AcceptOptions configures the server side of the opening handshake. A
// nil *AcceptOptions means the defaults of every field.
type AcceptOptions struct {
	ConnOptions

	// Subprotocols are the subprotocols the server speaks, in its order
	// of preference: the first one the client also offers is chosen (see
	// Conn.Subprotocol). Nil means none is chosen.
	Subprotocols []string

	// OriginPatterns allows cross-origin requests. By default a browser
	// request is accepted only when its Origin names the same host as its
	// Host header, which blocks cross-site WebSocket hijacking (RFC 6455,
	// Section 10.2). Each pattern is matched against the Origin's
	// host[:port] with path.Match, case-insensitively
	// ("*.example.com", "localhost:*"); "*" accepts every origin.
	// Requests without an Origin header (non-browser clients) are always
	// accepted. A rejected request gets 403 Forbidden.
	OriginPatterns []string

	// Header holds extra response header fields, such as Set-Cookie.
	Header http.Header

	// HandshakeTimeout bounds writing the 101 response, and for
	// AcceptConn also reading the request. Zero means
	// DefaultHandshakeTimeout (10 s).
	HandshakeTimeout time.Duration

	// OnRequest, used by AcceptConn only, inspects the parsed request
	// (path, cookies, authorization) before the server answers. Returning
	// an error rejects the handshake: with the status of a
	// *handshake.Error in its chain, 403 Forbidden otherwise. The Request
	// and its byte slices are valid only during the call.
	OnRequest func(r *handshake.Request) error
}

// Accept upgrades an HTTP/1.1 request to a WebSocket connection (RFC 6455,
// Section 4.2). It checks the request, the Origin and the subprotocols,
// hijacks the connection and writes the 101 response itself.
//
// On a bad request Accept writes the HTTP error the request deserves (400
// for a malformed handshake, 403 for a rejected Origin, 405 for a method
// other than GET, 426 with Sec-WebSocket-Version: 13 for another
// version) and returns an error that describes it; the caller just
// returns.
func Accept(w http.ResponseWriter, r *http.Request, opts *AcceptOptions) (*Conn, error) {
	if opts == nil {
		opts = &AcceptOptions{}
	}
	key, err := handshake.CheckRequest(r)
	if err == nil {
		err = handshake.CheckOrigin(r.Header.Get("Origin"), r.Host, opts.OriginPatterns)
	}
	if err != nil {
		return nil, rejectHTTP(w, err)
	}
	dcfg, err := acceptCompression(r.Header.Values("Sec-WebSocket-Extensions"), opts.Compression)
	if err != nil {
		return nil, rejectHTTP(w, err)
	}
	resp := handshake.Response{
		Subprotocol: handshake.SelectSubprotocol(r.Header.Values("Sec-WebSocket-Protocol"), opts.Subprotocols),
		Header:      opts.Header,
	}
	if dcfg != nil {
		resp.Extensions = []handshake.Extension{dcfg.Response()}
	}

	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		err = fmt.Errorf("websocket: accept: hijack: %w", err)
		http.Error(w, "websocket: cannot hijack the connection", http.StatusInternalServerError)
		return nil, err
	}
	// Bytes the client sent after its request (frames already in flight)
	// are in the hijacked reader's buffer.
	var early []byte
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ = brw.Reader.Peek(n)
	}
	if err := writeResponse(nc, []byte(key), &resp, handshakeDeadline(opts.HandshakeTimeout)); err != nil {
		nc.Close()
		return nil, err
	}
	cfg := opts.config()
	cfg.deflate = dcfg
	return newConn(nc, protocol.RoleServer, resp.Subprotocol, early, cfg), nil
}

// rejectHTTP answers a failed handshake through net/http.
func rejectHTTP(w http.ResponseWriter, err error) error {
	status, ok := handshake.StatusOf(err)
	if !ok {
		status = http.StatusInternalServerError
	}
	handshake.SetErrorHeaders(w.Header(), status)
	var he *handshake.Error
	reason := http.StatusText(status)
	if errors.As(err, &he) {
		reason = he.Reason
	}
	http.Error(w, reason, status)
	return fmt.Errorf("websocket: accept: %w", err)
}

// writeResponse writes the 101 response on nc.
func writeResponse(nc net.Conn, key []byte, resp *handshake.Response, deadline time.Time) error {
	var stack [512]byte
	b := handshake.AppendResponse(stack[:0], key, resp)
	_ = nc.SetWriteDeadline(deadline)
	_, err := nc.Write(b)
	_ = nc.SetWriteDeadline(time.Time{})
	if err != nil {
		return fmt.Errorf("websocket: accept: write response: %w", err)
	}
	return nil
}

func handshakeDeadline(timeout time.Duration) time.Time {
	if timeout <= 0 {
		timeout = DefaultHandshakeTimeout
	}
	return time.Now().Add(timeout)
}

// Handler is an http.Handler that accepts WebSocket connections with the
// default options and runs itself on each, for the one-line server:
//
//	http.Handle("/echo", websocket.Handler(echo))
//
// The context is done when the connection closes or the request's
// context ends. When the function returns, a connection still open is
// closed: with [CloseGoingAway] if the request's context has ended (the
// server is shutting down), with [CloseNormal] otherwise. A handler that
// wants another code closes the connection itself. Use [Server] to set
// options, and [Accept] from an http.HandlerFunc to see the request
// (query, cookies) before upgrading.
type Handler func(ctx context.Context, c *Conn)

// ServeHTTP accepts the connection and calls h.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	Server{Handler: h}.ServeHTTP(w, r)
}

// Server is an http.Handler that accepts WebSocket connections with
// Options and runs Handler on each, like [Handler].
type Server struct {
	Options *AcceptOptions
	Handler func(ctx context.Context, c *Conn)
	// OnError, if set, is told why a handshake failed; the client has
	// already been answered. Nil ignores such errors.
	OnError func(r *http.Request, err error)
}

// ServeHTTP accepts the connection and runs s.Handler on it.
func (s Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := Accept(w, r, s.Options)
	if err != nil {
		if s.OnError != nil {
			s.OnError(r, err)
		}
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	c.setOnClose(cancel)
	s.Handler(ctx, c)
	code := CloseNormal
	if r.Context().Err() != nil {
		code = CloseGoingAway
	}
	_ = c.Close(code, "")
}
