package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
)

func TestEcho(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/echo")
	tests := []struct {
		name string
		typ  websocket.MessageType
		msg  []byte
	}{
		{"text", websocket.MessageText, []byte("hello")},
		{"empty text", websocket.MessageText, []byte{}},
		{"unicode", websocket.MessageText, []byte("héllo, 世界 🌍")},
		{"binary", websocket.MessageBinary, []byte{0, 1, 2, 0xff}},
		{"64 KiB", websocket.MessageBinary, bytes.Repeat([]byte("0123456789abcdef"), 4096)},
		{"at the limit", websocket.MessageText, []byte(strings.Repeat("x", echoReadLimit))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.Write(ctx, tc.typ, tc.msg); err != nil {
				t.Fatal(err)
			}
			typ, got, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if typ != tc.typ || !bytes.Equal(got, tc.msg) {
				t.Errorf("echo of a %v message of %d bytes = %v message of %d bytes", tc.typ, len(tc.msg), typ, len(got))
			}
		})
	}
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestEchoReadLimit(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/echo")
	if err := c.Write(ctx, websocket.MessageBinary, make([]byte, echoReadLimit+1)); err != nil {
		t.Fatal(err)
	}
	expectClose(ctx, t, c, websocket.CloseMessageTooBig)
}
