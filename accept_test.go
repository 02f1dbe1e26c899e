package websocket_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/handshake"
)

// echo is the handler of most tests: it echoes messages until an error.
func echo(ctx context.Context, c *websocket.Conn) {
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
	}
}

// wsURL turns an httptest server URL into a ws:// URL.
func wsURL(s *httptest.Server, path string) string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + path
}

// roundTrip writes msg on c and reads the echo.
func roundTrip(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	typ, got, err := c.Read(ctx)
	if err != nil || typ != websocket.MessageText || string(got) != msg {
		t.Fatalf("Read = %v, %q, %v, want text %q", typ, got, err, msg)
	}
}

func TestHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/echo", websocket.Handler(echo))
	s := httptest.NewServer(mux)
	defer s.Close()
	c, resp, err := websocket.Dial(context.Background(), wsURL(s, "/echo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("status %d", resp.StatusCode)
	}
	roundTrip(t, c, "hello")
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestServerClosesWhenHandlerReturns(t *testing.T) {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {}))
	defer s.Close()
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(context.Background())
	if websocket.CloseStatus(err) != websocket.CloseNormal {
		t.Fatalf("Read = %v, want close 1000", err)
	}
}

func TestHandlerContextEndsWithConnection(t *testing.T) {
	done := make(chan error, 1)
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		ctx = c.CloseRead(ctx)
		<-ctx.Done()
		done <- ctx.Err()
	}))
	defer s.Close()
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(websocket.CloseGoingAway, "bye")
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler ctx err = %v, want Canceled", err)
	}
}

func TestAcceptSubprotocol(t *testing.T) {
	s := httptest.NewServer(websocket.Server{
		Options: &websocket.AcceptOptions{Subprotocols: []string{"v2.chat", "v1.chat"}},
		Handler: echo,
	})
	defer s.Close()
	tests := []struct {
		offer []string
		want  string
	}{
		{[]string{"v1.chat", "v2.chat"}, "v2.chat"}, // the server's preference wins
		{[]string{"v1.chat"}, "v1.chat"},
		{[]string{"other"}, ""},
		{nil, ""},
	}
	for _, tc := range tests {
		c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{Subprotocols: tc.offer})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Subprotocol(); got != tc.want {
			t.Errorf("offer %v: Subprotocol() = %q, want %q", tc.offer, got, tc.want)
		}
		c.CloseNow()
	}
}

func TestAcceptOrigin(t *testing.T) {
	s := httptest.NewServer(websocket.Server{
		Options: &websocket.AcceptOptions{OriginPatterns: []string{"*.trusted.example"}},
		Handler: echo,
	})
	defer s.Close()
	host := strings.TrimPrefix(s.URL, "http://")
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true},               // not a browser
		{"http://" + host, true}, // same origin
		{"https://app.trusted.example", true},
		{"https://evil.example", false},
		{"null", false},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		c, resp, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{Header: h})
		if tc.ok {
			if err != nil {
				t.Errorf("Origin %q: %v", tc.origin, err)
				continue
			}
			c.CloseNow()
			continue
		}
		var re *websocket.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden || resp.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %q: err = %v, want 403 ResponseError", tc.origin, err)
		}
	}
}

