package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// testClient returns client options for url that write what the server
// says to out and log nowhere.
func testClient(url string, out io.Writer) clientOptions {
	return clientOptions{
		url:          url,
		name:         "Bob",
		pingInterval: defaultServerConfig().pingInterval,
		pongTimeout:  defaultServerConfig().pongTimeout,
		minBackoff:   10 * time.Millisecond,
		maxBackoff:   100 * time.Millisecond,
		in:           strings.NewReader(""),
		out:          out,
		log:          slog.New(slog.DiscardHandler),
	}
}

func TestClientHello(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out strings.Builder
	if err := runClient(ctx, testClient(ts.ws+"/ws/hello", &out)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Hello Bob!\n" {
		t.Errorf("output %q, want \"Hello Bob!\\n\"", got)
	}
}

func TestClientEcho(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out strings.Builder
	o := testClient(ts.ws+"/ws/echo", &out)
	o.in = strings.NewReader("one\ntwo 2\n\nthree")
	if err := runClient(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "one\ntwo 2\n\nthree\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestClientBadURL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for _, url := range []string{"http://127.0.0.1:1/ws/time", "127.0.0.1/ws/time", "ws://%zz"} {
		if err := runClient(ctx, testClient(url, io.Discard)); err == nil {
			t.Errorf("runClient(%q) = nil, want an error", url)
		}
	}
}

// lineWriter sends each line written to it on a channel.
type lineWriter struct {
	lines chan string
	rest  string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.rest += string(p)
	for {
		line, rest, ok := strings.Cut(w.rest, "\n")
		if !ok {
			return len(p), nil
		}
		w.lines <- line
		w.rest = rest
	}
}

// TestSubscriberResumes runs the subscriber on /ws/tick while the server
// goes away and comes back on the same address: the subscriber
// reconnects and carries on from the tick after its last one.
func TestSubscriberResumes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	serveOn := func(ln net.Listener) (stop func()) {
		h := newHub()
		s := newServer(testConfig(), slog.New(slog.DiscardHandler), h, newMemBus(h), "p")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.serve(ctx, ln) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}
	stop := serveOn(ln)

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	out := &lineWriter{lines: make(chan string, 100)}
	o := testClient("ws://"+addr+"/ws/tick", out)
	retries := make(chan error, 100)
	o.onRetry = func(err error, _ time.Duration) { retries <- err }
	clientDone := make(chan error, 1)
	go func() { clientDone <- runClient(ctx, o) }()

	next := int64(1)
	checkTick := func(line string) {
		t.Helper()
		var tick tickEvent
		if err := json.Unmarshal([]byte(line), &tick); err != nil || tick.Seq != next {
			t.Fatalf("line %q: want tick %d", line, next)
		}
		next++
	}
	expectTicks := func(n int) {
		t.Helper()
		for range n {
			select {
			case line := <-out.lines:
				checkTick(line)
			case err := <-clientDone:
				t.Fatalf("subscriber stopped: %v", err)
			case <-ctx.Done():
				t.Fatal(ctx.Err())
			}
		}
	}
	expectTicks(3)
	stop() // the server goes away with 1001
	// The ticks sent before the close may still arrive; then the
	// subscriber retries, in vain while nobody listens.
	for gotRetries := 0; gotRetries < 2; {
		select {
		case line := <-out.lines:
			checkTick(line)
		case <-retries:
			gotRetries++
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
	}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", addr, err)
	}
	stop = serveOn(ln)
	defer stop()
	expectTicks(3)

	cancel()
	if err := <-clientDone; err != nil {
		t.Errorf("runClient after cancel: %v, want nil", err)
	}
}

// TestClientKeepalive checks that the client pings by default: against a
// server that never reads (so never answers), the connection fails with
// ErrKeepaliveTimeout and the subscriber reconnects.
func TestClientKeepalive(t *testing.T) {
	mute := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		<-r.Context().Done()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mute}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	o := testClient("ws://"+ln.Addr().String()+"/ws/time", io.Discard)
	o.pingInterval, o.pongTimeout = 20*time.Millisecond, 20*time.Millisecond
	retried := make(chan error, 10)
	o.onRetry = func(err error, _ time.Duration) {
		select {
		case retried <- err:
		default:
		}
	}
	ctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runClient(ctx, o) }()
	select {
	case err := <-retried:
		if !errors.Is(err, websocket.ErrKeepaliveTimeout) {
			t.Errorf("first retry after %v, want ErrKeepaliveTimeout", err)
		}
	case <-ctx.Done():
		t.Fatal("no keepalive timeout")
	}
	stop()
	<-done
}

func TestBackoff(t *testing.T) {
	maxRand := func(n int64) int64 { return n - 1 }
	zeroRand := func(int64) int64 { return 0 }
	const lo, hi = 100 * time.Millisecond, 2 * time.Second
	tests := []struct {
		attempt      int
		wantMin      time.Duration // with zero jitter
		wantMaxBelow time.Duration // with the most jitter, plus 1ns
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 800 * time.Millisecond, 1600 * time.Millisecond},
		{5, time.Second, 2 * time.Second}, // capped
		{70, time.Second, 2 * time.Second},
	}
	for _, tc := range tests {
		if got := backoff(tc.attempt, lo, hi, zeroRand); got != tc.wantMin {
			t.Errorf("backoff(%d) with no jitter = %v, want %v", tc.attempt, got, tc.wantMin)
		}
		if got := backoff(tc.attempt, lo, hi, maxRand); got != tc.wantMaxBelow-1 {
			t.Errorf("backoff(%d) with the most jitter = %v, want %v", tc.attempt, got, tc.wantMaxBelow-1)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"going away", &websocket.CloseError{Code: websocket.CloseGoingAway}, true},
		{"try again later", &websocket.CloseError{Code: websocket.CloseTryAgainLater}, true},
		{"service restart", &websocket.CloseError{Code: websocket.CloseServiceRestart}, true},
		{"internal error", &websocket.CloseError{Code: websocket.CloseInternalError}, true},
		{"keepalive", websocket.ErrKeepaliveTimeout, true},
		{"normal", &websocket.CloseError{Code: websocket.CloseNormal}, false},
		{"policy", &websocket.CloseError{Code: websocket.ClosePolicyViolation}, false},
		{"503", &websocket.ResponseError{StatusCode: http.StatusServiceUnavailable}, true},
		{"429", &websocket.ResponseError{StatusCode: http.StatusTooManyRequests}, true},
		{"400", &websocket.ResponseError{StatusCode: http.StatusBadRequest}, false},
		{"403", &websocket.ResponseError{StatusCode: http.StatusForbidden}, false},
	}
	for _, tc := range tests {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
