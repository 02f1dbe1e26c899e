package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// get fetches url and returns the response and its body.
func get(ctx context.Context, t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// TestShutdown checks that a graceful shutdown sends 1001 to the clients
// of every demo.
func TestShutdown(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	paths := []string{"/ws/echo", "/ws/hello", "/ws/time", "/ws/tick", "/ws/counter", "/ws/chat?nick=n"}
	conns := make([]*websocket.Conn, len(paths))
	for i, p := range paths {
		conns[i] = dial(ctx, t, ts.ws, p)
	}
	waitFor(t, "every connection to be served", func() bool { return len(ts.logs.records("connect")) == len(paths) })

	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			for {
				_, _, err := c.Read(ctx)
				if err == nil {
					continue // pushed before the close
				}
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway || ce.Reason != "server shutting down" {
					t.Errorf("%s: Read error %v, want a close 1001 \"server shutting down\"", paths[i], err)
				}
				return
			}
		})
	}
	wg.Wait()
	if err := <-stopped; err != nil {
		t.Errorf("serve: %v", err)
	}
	for _, rec := range ts.logs.records("disconnect") {
		if rec["code"] != float64(websocket.CloseGoingAway) && rec["code"] != "unknown" {
			t.Errorf("disconnect log %v, want code 1001", rec)
		}
	}
	if n := len(ts.logs.records("stopped")); n != 1 {
		t.Errorf("%d \"stopped\" log records, want 1", n)
	}
}

// TestShutdownIsBounded checks that a client that never answers the close
// frame does not hold up the shutdown: it is dropped when the close
// timeout is up.
func TestShutdownIsBounded(t *testing.T) {
	cfg := testConfig()
	cfg.closeTimeout = 100 * time.Millisecond
	cfg.shutdownTimeout = time.Second
	ts := startServer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	// A client that reads nothing, so never sees the close frame.
	deaf := dial(ctx, t, ts.ws, "/ws/echo")
	waitFor(t, "the connection to be served", func() bool { return len(ts.logs.records("connect")) == 1 })
	if err := ts.stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	// The server dropped it: reading now finds the close frame, then the end.
	_, _, err := deaf.Read(ctx)
	if websocket.CloseStatus(err) != websocket.CloseGoingAway {
		t.Errorf("Read: %v, want the close 1001 sent before the drop", err)
	}
	recs := ts.logs.records("disconnect")
	if len(recs) != 1 || recs[0]["code"] != float64(websocket.CloseGoingAway) {
		t.Errorf("disconnect logs %v, want one with code 1001", recs)
	}
}

// TestShutdownClosesUnusedConns checks that connections that have not
// sent a byte (a browser's preconnected sockets) end with the shutdown.
// (What trackUnusedConns adds is speed: without it they would be closed
// too, but only once 5 s old or when the shutdown times out.)
func TestShutdownClosesUnusedConns(t *testing.T) {
	ts := startServer(t, testConfig())
	nc, err := net.Dial("tcp", strings.TrimPrefix(ts.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// Make sure the server has the connection before it stops.
	waitFor(t, "the connection to be accepted", func() bool {
		resp, _ := get(context.Background(), t, ts.base+"/healthz")
		return resp.StatusCode == http.StatusOK
	})
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := nc.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("Read on the unused connection after the shutdown = %d, %v; want EOF", n, err)
	}
}

// TestMaxConns checks that an upgrade over -max-conns gets 503 before
// upgrading, and that a freed slot can be taken again.
func TestMaxConns(t *testing.T) {
	cfg := testConfig()
	cfg.maxConns = 2
	ts := startServer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c1 := dial(ctx, t, ts.ws, "/ws/echo")
	dial(ctx, t, ts.ws, "/ws/time")

	_, resp, err := websocket.Dial(ctx, ts.ws+"/ws/counter", nil)
	var re *websocket.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third Dial: %v, want a 503", err)
	}
	if got := resp.Header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After: %q, want 5", got)
	}
	if !strings.Contains(string(re.Body), "too many connections") {
		t.Errorf("503 body %q, want it to say why", re.Body)
	}
	// Plain HTTP is not limited.
	if resp, _ := get(ctx, t, ts.base+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz at the limit: %s", resp.Status)
	}
	_, metricsText := get(ctx, t, ts.base+"/metrics")
	if n := metricValue(t, metricsText, "wsdemo_connections_rejected_total", ""); n != 1 {
		t.Errorf("rejected connections: %d, want 1", n)
	}
	if len(ts.logs.records("connection refused: too many connections")) != 1 {
		t.Errorf("want one log record of the refusal")
	}

	if err := c1.Close(websocket.CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the slot to be freed", func() bool { return ts.srv.reserved.Load() < 2 })
	dial(ctx, t, ts.ws, "/ws/counter")
}

