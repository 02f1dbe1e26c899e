package websocket_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/internal/wstest"
)

// receiveEchoClient returns the client end of a loopback TCP connection
// whose server end echoes in receive mode; both close when b ends.
func receiveEchoClient(b *testing.B) *websocket.Conn {
	b.Helper()
	cc, sc := wstest.TCPPair(b)
	client := websocket.NewConnForTest(cc, true, websocket.TestConfig{})
	server := websocket.NewConnForTest(sc, false, websocket.TestConfig{})
	b.Cleanup(func() {
		client.CloseNow()
		server.CloseNow()
	})
	err := server.Receive(func(typ websocket.MessageType, msg []byte) {
		_ = server.Write(context.Background(), typ, msg)
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return client
}

// BenchmarkEchoReceive is the loopback TCP round trip of BenchmarkEcho
// with the server in receive mode: every message wakes the shared poller,
// which hands the connection to a worker goroutine that reads it and
// writes the echo.
func BenchmarkEchoReceive(b *testing.B) {
	for _, size := range benchSizes[:3] {
		b.Run(size.name, func(b *testing.B) {
			client := receiveEchoClient(b)
			roundTrips(b, client, websocket.MessageBinary, [][]byte{make([]byte, size.n)})
		})
	}
}

// BenchmarkEchoReceiveMany is BenchmarkEchoReceive over 64 connections,
// each with one message in flight, as on a server with many clients: the
// poller's wake-ups find several sockets ready. One op is one round trip
// on any of them.
func BenchmarkEchoReceiveMany(b *testing.B) {
	const conns = 64
	for _, size := range benchSizes[:2] {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			clients := make([]*websocket.Conn, conns)
			for i := range clients {
				clients[i] = receiveEchoClient(b)
			}
			msg := make([]byte, size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			b.ResetTimer()
			var started atomic.Int64
			var wg sync.WaitGroup
			for _, client := range clients {
				wg.Go(func() {
					buf := make([]byte, size.n)
					for started.Add(1) <= int64(b.N) {
						err := client.Write(ctx, websocket.MessageBinary, msg)
						if err == nil {
							_, buf, err = client.ReadInto(ctx, buf)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
