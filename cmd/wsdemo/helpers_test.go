package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket"
)

// testTimeout bounds every test's network steps.
const testTimeout = 30 * time.Second

// testConfig returns the server settings of the tests: the defaults with
// short clocks, so that the push demos are quick to observe.
func testConfig() serverConfig {
	cfg := defaultServerConfig()
	cfg.timeMaxDelay = 50 * time.Millisecond
	cfg.tickInterval = 20 * time.Millisecond
	cfg.shutdownTimeout = 5 * time.Second
	return cfg
}

// testServer is a wsdemo server on a loopback port.
type testServer struct {
	srv  *server
	base string // http://127.0.0.1:PORT
	ws   string // ws://127.0.0.1:PORT
	logs *logBuffer
	stop func() error // graceful shutdown; waits for it and returns serve's error
}

// serverOption changes how startServer starts a server.
type serverOption func(*startOptions)

type startOptions struct {
	newBus  func(t *testing.T, h *hub, log *slog.Logger) (bus, string) // default: the memory bus
	wrapBus func(bus) bus
	wrap    func(net.Listener) net.Listener
}

// withBus makes the server use the bus newBus returns (with its process id).
func withBus(newBus func(t *testing.T, h *hub, log *slog.Logger) (bus, string)) serverOption {
	return func(o *startOptions) { o.newBus = newBus }
}

// withBusWrapper makes the server use wrap(b) instead of the bus b.
func withBusWrapper(wrap func(bus) bus) serverOption {
	return func(o *startOptions) { o.wrapBus = wrap }
}

// withListener wraps the server's listener.
func withListener(wrap func(net.Listener) net.Listener) serverOption {
	return func(o *startOptions) { o.wrap = wrap }
}

// startServer serves cfg on a loopback port until the test ends.
func startServer(t *testing.T, cfg serverConfig, opts ...serverOption) *testServer {
	t.Helper()
	o := startOptions{newBus: func(_ *testing.T, h *hub, _ *slog.Logger) (bus, string) { return newMemBus(h), newProcessID() }}
	for _, opt := range opts {
		opt(&o)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if o.wrap != nil {
		ln = o.wrap(ln)
	}
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHub()
	b, proc := o.newBus(t, h, log)
	if o.wrapBus != nil {
		b = o.wrapBus(b)
	}
	s := newServer(cfg, log, h, b, proc)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	ts := &testServer{srv: s, base: "http://" + addr, ws: "ws://" + addr, logs: logs}
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-errc
		})
		return serveErr
	}
	t.Cleanup(func() {
		if err := ts.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

// logBuffer collects the JSON log lines of a server.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records returns the log records whose message is msg.
func (l *logBuffer) records(msg string) []map[string]any {
	var out []map[string]any
	for line := range strings.Lines(l.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// waitFor polls cond every few milliseconds until it holds or the test's
// time is up. It is for state the server reaches after a client saw all it
// could (a handler that returns after the connection closed).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dial connects to path on ts and closes the connection when the test ends.
func dial(ctx context.Context, t *testing.T, wsBase, path string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, wsBase+path, nil)
	if err != nil {
		t.Fatalf("Dial %s: %v", path, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// readJSON reads one text message and decodes it into a generic map, so
// that tests see the exact fields the server sent.
func readJSON(ctx context.Context, t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	typ, msg, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("got a %v message %q, want text", typ, msg)
	}
	var v map[string]any
	if err := json.Unmarshal(msg, &v); err != nil {
		t.Fatalf("message %q is not a JSON object: %v", msg, err)
	}
	return v
}

// expectJSON reads one message and compares it with want. A "time" field
// is checked to be an ISO 8601 UTC time and then ignored.
func expectJSON(ctx context.Context, t *testing.T, c *websocket.Conn, want map[string]any) {
	t.Helper()
	got := readJSON(ctx, t, c)
	if tm, ok := got["time"]; ok {
		checkISOTime(t, tm)
		got["time"] = "TIME"
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("message (-want +got):\n%s", diff)
	}
}

// checkISOTime checks that v is a string in the server's time format.
func checkISOTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("time %v is a %T, want a string", v, v)
	}
	tm, err := time.Parse(timeFormat, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		t.Fatalf("time %q is not ISO 8601 UTC with a Z: %v", s, err)
	}
	if d := time.Since(tm); d < -time.Minute || d > time.Minute {
		t.Fatalf("time %q is %v away from now", s, d)
	}
	return tm
}

// send writes v as a JSON text message.
func send(ctx context.Context, t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	msg, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
		t.Fatalf("Write %s: %v", msg, err)
	}
}

// expectClose reads until the connection ends and checks its close code.
func expectClose(ctx context.Context, t *testing.T, c *websocket.Conn, want websocket.CloseCode) {
	t.Helper()
	for {
		_, msg, err := c.Read(ctx)
		if err == nil {
			continue // messages sent before the close
		}
		if got := websocket.CloseStatus(err); got != want {
			t.Fatalf("connection ended with %v, want a close with %d (last message %q)", err, want, msg)
		}
		return
	}
}

// state and users build the counter's events as readJSON returns them.
func state(n int) map[string]any { return map[string]any{"type": "state", "value": float64(n)} }
func users(n int) map[string]any { return map[string]any{"type": "users", "count": float64(n)} }

// metricValue returns the value of the series name{demo="demo"} (or name
// alone when demo is "") in the output of /metrics.
func metricValue(t *testing.T, text, name, demo string) int64 {
	t.Helper()
	series := name
	if demo != "" {
		series = fmt.Sprintf("%s{demo=%q}", name, demo)
	}
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			var n int64
			if _, err := fmt.Sscan(v, &n); err != nil {
				t.Fatalf("metric %s: %q: %v", series, v, err)
			}
			return n
		}
	}
	t.Fatalf("metric %s not in:\n%s", series, text)
	return 0
}