// TestAcceptBadRequests sends hand-written requests and checks the HTTP
// answer of both server paths.
func TestAcceptBadRequests(t *testing.T) {
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	good := "Host: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
	tests := []struct {
		name       string
		request    string
		wantStatus int
		wantHeader map[string]string
	}{
		{"ok", "GET / HTTP/1.1\r\n" + good + "\r\n", 101, map[string]string{"Sec-Websocket-Accept": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}},
		{"keep-alive, Upgrade", "GET / HTTP/1.1\r\n" + strings.Replace(good, "Connection: Upgrade", "Connection: keep-alive, Upgrade", 1) + "\r\n", 101, nil},
		{"post", "POST / HTTP/1.1\r\n" + good + "Content-Length: 0\r\n\r\n", 405, map[string]string{"Allow": "GET"}},
		{"version 8", "GET / HTTP/1.1\r\n" + strings.Replace(good, "Version: 13", "Version: 8", 1) + "\r\n", 426, map[string]string{"Sec-Websocket-Version": "13"}},
		{"no upgrade", "GET / HTTP/1.1\r\n" + strings.Replace(good, "Upgrade: websocket\r\n", "", 1) + "\r\n", 426, nil},
		{"short key", "GET / HTTP/1.1\r\n" + strings.Replace(good, key, "dGhlIHNhbXBsZSBub25jZQ", 1) + "\r\n", 400, nil},
		{"cross origin", "GET / HTTP/1.1\r\n" + good + "Origin: https://evil.example\r\n\r\n", 403, nil},
	}
	servers := map[string]func(t *testing.T) string{
		"net/http": func(t *testing.T) string {
			s := httptest.NewServer(websocket.Handler(echo))
			t.Cleanup(s.Close)
			return s.Listener.Addr().String()
		},
		"AcceptConn": func(t *testing.T) string { return rawServer(t, nil) },
	}
	for sname, start := range servers {
		for _, tc := range tests {
			t.Run(sname+"/"+tc.name, func(t *testing.T) {
				addr := start(t)
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer nc.Close()
				if _, err := io.WriteString(nc, tc.request); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tc.wantStatus {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
				}
				for k, v := range tc.wantHeader {
					if got := resp.Header.Get(k); got != v {
						t.Errorf("%s: %q, want %q", k, got, v)
					}
				}
			})
		}
	}
}

// rawServer serves AcceptConn + echo on a loopback listener and returns
// its address.
func rawServer(t *testing.T, opts *websocket.AcceptOptions) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c, err := websocket.AcceptConn(context.Background(), nc, opts)
				if err != nil {
					return
				}
				echo(context.Background(), c)
				c.CloseNow()
			}()
		}
	}()
	return ln.Addr().String()
}

func TestAcceptConn(t *testing.T) {
	var path, cookie string
	addr := rawServer(t, &websocket.AcceptOptions{
		Subprotocols: []string{"chat"},
		OnRequest: func(r *handshake.Request) error {
			path, cookie = string(r.Target), string(r.Get("Cookie"))
			if path == "/forbidden" {
				return errors.New("no entry")
			}
			return nil
		},
	})
	h := http.Header{"Cookie": {"session=abc"}}
	c, _, err := websocket.Dial(context.Background(), "ws://"+addr+"/chat?room=1", &websocket.DialOptions{Header: h, Subprotocols: []string{"chat"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if path != "/chat?room=1" || cookie != "session=abc" || c.Subprotocol() != "chat" {
		t.Errorf("OnRequest saw %q, %q; subprotocol %q", path, cookie, c.Subprotocol())
	}
	roundTrip(t, c, "raw path")

	_, _, err = websocket.Dial(context.Background(), "ws://"+addr+"/forbidden", nil)
	var re *websocket.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
		t.Errorf("Dial /forbidden = %v, want 403", err)
	}
}

// TestAcceptEarlyFrames sends the first frame in the same write as the
// request: the server must not lose it.
func TestAcceptEarlyFrames(t *testing.T) {
	for name, addr := range map[string]func() string{
		"net/http": func() string {
			s := httptest.NewServer(websocket.Handler(echo))
			t.Cleanup(s.Close)
			return s.Listener.Addr().String()
		},
		"AcceptConn": func() string { return rawServer(t, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			nc, err := net.Dial("tcp", addr())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			req := "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
			frame := []byte{0x81, 0x82, 0, 0, 0, 0, 'h', 'i'} // masked with a zero key
			if _, err := nc.Write(append([]byte(req), frame...)); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(nc)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != 101 {
				t.Fatalf("response %v, %v", resp, err)
			}
			echoed := make([]byte, 4)
			if _, err := io.ReadFull(br, echoed); err != nil || string(echoed) != "\x81\x02hi" {
				t.Fatalf("echo = %q, %v", echoed, err)
			}
		})
	}
}
