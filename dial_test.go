package websocket_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/proxy"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/handshake"
)

func TestDialTLS(t *testing.T) {
	s := httptest.NewTLSServer(websocket.Handler(echo))
	defer s.Close()
	tlsCfg := s.Client().Transport.(*http.Transport).TLSClientConfig
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{TLSConfig: tlsCfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	roundTrip(t, c, "over wss")

	// Without the test CA the certificate is refused.
	if _, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), nil); err == nil {
		t.Error("Dial with an untrusted certificate succeeded")
	}
}

func TestDialResponseError(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Why", "maintenance")
		http.Error(w, "come back later", http.StatusServiceUnavailable)
	}))
	defer s.Close()
	_, resp, err := websocket.Dial(context.Background(), wsURL(s, "/"), nil)
	var re *websocket.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("Dial = %v, want ResponseError", err)
	}
	if re.StatusCode != 503 || re.Header.Get("X-Why") != "maintenance" || strings.TrimSpace(string(re.Body)) != "come back later" {
		t.Errorf("ResponseError = %d %v %q", re.StatusCode, re.Header, re.Body)
	}
	if !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "come back later") {
		t.Errorf("error text %q does not say why", err)
	}
	if body, _ := io.ReadAll(resp.Body); strings.TrimSpace(string(body)) != "come back later" {
		t.Errorf("resp.Body = %q", body)
	}
}

// fakeServer answers every connection with the response built by respond
// from the client's key, then writes extra bytes.
func fakeServer(t *testing.T, respond func(key string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				req, err := http.ReadRequest(bufio.NewReader(nc))
				if err != nil {
					return
				}
				io.WriteString(nc, respond(req.Header.Get("Sec-WebSocket-Key")))
				io.Copy(io.Discard, nc)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestDialBadResponses(t *testing.T) {
	ok := func(key string) string {
		return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + handshake.AcceptKey(key) + "\r\n"
	}
	tests := []struct {
		name    string
		respond func(key string) string
		offer   []string
		wantErr error
	}{
		{"wrong accept", func(string) string { return ok("AAAAAAAAAAAAAAAAAAAAAA==") + "\r\n" }, nil, handshake.ErrResponseAccept},
		{"no upgrade", func(k string) string { return strings.Replace(ok(k), "Upgrade: websocket\r\n", "", 1) + "\r\n" }, nil, handshake.ErrResponseUpgrade},
		{"subprotocol not offered", func(k string) string { return ok(k) + "Sec-WebSocket-Protocol: evil\r\n\r\n" }, []string{"chat"}, handshake.ErrResponseSubprotocol},
		{"extension not offered", func(k string) string { return ok(k) + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n" }, nil, handshake.ErrResponseExtension},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeServer(t, tc.respond)
			_, resp, err := websocket.Dial(context.Background(), "ws://"+addr+"/", &websocket.DialOptions{Subprotocols: tc.offer})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Dial = %v, want %v", err, tc.wantErr)
			}
			if resp == nil || resp.StatusCode != 101 {
				t.Errorf("resp = %v, want the 101 response", resp)
			}
		})
	}
}

func TestDialEarlyFrames(t *testing.T) {
	addr := fakeServer(t, func(key string) string {
		return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			handshake.AcceptKey(key) + "\r\n\r\n\x81\x05hello"
	})
	c, _, err := websocket.Dial(context.Background(), "ws://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if _, msg, err := c.Read(context.Background()); err != nil || string(msg) != "hello" {
		t.Fatalf("Read = %q, %v", msg, err)
	}
}

func TestDialTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err == nil {
			defer nc.Close()
			io.Copy(io.Discard, nc) // never answers
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dial = %v, want DeadlineExceeded", err)
	}
}

func TestDialBadURL(t *testing.T) {
	for _, u := range []string{"ftp://example.com/", "ws:///path", "ws://example.com/#frag", "::"} {
		if _, _, err := websocket.Dial(context.Background(), u, nil); err == nil {
			t.Errorf("Dial(%q) succeeded", u)
		}
	}
}

// connectProxy is an HTTP proxy that supports CONNECT only. It counts
// tunnels and checks credentials when user is set. route, when set, maps
// the requested host:port to the address it connects to.
func connectProxy(t *testing.T, user string, route func(hostport string) string) (*url.URL, *atomic.Int32) {
	t.Helper()
	var tunnels atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		if user != "" && r.Header.Get("Proxy-Authorization") == "" {
			http.Error(w, "auth", http.StatusProxyAuthRequired)
			return
		}
		addr := r.Host
		if route != nil {
			addr = route(addr)
		}
		upstream, err := net.Dial("tcp", addr)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		nc, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		tunnels.Add(1)
		go func() { io.Copy(upstream, brw); upstream.Close() }()
		io.Copy(nc, upstream)
		nc.Close()
	}))
	t.Cleanup(s.Close)
	u, _ := url.Parse(s.URL)
	if user != "" {
		u.User = url.UserPassword(user, "secret")
	}
	return u, &tunnels
}

