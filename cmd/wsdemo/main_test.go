package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// startRun runs the command with args in the background, as main does,
// and returns the URL it listens on, its log and a func that interrupts
// it and returns run's error.
func startRun(t *testing.T, args ...string) (url string, logs *logBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &logBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), io.Discard, logs) }()
	var runErr error
	finished := false
	stop = func() error {
		cancel()
		if !finished {
			runErr, finished = <-done, true
		}
		return runErr
	}
	t.Cleanup(func() { stop() })
	waitFor(t, "the server to listen", func() bool {
		select {
		case err := <-done:
			runErr, finished = err, true
			t.Fatalf("run ended: %v\n%s", err, logs.String())
		default:
		}
		return len(logs.records("listening")) > 0
	})
	return logs.records("listening")[0]["url"].(string), logs, stop
}

// TestRun runs the server and the hello client as the command does,
// over TLS with a generated certificate.
func TestRun(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "cert.pem")
	url, logs, stop := startRun(t, "-addr", "127.0.0.1:0", "-log-format", "json", "-tls", "-cert-out", certFile)
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("listening on %q, want https://127.0.0.1:PORT/", url)
	}
	recs := logs.records("self-signed certificate for localhost, 127.0.0.1 and ::1 written; clients trust it with -cacert")
	if len(recs) != 1 || recs[0]["cert"] != certFile {
		t.Errorf("certificate log records %v, want one naming %s", recs, certFile)
	}

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out strings.Builder
	wss := "wss://" + strings.TrimPrefix(url, "https://") + "ws/hello"
	err := run(ctx, []string{"-client", "-url", wss, "-name", "Alice", "-cacert", certFile}, nil, &out, io.Discard)
	if err != nil || out.String() != "Hello Alice!\n" {
		t.Errorf("client: %v, output %q; want \"Hello Alice!\\n\"", err, out.String())
	}

	if err := stop(); err != nil {
		t.Errorf("run after the interrupt: %v, want nil", err)
	}
	if len(logs.records("stopped")) != 1 {
		t.Errorf("no \"stopped\" log record")
	}
}

// TestRunRedis runs two servers as the command does, sharing a real
// Redis server, and checks that a counter change on one reaches a client
// of the other.
func TestRunRedis(t *testing.T) {
	redisURL := startRedis(t)
	url1, _, _ := startRun(t, "-addr", "127.0.0.1:0", "-log-format", "json", "-redis", redisURL)
	url2, _, _ := startRun(t, "-addr", "127.0.0.1:0", "-log-format", "json", "-redis", redisURL)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws := func(u string) string { return "ws://" + strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/") }
	c1 := dial(ctx, t, ws(url1), "/ws/counter")
	expectJSON(ctx, t, c1, users(1))
	expectJSON(ctx, t, c1, state(0))
	c2 := dial(ctx, t, ws(url2), "/ws/counter")
	expectJSON(ctx, t, c2, users(2))
	expectJSON(ctx, t, c2, state(0))
	expectJSON(ctx, t, c1, users(2))
	send(ctx, t, c2, counterRequest{Action: "plus"})
	expectJSON(ctx, t, c1, state(1))
	expectJSON(ctx, t, c2, state(1))
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-log-format", "xml"}, "-log-format"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-queue", "0"}, "must be positive"},
		{[]string{"-nosuchflag"}, "not defined"},
		{[]string{"-addr", "127.0.0.1:99999"}, "invalid port"},
		{[]string{"-addr", "127.0.0.1:0", "-tls", "-cert", "x.pem"}, "-cert and -key go together"},
		{[]string{"-addr", "127.0.0.1:0", "-redis", "http://127.0.0.1:6379"}, "-redis"},
		{[]string{"-client", "-url", "http://127.0.0.1/ws/echo"}, "scheme must be ws or wss"},
	}
	for _, tc := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		var stderr strings.Builder
		err := run(ctx, tc.args, nil, io.Discard, &stderr)
		cancel()
		if err == nil || !strings.Contains(err.Error()+stderr.String(), tc.want) {
			t.Errorf("run(%q) = %v (stderr %q), want an error saying %q", tc.args, err, stderr.String(), tc.want)
		}
	}
	if err := run(context.Background(), []string{"-h"}, nil, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}
