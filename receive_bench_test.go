package websocket_test

import (
	"context"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
)

// BenchmarkEchoReceive is the loopback TCP round trip of BenchmarkEcho
// with the server in receive mode: every message wakes the shared poller,
// which starts a goroutine to read it and write the echo.
func BenchmarkEchoReceive(b *testing.B) {
	for _, size := range benchSizes[:3] {
		b.Run(size.name, func(b *testing.B) {
			cc, sc := wstest.TCPPair(b)
			client := websocket.NewConnForTest(cc, true, websocket.TestConfig{})
			server := websocket.NewConnForTest(sc, false, websocket.TestConfig{})
			b.Cleanup(func() {
				client.CloseNow()
				server.CloseNow()
			})
			ctx := context.Background()
			err := server.Receive(func(typ websocket.MessageType, msg []byte) {
				_ = server.Write(ctx, typ, msg)
			}, nil)
			if err != nil {
				b.Fatal(err)
			}
			roundTrips(b, client, websocket.MessageBinary, [][]byte{make([]byte, size.n)})
		})
	}
}