// smallBuffers shrinks the kernel buffers of TCP connections, so that a
// client that stops reading fills them after a few kilobytes.
func smallBuffers(nc net.Conn) net.Conn {
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096)
		tc.SetWriteBuffer(4096)
	}
	return nc
}

type smallBufferListener struct{ net.Listener }

func (l smallBufferListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return smallBuffers(nc), nil
}

// TestSlowClientDropped checks that a counter client that stops reading
// is dropped with 1013 once its queue is full, while the others carry
// on without waiting for it.
func TestSlowClientDropped(t *testing.T) {
	// maxChanges bounds the test; the slow client's queue and socket
	// buffers (a few KiB) overflow long before. The queue is long enough
	// that a client that reads, however late its writer is scheduled,
	// would not be dropped.
	const maxChanges = 100000
	cfg := testConfig()
	cfg.queueLen = 64
	ts := startServer(t, cfg, withListener(func(ln net.Listener) net.Listener { return smallBufferListener{ln} }))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	slow, _, err := websocket.Dial(ctx, ts.ws+"/ws/counter", &websocket.DialOptions{
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return smallBuffers(nc), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	expectJSON(ctx, t, slow, users(1))
	expectJSON(ctx, t, slow, state(0))
	fast := dial(ctx, t, ts.ws, "/ws/counter")
	expectJSON(ctx, t, fast, users(2))
	expectJSON(ctx, t, fast, state(0))

	// The fast client clicks and reads the result, in lockstep, while the
	// slow one reads nothing.
	dropped := func() bool { return ts.srv.metrics.demo["counter"].dropped.Load() > 0 }
	changes := 0
	for ; changes < maxChanges && !dropped(); changes++ {
		send(ctx, t, fast, counterRequest{Action: "plus"})
		msg := readJSON(ctx, t, fast)
		if msg["type"] == "users" { // the slow one just left
			msg = readJSON(ctx, t, fast)
		}
		if want := state(changes + 1); msg["value"] != want["value"] {
			t.Fatalf("fast client: got %v, want %v", msg, want)
		}
	}
	if changes == maxChanges {
		t.Fatalf("slow client not dropped after %d changes", maxChanges)
	}
	t.Logf("slow client dropped after %d changes", changes)

	// The slow client, reading at last, finds the fast one's arrival and a
	// prefix of the states, then the close.
	expectJSON(ctx, t, slow, users(2))
	n := 0
	for {
		_, msg, err := slow.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.CloseTryAgainLater {
				t.Fatalf("slow client: Read: %v, want a close with 1013", err)
			}
			break
		}
		n++
		if want := string(mustJSON(stateEvent{Type: "state", Value: int64(n)})); string(msg) != want {
			t.Fatalf("slow client: message %d is %s, want %s", n, msg, want)
		}
	}
	if n >= changes {
		t.Errorf("slow client got all %d states, yet was dropped", changes)
	}

	// The fast client sees the slow one leave, and carries on.
	expectJSON(ctx, t, fast, users(1))
	send(ctx, t, fast, counterRequest{Action: "minus"})
	expectJSON(ctx, t, fast, state(changes-1))
	_, metricsText := get(ctx, t, ts.base+"/metrics")
	if n := metricValue(t, metricsText, "wsdemo_slow_clients_dropped_total", "counter"); n != 1 {
		t.Errorf("dropped slow clients: %d, want 1", n)
	}
	if len(ts.logs.records("slow client dropped")) != 1 {
		t.Errorf("want one log record of the drop")
	}
}

func TestMetrics(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/echo")
	for _, msg := range []string{"one", "two", "three"} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The server counts a message once written, maybe after the client
	// has read it.
	waitFor(t, "the last echo to be counted", func() bool { return ts.srv.metrics.demo["echo"].msgsOut.Load() == 3 })
	resp, text := get(ctx, t, ts.base+"/metrics")
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q, want the Prometheus text format's", ct)
	}
	want := []struct {
		name, demo string
		value      int64
	}{
		{"wsdemo_connections", "echo", 1},
		{"wsdemo_connections_total", "echo", 1},
		{"wsdemo_messages_received_total", "echo", 3},
		{"wsdemo_messages_sent_total", "echo", 3},
		{"wsdemo_received_bytes_total", "echo", 11},
		{"wsdemo_sent_bytes_total", "echo", 11},
		{"wsdemo_connections", "chat", 0},
		{"wsdemo_connections_rejected_total", "", 0},
	}
	for _, w := range want {
		if got := metricValue(t, text, w.name, w.demo); got != w.value {
			t.Errorf("%s{demo=%q} = %d, want %d", w.name, w.demo, got, w.value)
		}
	}
	// Every series has its HELP and TYPE.
	for _, f := range families {
		if !strings.Contains(text, "# HELP "+f.name+" ") || !strings.Contains(text, "# TYPE "+f.name+" "+f.typ+"\n") {
			t.Errorf("%s: HELP or TYPE missing", f.name)
		}
	}

	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the gauge to go down", func() bool { return ts.srv.metrics.demo["echo"].open.Load() == 0 })
	_, text = get(ctx, t, ts.base+"/metrics")
	if got := metricValue(t, text, "wsdemo_connections", "echo"); got != 0 {
		t.Errorf("open echo connections after the close: %d, want 0", got)
	}
}

