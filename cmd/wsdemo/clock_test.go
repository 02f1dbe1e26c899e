package main

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/wirefast/websocket"
)

func TestTime(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/time")
	var prev string
	for i := range 3 {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != websocket.MessageText {
			t.Fatalf("message %d is %v, want text", i, typ)
		}
		checkISOTime(t, string(msg))
		if string(msg) < prev {
			t.Errorf("time went back: %s after %s", msg, prev)
		}
		prev = string(msg)
	}
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestTimeRefusesData checks that the push demos, which read through
// Conn.CloseRead, close with 1008 when a client sends a message.
func TestTimeRefusesData(t *testing.T) {
	ts := startServer(t, testConfig())
	for _, path := range []string{"/ws/time", "/ws/tick"} {
		t.Run(path, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			c := dial(ctx, t, ts.ws, path)
			if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
				t.Fatal(err)
			}
			expectClose(ctx, t, c, websocket.ClosePolicyViolation)
		})
	}
}

func TestTick(t *testing.T) {
	ts := startServer(t, testConfig())
	tests := []struct {
		query string
		first int
	}{
		{"", 1},
		{"?since=0", 1},
		{"?since=41", 42},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			c := dial(ctx, t, ts.ws, "/ws/tick"+tc.query)
			for i := range 3 {
				expectJSON(ctx, t, c, map[string]any{"type": "tick", "seq": float64(tc.first + i), "time": "TIME"})
			}
			if err := c.Close(websocket.CloseNormal, ""); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

func TestTickBadSince(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for _, since := range []string{"-1", "x", "1.5", "99999999999999999999"} {
		_, _, err := websocket.Dial(ctx, ts.ws+"/ws/tick?since="+since, nil)
		var re *websocket.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest {
			t.Errorf("since=%s: Dial error %v, want 400", since, err)
		}
	}
}