func TestDialHTTPProxy(t *testing.T) {
	s := httptest.NewServer(websocket.Handler(echo))
	defer s.Close()
	proxyURL, tunnels := connectProxy(t, "alice", nil)
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{Proxy: http.ProxyURL(proxyURL)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	roundTrip(t, c, "through CONNECT")
	if tunnels.Load() != 1 {
		t.Errorf("proxy opened %d tunnels, want 1", tunnels.Load())
	}
}

// proxyTargetEnv, set in a child test process, is the URL that
// TestDialProxyFromEnvironment dials there with no options.
const proxyTargetEnv = "WIREFAST_TEST_PROXY_TARGET"

// TestDialProxyFromEnvironment checks the default proxy: Dial with no
// options takes HTTP_PROXY from the environment. The environment is read
// once per process (http.ProxyFromEnvironment caches it) and ignores
// loopback targets, so the dial runs in a child process whose
// environment names the proxy, to a made-up host that only the proxy
// knows how to reach.
func TestDialProxyFromEnvironment(t *testing.T) {
	if target := os.Getenv(proxyTargetEnv); target != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		roundTrip(t, c, "through the environment's proxy")
		return
	}
	s := httptest.NewServer(websocket.Handler(echo))
	defer s.Close()
	const host = "wirefast-proxy-test.invalid:80"
	proxyURL, tunnels := connectProxy(t, "", func(hostport string) string {
		if hostport == host {
			return s.Listener.Addr().String()
		}
		return "0.0.0.0:0" // anything else fails
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestDialProxyFromEnvironment$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(),
		proxyTargetEnv+"=ws://"+host+"/",
		"HTTP_PROXY="+proxyURL.String(), "http_proxy="+proxyURL.String(),
		"NO_PROXY=", "no_proxy=", "REQUEST_METHOD=") // REQUEST_METHOD would mean CGI: no HTTP_PROXY
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child dial through HTTP_PROXY: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestDialProxyFromEnvironment") {
		t.Fatalf("child did not run the dial:\n%s", out)
	}
	if tunnels.Load() != 1 {
		t.Errorf("proxy opened %d tunnels, want 1", tunnels.Load())
	}
}

// socks5Server is a minimal RFC 1928 SOCKS5 server (no authentication,
// CONNECT only) on loopback.
func socks5Server(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var tunnels atomic.Int32
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				br := bufio.NewReader(nc)
				var hdr [2]byte
				if _, err := io.ReadFull(br, hdr[:]); err != nil || hdr[0] != 5 {
					return
				}
				if _, err := io.ReadFull(br, make([]byte, hdr[1])); err != nil {
					return
				}
				nc.Write([]byte{5, 0}) // no authentication
				var req [4]byte
				if _, err := io.ReadFull(br, req[:]); err != nil || req[1] != 1 {
					return
				}
				var host string
				switch req[3] {
				case 1:
					ip := make([]byte, 4)
					io.ReadFull(br, ip)
					host = net.IP(ip).String()
				case 3:
					n, _ := br.ReadByte()
					name := make([]byte, n)
					io.ReadFull(br, name)
					host = string(name)
				default:
					return
				}
				var port [2]byte
				io.ReadFull(br, port[:])
				upstream, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:])))))
				if err != nil {
					nc.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
					return
				}
				defer upstream.Close()
				tunnels.Add(1)
				nc.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
				go func() { io.Copy(upstream, br); upstream.Close() }()
				io.Copy(nc, upstream)
			}()
		}
	}()
	return ln.Addr().String(), &tunnels
}

func TestDialSOCKS5(t *testing.T) {
	s := httptest.NewServer(websocket.Handler(echo))
	defer s.Close()
	addr, tunnels := socks5Server(t)
	dialer, err := proxy.SOCKS5("tcp", addr, nil, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := websocket.Dial(context.Background(), wsURL(s, "/"), &websocket.DialOptions{
		NetDialContext: dialer.(proxy.ContextDialer).DialContext,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	roundTrip(t, c, "through SOCKS5")
	if tunnels.Load() != 1 {
		t.Errorf("SOCKS5 server opened %d tunnels, want 1", tunnels.Load())
	}
}

func TestDialResponseTooLarge(t *testing.T) {
	addr := fakeServer(t, func(string) string {
		return "HTTP/1.1 101 Switching Protocols\r\nX-Junk: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"
	})
	if _, _, err := websocket.Dial(context.Background(), "ws://"+addr+"/", nil); err == nil || !strings.Contains(err.Error(), "read response") {
		t.Fatalf("Dial = %v, want a read response error", err)
	}
}
