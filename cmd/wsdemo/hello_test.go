package main

import (
	"context"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
)

func TestHello(t *testing.T) {
	ts := startServer(t, testConfig())
	tests := []struct {
		name      string
		typ       websocket.MessageType
		msg       string
		greeting  string // "" when none is expected
		wantClose websocket.CloseCode
	}{
		{"Bob", websocket.MessageText, "Bob", "Hello Bob!", websocket.CloseNormal},
		{"unicode", websocket.MessageText, "Zoë 🙂", "Hello Zoë 🙂!", websocket.CloseNormal},
		{"empty", websocket.MessageText, "", "Hello !", websocket.CloseNormal},
		{"binary", websocket.MessageBinary, "Bob", "", websocket.CloseUnsupportedData},
		{"too long", websocket.MessageText, strings.Repeat("x", helloReadLimit+1), "", websocket.CloseMessageTooBig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			c := dial(ctx, t, ts.ws, "/ws/hello")
			if err := c.Write(ctx, tc.typ, []byte(tc.msg)); err != nil {
				t.Fatal(err)
			}
			if tc.greeting != "" {
				typ, got, err := c.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if typ != websocket.MessageText || string(got) != tc.greeting {
					t.Errorf("greeting = %v %q, want text %q", typ, got, tc.greeting)
				}
			}
			expectClose(ctx, t, c, tc.wantClose)
		})
	}
	waitFor(t, "the disconnect logs", func() bool { return len(ts.logs.records("disconnect")) == len(tests) })
	for _, rec := range ts.logs.records("disconnect") {
		if rec["demo"] != "hello" || rec["code"] == nil {
			t.Errorf("disconnect log %v: want demo hello and a code", rec)
		}
	}
}
