package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket"
)

// TestCounter follows two clients, on two processes when the app has
// two, through joins, changes and a leave, checking every message.
func TestCounter(t *testing.T) {
	forEachApp(t, func(t *testing.T, a app) {
		servers := a.start(t, testConfig())
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()

		c1 := dial(ctx, t, servers[0].ws, "/ws/counter")
		expectJSON(ctx, t, c1, users(1))
		expectJSON(ctx, t, c1, state(0))

		c2 := dial(ctx, t, servers[len(servers)-1].ws, "/ws/counter")
		expectJSON(ctx, t, c2, users(2))
		expectJSON(ctx, t, c2, state(0))
		expectJSON(ctx, t, c1, users(2))

		send(ctx, t, c1, counterRequest{Action: "plus"})
		for _, c := range []*websocket.Conn{c1, c2} {
			expectJSON(ctx, t, c, state(1))
		}
		send(ctx, t, c2, counterRequest{Action: "minus"})
		send(ctx, t, c2, counterRequest{Action: "minus"})
		for _, c := range []*websocket.Conn{c1, c2} {
			expectJSON(ctx, t, c, state(0))
			expectJSON(ctx, t, c, state(-1))
		}

		if err := c2.Close(websocket.CloseNormal, ""); err != nil {
			t.Fatal(err)
		}
		expectJSON(ctx, t, c1, users(1))

		// A newcomer learns the current value.
		c3 := dial(ctx, t, servers[0].ws, "/ws/counter")
		expectJSON(ctx, t, c3, users(2))
		expectJSON(ctx, t, c3, state(-1))
		expectJSON(ctx, t, c1, users(2))
	})
}

// TestCounterUsers checks the users count as clients join and leave in
// another order, spread over the app's processes.
func TestCounterUsers(t *testing.T) {
	forEachApp(t, func(t *testing.T, a app) {
		servers := a.start(t, testConfig())
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		const n = 4
		var clients []*websocket.Conn
		for i := range n {
			c := dial(ctx, t, servers[i%len(servers)].ws, "/ws/counter")
			expectJSON(ctx, t, c, users(i+1))
			expectJSON(ctx, t, c, state(0))
			for _, old := range clients {
				expectJSON(ctx, t, old, users(i+1))
			}
			clients = append(clients, c)
		}
		// Leave in the order 1, 3, 0: the others see the count go down.
		for left, i := range []int{1, 3, 0} {
			if err := clients[i].Close(websocket.CloseGoingAway, "bye"); err != nil {
				t.Fatal(err)
			}
			clients[i] = nil
			for _, c := range clients {
				if c != nil {
					expectJSON(ctx, t, c, users(n-left-1))
				}
			}
		}
	})
}

