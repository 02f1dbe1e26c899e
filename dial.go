package websocket

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
	"github.com/wirefast/websocket/protocol"
)

// DialOptions configures the client side of the opening handshake. A nil
// *DialOptions means the defaults of every field.
type DialOptions struct {
	ConnOptions

	// Header holds extra request header fields: Origin, Authorization,
	// Cookie, User-Agent and the like.
	Header http.Header

	// Subprotocols are offered in order of preference; the server's
	// choice is Conn.Subprotocol. A server choosing one not offered fails
	// the handshake.
	Subprotocols []string

	// TLSConfig is used for wss:// URLs (and https proxies). Nil means a
	// default config; ServerName defaults to the URL's host. ALPN is
	// always "http/1.1": WebSocket over HTTP/2 is a different handshake.
	TLSConfig *tls.Config

	// NetDialContext dials the TCP connection (to the server, or to the
	// proxy). Nil means a net.Dialer. Plug in another transport here,
	// such as a SOCKS5 dialer from golang.org/x/net/proxy.
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// Proxy returns the HTTP proxy for a request, as in http.Transport;
	// the connection is tunnelled through it with CONNECT. Nil means
	// http.ProxyFromEnvironment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY; ws://
	// URLs count as http, wss:// as https). To dial directly, return nil.
	Proxy func(*http.Request) (*url.URL, error)

	// HandshakeTimeout bounds the whole opening handshake (proxy, TLS and
	// HTTP) when ctx has no earlier deadline. Zero means
	// DefaultHandshakeTimeout (10 s).
	HandshakeTimeout time.Duration
}

// MaxResponseHeaderBytes bounds the handshake response Dial reads, status
// line and header fields, in bytes.
const MaxResponseHeaderBytes = 16 << 10

// MaxErrorBody is how much of a failed handshake response's body Dial
// reads into [ResponseError.Body], in bytes.
const MaxErrorBody = 1024

// ResponseError is returned by Dial when the server answers the opening
// handshake with another status than 101 Switching Protocols. It carries
// what the server said so the caller can see why.
type ResponseError struct {
	StatusCode int
	Header     http.Header
	Body       []byte // at most MaxErrorBody bytes of the response body
}

func (e *ResponseError) Error() string {
	s := fmt.Sprintf("websocket: dial: server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if body := strings.TrimSpace(string(e.Body)); body != "" {
		s += ": " + body
	}
	return s
}

// Dial opens a WebSocket connection to a ws:// or wss:// URL (http:// and
// https:// are accepted as synonyms). It returns the connection and the
// server's handshake response. When the handshake fails after the server
// answered, the response is returned too, its Body holding what was read
// of it; a non-101 answer is a [*ResponseError].
//
// ctx bounds the handshake only; the connection outlives it.
func Dial(ctx context.Context, rawURL string, opts *DialOptions) (*Conn, *http.Response, error) {
	if opts == nil {
		opts = &DialOptions{}
	}
	u, err := parseWSURL(rawURL)
	if err != nil {
		return nil, nil, err
	}
	timeout := opts.HandshakeTimeout
	if timeout <= 0 {
		timeout = DefaultHandshakeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	nc, err := dialTransport(ctx, u, opts)
	if err != nil {
		err = ctxOr(ctx, err)
		return nil, nil, fmt.Errorf("websocket: dial %s: %w", u.Redacted(), err)
	}
	c, resp, err := clientHandshake(ctx, nc, u, opts)
	if err != nil {
		nc.Close()
		return nil, resp, fmt.Errorf("websocket: dial %s: %w", u.Redacted(), err)
	}
	return c, resp, nil
}

// parseWSURL parses and normalizes a WebSocket URL to ws or wss.
func parseWSURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("websocket: dial: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("websocket: dial: URL scheme %q is not ws or wss", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("websocket: dial: URL %q has no host", rawURL)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("websocket: dial: URL %q has a fragment", rawURL)
	}
	return u, nil
}

// hostPort returns u's host with the scheme's default port if it has none.
func hostPort(u *url.URL, defaultPort string) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), defaultPort)
}

// dialTransport returns a connection to the server, through a proxy if
// one applies and through TLS for wss, bounded by ctx.
func dialTransport(ctx context.Context, u *url.URL, opts *DialOptions) (net.Conn, error) {
	dial := opts.NetDialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	proxyURL, err := proxyFor(u, opts.Proxy)
	if err != nil {
		return nil, err
	}
	addr := hostPort(u, map[string]string{"ws": "80", "wss": "443"}[u.Scheme])
	var nc net.Conn
	if proxyURL == nil {
		if nc, err = dial(ctx, "tcp", addr); err != nil {
			return nil, err
		}
	} else if nc, err = dialProxy(ctx, dial, proxyURL, addr, opts.TLSConfig); err != nil {
		return nil, err
	}
	if u.Scheme == "wss" {
		tc := tls.Client(nc, tlsConfig(opts.TLSConfig, u.Hostname()))
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("tls: %w", err)
		}
		nc = tc
	}
	return nc, nil
}

