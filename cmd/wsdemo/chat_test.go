package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wirefast/websocket"
)

// joinChat connects nick to room on the server at wsBase.
func joinChat(ctx context.Context, t *testing.T, wsBase, room, nick string) *websocket.Conn {
	t.Helper()
	return dial(ctx, t, wsBase, "/ws/chat?"+url.Values{"room": {room}, "nick": {nick}}.Encode())
}

// Chat events as readJSON returns them (time replaced by "TIME").
func joined(nick string) map[string]any {
	return map[string]any{"type": "join", "nick": nick, "time": "TIME"}
}

func left(nick string) map[string]any {
	return map[string]any{"type": "leave", "nick": nick, "time": "TIME"}
}

func roomUsers(room string, nicks ...string) map[string]any {
	list := make([]any, len(nicks))
	for i, n := range nicks {
		list[i] = n
	}
	return map[string]any{"type": "users", "room": room, "users": list}
}

func message(nick, text string) map[string]any {
	return map[string]any{"type": "message", "nick": nick, "text": text, "time": "TIME"}
}

func chatError(text string) map[string]any {
	return map[string]any{"type": "error", "error": text}
}

// say sends a chat message.
func say(ctx context.Context, t *testing.T, c *websocket.Conn, text string) {
	t.Helper()
	if err := c.Write(ctx, websocket.MessageText, []byte(text)); err != nil {
		t.Fatal(err)
	}
}

// TestChat follows two members of a room, on two processes when the app
// has two, checking every message.
func TestChat(t *testing.T) {
	forEachApp(t, func(t *testing.T, a app) {
		servers := a.start(t, testConfig())
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()

		alice := joinChat(ctx, t, servers[0].ws, "r1", "alice")
		expectJSON(ctx, t, alice, joined("alice"))
		expectJSON(ctx, t, alice, roomUsers("r1", "alice"))

		bob := joinChat(ctx, t, servers[len(servers)-1].ws, "r1", "bob")
		for _, c := range []*websocket.Conn{alice, bob} {
			expectJSON(ctx, t, c, joined("bob"))
			expectJSON(ctx, t, c, roomUsers("r1", "alice", "bob"))
		}

		say(ctx, t, alice, "hi bob")
		for _, c := range []*websocket.Conn{alice, bob} {
			expectJSON(ctx, t, c, message("alice", "hi bob"))
		}
		say(ctx, t, bob, "  hi alice, 👋 \"quoted\" <b>  ") // trimmed
		for _, c := range []*websocket.Conn{alice, bob} {
			expectJSON(ctx, t, c, message("bob", `hi alice, 👋 "quoted" <b>`))
		}

		if err := bob.Close(websocket.CloseNormal, ""); err != nil {
			t.Fatal(err)
		}
		expectJSON(ctx, t, alice, left("bob"))
		expectJSON(ctx, t, alice, roomUsers("r1", "alice"))
	})
}

// TestChatRoomIsolation checks that a room hears nothing of another.
func TestChatRoomIsolation(t *testing.T) {
	forEachApp(t, func(t *testing.T, a app) {
		servers := a.start(t, testConfig())
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()

		alice := joinChat(ctx, t, servers[0].ws, "red", "alice")
		expectJSON(ctx, t, alice, joined("alice"))
		expectJSON(ctx, t, alice, roomUsers("red", "alice"))
		carol := joinChat(ctx, t, servers[len(servers)-1].ws, "blue", "carol")
		expectJSON(ctx, t, carol, joined("carol"))
		expectJSON(ctx, t, carol, roomUsers("blue", "carol"))
		dave := joinChat(ctx, t, servers[0].ws, "blue", "dave")
		for _, c := range []*websocket.Conn{carol, dave} {
			expectJSON(ctx, t, c, joined("dave"))
			expectJSON(ctx, t, c, roomUsers("blue", "carol", "dave"))
		}

		say(ctx, t, alice, "only for red")
		expectJSON(ctx, t, alice, message("alice", "only for red"))
		say(ctx, t, carol, "only for blue")
		// Had red's message leaked, it would come first.
		for _, c := range []*websocket.Conn{carol, dave} {
			expectJSON(ctx, t, c, message("carol", "only for blue"))
		}
		say(ctx, t, alice, "red again")
		// Neither blue's joins nor its message reached red.
		expectJSON(ctx, t, alice, message("alice", "red again"))
	})
}