// TestCounterConcurrent has 50 clients change the counter at once: every
// client must get one state per change, in the same order as every other
// client, ending at the right value.
func TestCounterConcurrent(t *testing.T) {
	const (
		clients = 50
		plus    = 4
		minus   = 2
		changes = clients * (plus + minus)
		final   = clients * (plus - minus)
	)
	forEachApp(t, func(t *testing.T, a app) {
		cfg := testConfig()
		// Every change reaches every client: a burst of 300 states must fit
		// in the queues, or the slow-client policy would (rightly) step in.
		cfg.queueLen = 2 * changes
		servers := a.start(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()

		conns := make([]*websocket.Conn, clients)
		for i := range conns {
			conns[i] = dial(ctx, t, servers[i%len(servers)].ws, "/ws/counter")
		}
		// Wait until every client has its initial state and knows all 50
		// are there, so that each will see every change.
		for i, c := range conns {
			for all, initial := false, false; !all || !initial; {
				switch msg := readJSON(ctx, t, c); msg["type"] {
				case "users":
					all = msg["count"] == float64(clients)
				case "state":
					if msg["value"] != float64(0) {
						t.Fatalf("client %d: state %v before any change", i, msg)
					}
					initial = true
				}
			}
		}

		seen := make([][]int, clients)
		var wg sync.WaitGroup
		for i, c := range conns {
			wg.Go(func() {
				for j := range plus + minus {
					action := "plus"
					if j%3 == 2 {
						action = "minus"
					}
					if err := c.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `{"action":%q}`, action)); err != nil {
						t.Errorf("client %d: Write: %v", i, err)
						return
					}
				}
			})
			wg.Go(func() {
				for len(seen[i]) < changes {
					_, msg, err := c.Read(ctx)
					if err != nil {
						t.Errorf("client %d: Read after %d states: %v", i, len(seen[i]), err)
						return
					}
					var v stateEvent
					if _, err := fmt.Sscanf(string(msg), `{"type":"state","value":%d}`, &v.Value); err != nil {
						t.Errorf("client %d: unexpected message %s", i, msg)
						return
					}
					seen[i] = append(seen[i], int(v.Value))
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for i := range seen {
			if got := seen[i][changes-1]; got != final {
				t.Errorf("client %d: last state %d, want %d", i, got, final)
			}
			if i > 0 && !slices.Equal(seen[0], seen[i]) {
				t.Errorf("clients 0 and %d saw different sequences of states (-0 +%d):\n%s", i, i, cmp.Diff(seen[0], seen[i]))
			}
		}
		// The sequence moves by one at each step.
		prev := 0
		for k, v := range seen[0] {
			if v != prev+1 && v != prev-1 {
				t.Fatalf("state %d is %d after %d", k, v, prev)
			}
			prev = v
		}
	})
}

// TestCounterIgnoresBadMessages checks that malformed messages and
// unknown actions are logged and ignored, the connection staying up.
func TestCounterIgnoresBadMessages(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/counter")
	expectJSON(ctx, t, c, users(1))
	expectJSON(ctx, t, c, state(0))
	bad := []struct {
		typ websocket.MessageType
		msg string
		log string // the log message it causes
	}{
		{websocket.MessageText, "plus", "counter: malformed message ignored"},
		{websocket.MessageText, `{"action":`, "counter: malformed message ignored"},
		{websocket.MessageText, `["plus"]`, "counter: malformed message ignored"},
		{websocket.MessageBinary, `{"action":"plus"}`, "counter: malformed message ignored"},
		{websocket.MessageText, `{"action":"double"}`, "counter: unknown action ignored"},
		{websocket.MessageText, `{"act":"plus"}`, "counter: unknown action ignored"},
		{websocket.MessageText, `{"action":"PLUS"}`, "counter: unknown action ignored"},
	}
	for _, b := range bad {
		if err := c.Write(ctx, b.typ, []byte(b.msg)); err != nil {
			t.Fatal(err)
		}
	}
	send(ctx, t, c, counterRequest{Action: "plus"})
	expectJSON(ctx, t, c, state(1)) // the bad ones changed nothing

	want := map[string]int{}
	for _, b := range bad {
		want[b.log]++
	}
	for msg, n := range want {
		recs := ts.logs.records(msg)
		if len(recs) != n {
			t.Errorf("%d log records %q, want %d", len(recs), msg, n)
		}
		for _, r := range recs {
			if r["level"] != "WARN" || r["demo"] != "counter" {
				t.Errorf("log record %v: want level WARN, demo counter", r)
			}
		}
	}
}

func TestBucket(t *testing.T) {
	start := time.Unix(1000, 0)
	b := newBucket(2, 3, start) // 2 per second, 3 at once
	steps := []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {0, true}, {0, true}, {0, false}, // the burst
		{400 * time.Millisecond, false}, // 0.8 token
		{500 * time.Millisecond, true},  // 1 token
		{500 * time.Millisecond, false},
		{10 * time.Second, true}, {10 * time.Second, true}, {10 * time.Second, true}, // refilled to 3, no more
		{10 * time.Second, false},
	}
	for i, s := range steps {
		if got := b.allow(start.Add(s.at)); got != s.want {
			t.Errorf("step %d: allow(+%v) = %v, want %v", i, s.at, got, s.want)
		}
	}
}