// tlsConfig returns a copy of cfg for serverName, speaking HTTP/1.1.
func tlsConfig(cfg *tls.Config, serverName string) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = serverName
	}
	cfg.NextProtos = []string{"http/1.1"}
	return cfg
}

// proxyFor asks proxy (default: the environment) which proxy serves u.
func proxyFor(u *url.URL, proxy func(*http.Request) (*url.URL, error)) (*url.URL, error) {
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	httpURL := *u
	httpURL.Scheme = map[string]string{"ws": "http", "wss": "https"}[u.Scheme]
	p, err := proxy(&http.Request{URL: &httpURL, Header: http.Header{}})
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if p != nil && p.Scheme != "http" && p.Scheme != "https" {
		return nil, fmt.Errorf("proxy: scheme %q not supported; plug a SOCKS5 dialer into DialOptions.NetDialContext", p.Scheme)
	}
	return p, nil
}

// dialProxy opens a tunnel to addr through an HTTP proxy with CONNECT.
func dialProxy(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), proxyURL *url.URL, addr string, tlsCfg *tls.Config) (net.Conn, error) {
	defaultPort := "80"
	if proxyURL.Scheme == "https" {
		defaultPort = "443"
	}
	nc, err := dial(ctx, "tcp", hostPort(proxyURL, defaultPort))
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if proxyURL.Scheme == "https" {
		tc := tls.Client(nc, tlsConfig(tlsCfg, proxyURL.Hostname()))
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("proxy: tls: %w", err)
		}
		nc = tc
	}
	stop := watchConn(ctx, nc)
	defer stop()
	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if user := proxyURL.User; user != nil {
		pass, _ := user.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user.Username()+":"+pass)) + "\r\n"
	}
	if _, err := io.WriteString(nc, req+"\r\n"); err != nil {
		nc.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	// The proxy says nothing after its response until the tunnel is used,
	// so a one-byte-at-a-time reader cannot swallow tunnel bytes.
	resp, err := http.ReadResponse(bufio.NewReaderSize(oneByteReader{nc}, 16), &http.Request{Method: http.MethodConnect})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		nc.Close()
		return nil, fmt.Errorf("proxy: CONNECT %s: %s", addr, resp.Status)
	}
	return nc, nil
}

// oneByteReader reads one byte per Read call.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

// watchConn applies ctx's deadline and cancellation to nc until stop.
func watchConn(ctx context.Context, nc net.Conn) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(d)
	}
	after := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	return func() bool {
		_ = nc.SetDeadline(time.Time{})
		return after()
	}
}

// clientHandshake sends the upgrade request on nc and checks the answer.
func clientHandshake(ctx context.Context, nc net.Conn, u *url.URL, opts *DialOptions) (*Conn, *http.Response, error) {
	stop := watchConn(ctx, nc)
	defer stop()
	key, err := handshake.NewKey()
	if err != nil {
		return nil, nil, err
	}
	target := u.RequestURI()
	if target == "" {
		target = "/"
	}
	var offers []handshake.Extension
	if opts.Compression != nil && opts.Compression.Mode != CompressionDisabled {
		if offers, err = deflate.Offer(opts.Compression); err != nil {
			return nil, nil, err
		}
	}
	req, err := handshake.AppendRequest(nil, &handshake.ClientRequest{
		Target:       target,
		Host:         u.Host,
		Key:          key,
		Subprotocols: opts.Subprotocols,
		Extensions:   offers,
		Header:       opts.Header,
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := nc.Write(req); err != nil {
		return nil, nil, ctxOr(ctx, err)
	}
	// The limit keeps a hostile server from growing the header without
	// bound; what the buffer holds past the header are early frames.
	br := bufio.NewReader(&io.LimitedReader{R: nc, N: MaxResponseHeaderBytes})
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet, URL: u})
	if err != nil {
		return nil, nil, ctxOr(ctx, fmt.Errorf("read response: %w", err))
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return nil, resp, &ResponseError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	}
	subprotocol, exts, err := handshake.CheckResponse(resp, key, opts.Subprotocols, offers)
	if err != nil {
		return nil, resp, err
	}
	var dcfg *deflate.Config
	if len(exts) > 0 {
		if dcfg, err = deflate.Confirm(exts, opts.Compression); err != nil {
			return nil, resp, err
		}
	}
	if !stop() {
		return nil, resp, ctx.Err()
	}
	var early []byte
	if n := br.Buffered(); n > 0 {
		early, _ = br.Peek(n)
	}
	cfg := opts.config()
	cfg.deflate = dcfg
	return newConn(nc, protocol.RoleClient, subprotocol, early, cfg), resp, nil
}

// ctxOr returns ctx's error when ctx caused err: a deadline taken from
// ctx can expire an instant before ctx itself reports it.
func ctxOr(ctx context.Context, err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return err
}