// TestChatLimits checks that messages breaking a limit get an error
// event, to their sender only, and change nothing else.
func TestChatLimits(t *testing.T) {
	cfg := testConfig()
	cfg.chatMaxText = 10
	cfg.chatRate = 0.001 // no refill during the test
	cfg.chatBurst = 3
	ts := startServer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	alice := joinChat(ctx, t, ts.ws, "lobby", "alice")
	expectJSON(ctx, t, alice, joined("alice"))
	expectJSON(ctx, t, alice, roomUsers("lobby", "alice"))
	bob := joinChat(ctx, t, ts.ws, "lobby", "bob")
	for _, c := range []*websocket.Conn{alice, bob} {
		expectJSON(ctx, t, c, joined("bob"))
		expectJSON(ctx, t, c, roomUsers("lobby", "alice", "bob"))
	}

	// Refused messages do not use up the rate.
	say(ctx, t, alice, "12345678901")
	expectJSON(ctx, t, alice, chatError("message too long: 11 characters, the limit is 10"))
	say(ctx, t, alice, "  \t ")
	expectJSON(ctx, t, alice, chatError("empty message"))
	if err := alice.Write(ctx, websocket.MessageBinary, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	expectJSON(ctx, t, alice, chatError("send chat messages as text"))
	say(ctx, t, alice, "éééééééééé") // 10 characters, 20 bytes: allowed
	expectJSON(ctx, t, alice, message("alice", "éééééééééé"))

	// The burst is 3, and there is no refill.
	say(ctx, t, alice, "two")
	say(ctx, t, alice, "three")
	say(ctx, t, alice, "four")
	expectJSON(ctx, t, alice, message("alice", "two"))
	expectJSON(ctx, t, alice, message("alice", "three"))
	expectJSON(ctx, t, alice, chatError("too many messages: the limit is 0.001 per second (3 at once); message dropped"))

	// bob got the accepted messages only, and his own limit is untouched.
	for _, text := range []string{"éééééééééé", "two", "three"} {
		expectJSON(ctx, t, bob, message("alice", text))
	}
	say(ctx, t, bob, "mine")
	expectJSON(ctx, t, bob, message("bob", "mine"))
	expectJSON(ctx, t, alice, message("bob", "mine"))

	// A frame over the read limit ends the connection with 1009.
	if err := alice.Write(ctx, websocket.MessageText, make([]byte, chatReadLimit+1)); err != nil {
		t.Fatal(err)
	}
	expectClose(ctx, t, alice, websocket.CloseMessageTooBig)
	expectJSON(ctx, t, bob, left("alice"))
}

func TestChatParams(t *testing.T) {
	tests := []struct {
		query    string
		wantBody string // "" when the upgrade succeeds
	}{
		{"nick=alice", ""}, // room lobby
		{"room=a-Z_09&nick=Zo%C3%AB%20%F0%9F%99%82", ""},
		{"room=" + strings.Repeat("r", maxRoom) + "&nick=" + strings.Repeat("n", maxNick), ""},
		{"room=r", "nick is required"},
		{"room=r&nick=%20%20", "nick is required"},
		{"room=r&nick=" + strings.Repeat("n", maxNick+1), "nick is 25 characters long, the limit is 24"},
		{"room=r&nick=a%0Ab", "nick must be printable text"},
		{"room=r&nick=a%FFb", "nick must be printable text"},
		{"room=a%20b&nick=n", "room must be 1 to 32 letters, digits, - or _"},
		{"room=" + strings.Repeat("r", maxRoom+1) + "&nick=n", "room must be 1 to 32 letters, digits, - or _"},
		{"room=caf%C3%A9&nick=n", "room must be 1 to 32 letters, digits, - or _"},
	}
	ts := startServer(t, testConfig())
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			c, _, err := websocket.Dial(ctx, ts.ws+"/ws/chat?"+tc.query, nil)
			if tc.wantBody == "" {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				c.Close(websocket.CloseNormal, "")
				return
			}
			var re *websocket.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest {
				t.Fatalf("Dial error %v, want a 400", err)
			}
			if got := strings.TrimSpace(string(re.Body)); got != "wsdemo: "+tc.wantBody {
				t.Errorf("400 body %q, want %q", got, "wsdemo: "+tc.wantBody)
			}
		})
	}
	// The default room is lobby.
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := dial(ctx, t, ts.ws, "/ws/chat?nick=zed")
	expectJSON(ctx, t, c, joined("zed"))
	expectJSON(ctx, t, c, roomUsers("lobby", "zed"))
}
