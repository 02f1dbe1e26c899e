package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// startServer runs serve on a loopback port and returns the echo URL and
// a func that shuts the server down.
func startServer(t *testing.T) (url string, shutdown func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ln) }()
	stopped := false
	shutdown = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(shutdown)
	return "ws://" + ln.Addr().String() + "/echo", shutdown
}

func TestClient(t *testing.T) {
	url, _ := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tests := []struct {
		name, in, want string
	}{
		{"no lines", "", ""},
		{"lines", "hello\nwirefast\n\nénorme 世界\n", "hello\nwirefast\n\nénorme 世界\n"},
		{"no final newline", "last", "last\n"},
		{"long line", strings.Repeat("x", 60000) + "\n", strings.Repeat("x", 60000) + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := runClient(ctx, url, strings.NewReader(tc.in), &out); err != nil {
				t.Fatalf("runClient: %v", err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("runClient(%q) printed %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestServerEchoesBinary(t *testing.T) {
	url, _ := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	msg := []byte{0, 1, 2, 0xff}
	if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
		t.Fatal(err)
	}
	typ, got, err := c.Read(ctx)
	if err != nil || typ != websocket.MessageBinary || string(got) != string(msg) {
		t.Fatalf("echo = %v %x, %v; want binary %x", typ, got, err, msg)
	}
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestShutdown checks that stopping the server closes its connections
// with 1001 (going away).
func TestShutdown(t *testing.T) {
	url, shutdown := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	// One echo, so the server's handler surely runs.
	if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); err != nil {
		t.Fatal(err)
	}
	// Read while the server shuts down: its Close waits for our answer
	// to its close frame, which Read sends.
	done := make(chan struct{})
	go func() {
		defer close(done)
		shutdown()
	}()
	_, _, err = c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.CloseGoingAway {
		t.Errorf("Read during shutdown: %v, want a close with %v", err, websocket.CloseGoingAway)
	}
	<-done
}