func TestHealthz(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	resp, body := get(ctx, t, ts.base+"/healthz")
	if resp.StatusCode != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %s %q, want 200 \"ok\\n\"", resp.Status, body)
	}
}

func TestPages(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	pages := []struct {
		path     string
		contains []string
	}{
		{"/", []string{`href="echo.html"`, `href="hello.html"`, `href="time.html"`, `href="tick.html"`,
			`href="counter.html"`, `href="chat.html"`}},
		{"/echo.html", []string{`"/ws/echo"`, "new WebSocket"}},
		{"/hello.html", []string{`"/ws/hello"`}},
		{"/time.html", []string{`"/ws/time"`}},
		{"/tick.html", []string{`"/ws/tick"`}},
		{"/counter.html", []string{`"/ws/counter"`, `action: "plus"`, `action: "minus"`, "online"}},
		{"/chat.html", []string{`"/ws/chat?"`}},
		{"/style.css", []string{".counter"}},
	}
	for _, p := range pages {
		resp, body := get(ctx, t, ts.base+p.path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", p.path, resp.Status)
			continue
		}
		for _, s := range p.contains {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s: no %s in the page", p.path, s)
			}
		}
	}
	if resp, _ := get(ctx, t, ts.base+"/nothing.html"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing.html: %s, want 404", resp.Status)
	}
}

// TestOrigin checks that the pages' own origin may connect and another
// site's may not (cross-site WebSocket hijacking).
func TestOrigin(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, _, err := websocket.Dial(ctx, ts.ws+"/ws/echo", &websocket.DialOptions{Header: http.Header{"Origin": {ts.base}}})
	if err != nil {
		t.Fatalf("same-origin Dial: %v", err)
	}
	c.Close(websocket.CloseNormal, "")
	_, _, err = websocket.Dial(ctx, ts.ws+"/ws/counter", &websocket.DialOptions{Header: http.Header{"Origin": {"https://evil.example"}}})
	var re *websocket.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin Dial: %v, want a 403", err)
	}
	waitFor(t, "the refusal's log", func() bool { return len(ts.logs.records("handshake failed")) == 1 })
}
