package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
)

// TestChatCompressed puts clients that negotiated permessage-deflate in
// different ways in one room with one that did not: every broadcast is
// prepared once and must reach each of them intact, message after message
// (context takeover keeps each compressed connection's window in step).
func TestChatCompressed(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	clients := []struct {
		nick    string
		opts    *websocket.CompressionOptions
		wantExt string // prefix of the negotiated Sec-WebSocket-Extensions
	}{
		{"plain", nil, ""},
		{"takeover", &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover}, "permessage-deflate"},
		{"no-takeover", &websocket.CompressionOptions{Mode: websocket.CompressionNoContextTakeover}, "permessage-deflate"},
		{"small-window", &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover, ClientMaxWindowBits: 9, ServerMaxWindowBits: 9}, "permessage-deflate"},
	}
	var conns []*websocket.Conn
	for i, cl := range clients {
		u := ts.ws + "/ws/chat?" + url.Values{"room": {"z"}, "nick": {cl.nick}}.Encode()
		c, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{ConnOptions: websocket.ConnOptions{Compression: cl.opts}})
		if err != nil {
			t.Fatalf("Dial as %s: %v", cl.nick, err)
		}
		t.Cleanup(func() { c.CloseNow() })
		ext := resp.Header.Get("Sec-WebSocket-Extensions")
		if (cl.wantExt == "") != (ext == "") || !strings.HasPrefix(ext, cl.wantExt) {
			t.Errorf("%s: negotiated %q, want %q…", cl.nick, ext, cl.wantExt)
		}
		conns = append(conns, c)
		// Everyone in the room so far hears the join and the new list.
		nicks := make([]string, 0, i+1)
		for _, prev := range clients[:i+1] {
			nicks = append(nicks, prev.nick)
		}
		slices.Sort(nicks) // the user list is sorted
		for _, c := range conns {
			expectJSON(ctx, t, c, joined(cl.nick))
			expectJSON(ctx, t, c, roomUsers("z", nicks...))
		}
	}

	for i := range 20 {
		from := i % len(conns)
		text := fmt.Sprintf("message %d:%s", i, strings.Repeat(" compress me", i%4+1))
		say(ctx, t, conns[from], text)
		for _, c := range conns {
			expectJSON(ctx, t, c, message(clients[from].nick, text))
		}
	}
}

// TestCompressionOff: with -compress=false an offer is declined and the
// demos serve uncompressed.
func TestCompressionOff(t *testing.T) {
	cfg := testConfig()
	cfg.compress = false
	ts := startServer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, ts.ws+"/ws/counter", &websocket.DialOptions{ConnOptions: websocket.ConnOptions{
		Compression: &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Errorf("negotiated %q with compression off", ext)
	}
	expectJSON(ctx, t, c, users(1))
	expectJSON(ctx, t, c, state(0))
}
