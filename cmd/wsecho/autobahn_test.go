package main

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/wirefast/websocket/autobahn"
)

// TestAutobahnClient runs wsecho -autobahn-client against our fuzzing
// server over a selection that touches every section: framing, pings,
// fragmentation, UTF-8, close, limits and (12.*, 13.*) compression, which
// comes out UNIMPLEMENTED unless the client negotiates permessage-deflate.
// make autobahn runs all 517 cases.
func TestAutobahnClient(t *testing.T) {
	srv, err := autobahn.NewServer(&autobahn.ServerOptions{
		Cases: []string{"1.1.*", "2.*", "3.*", "4.*", "5.*", "6.4.*", "7.*", "9.1.1", "10.1.1",
			"12.1.1", "12.1.2", "12.2.3", "13.1.2", "13.3.2", "13.5.2", "13.7.3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-autobahn-client", srv.URL(), "-agent", "wsecho-test", "-shutdown"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("wsecho -autobahn-client exited %d; stderr:\n%s", code, stderr.Bytes())
	}
	// The server stops after its side of the /updateReports close
	// handshake, so Done may close a moment after run returns.
	select {
	case <-srv.Done():
	case <-time.After(10 * time.Second):
		t.Error("-shutdown did not ask the fuzzing server to stop")
	}

	results := srv.Results()
	if len(results) != srv.CaseCount() {
		t.Fatalf("%d results for %d cases", len(results), srv.CaseCount())
	}
	for _, r := range results {
		if r.Agent != "wsecho-test" {
			t.Errorf("case %s: agent %q, want %q", r.ID, r.Agent, "wsecho-test")
		}
		if cat := autobahn.Category(r); cat != autobahn.OK && cat != autobahn.Informational {
			t.Errorf("case %s: %s (behavior %s, close %s)", r.ID, cat, r.Behavior, r.BehaviorClose)
		}
	}
	t.Logf("%+v", autobahn.Summarize(results))
}

// TestAutobahnClientNoServer: an unreachable fuzzing server is an error,
// exit status 1, not a hang.
func TestAutobahnClientNoServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	if code := run(ctx, []string{"-autobahn-client", "ws://127.0.0.1:1"}, io.Discard, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr.Bytes())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("getCaseCount")) {
		t.Errorf("stderr %q does not say which step failed", stderr.Bytes())
	}
}
