package websocket_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wirefast/websocket"
)

// A line protocol spoken over WebSocket through net.Conn: the server reads
// lines with a bufio.Scanner and answers each in upper case.
func ExampleNetConn() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		nc := websocket.NetConn(ctx, c, websocket.MessageText)
		lines := bufio.NewScanner(nc)
		for lines.Scan() {
			fmt.Fprintln(nc, strings.ToUpper(lines.Text()))
		}
	}))
	defer s.Close()

	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http"), nil)
	if err != nil {
		panic(err)
	}
	nc := websocket.NetConn(ctx, c, websocket.MessageText)
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(5 * time.Second))

	replies := bufio.NewReader(nc)
	for _, line := range []string{"hello", "net.Conn over WebSocket"} {
		fmt.Fprintln(nc, line)
		reply, err := replies.ReadString('\n')
		if err != nil {
			panic(err)
		}
		fmt.Print(reply)
	}
	// Output:
	// HELLO
	// NET.CONN OVER WEBSOCKET
}
