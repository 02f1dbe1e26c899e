package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    *config
		wantErr bool
	}{
		{"defaults", nil, &config{mode: "fuzzingclient", url: "ws://127.0.0.1:9001", addr: "127.0.0.1:9001",
			cases: "*", out: "reports/servers", failOn: "strict"}, false},
		{"server", []string{"-mode", "fuzzingserver", "-addr", "127.0.0.1:9002"}, &config{mode: "fuzzingserver",
			url: "ws://127.0.0.1:9001", addr: "127.0.0.1:9002", cases: "*", out: "reports/clients", failOn: "strict"}, false},
		{"client", []string{"-url", "ws://h:1/x", "-agent", "A", "-cases", "1.*,6.4.*", "-exclude", "6.4.2", "-out", "o", "-fail-on", "failed", "-v"},
			&config{mode: "fuzzingclient", url: "ws://h:1/x", addr: "127.0.0.1:9001", agent: "A", cases: "1.*,6.4.*",
				exclude: "6.4.2", out: "o", failOn: "failed", verbose: true}, false},
		{"bad mode", []string{"-mode", "x"}, nil, true},
		{"bad fail-on", []string{"-fail-on", "never"}, nil, true},
		{"extra argument", []string{"extra"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, io.Discard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseFlags(%q) err = %v, wantErr %v", tc.args, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(config{})); diff != "" {
				t.Errorf("parseFlags(%q) (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-mode", "nope"}, {"-cases", "99.*"}, {"-url", "http://x"}} {
		var out, errb strings.Builder
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}

// TestRunClientUnreachable checks that a server that is not there is a
// run error (exit 2), not a silent pass.
func TestRunClientUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out, errb strings.Builder
	code := run([]string{"-url", "ws://" + addr, "-cases", "1.1.1", "-out", t.TempDir()}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "connect") {
		t.Errorf("run against closed port = %d, stderr %q; want 2 and a connect error", code, errb.String())
	}
	if !strings.Contains(out.String(), "0 cases: 0 OK") {
		t.Errorf("summary line missing from %q", out.String())
	}
}

// TestRunServerStop starts fuzzing server mode and stops it through
// /stopServer, as a client under test can.
func TestRunServerStop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan int, 1)
	var out strings.Builder
	go func() {
		done <- run([]string{"-mode", "fuzzingserver", "-addr", addr, "-cases", "1.1.1", "-out", t.TempDir()}, &out, io.Discard)
	}()
	var c net.Conn
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err = net.Dial("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /stopServer HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("/stopServer status %d", resp.StatusCode)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run = %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
}
