package websocket_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/protocol"
)

func TestPreparedMessage(t *testing.T) {
	payload := bytes.Repeat([]byte("broadcast "), 1000)
	pm, err := websocket.NewPreparedMessage(websocket.MessageText, payload)
	if err != nil {
		t.Fatal(err)
	}
	payload[0] = 'X' // the prepared message holds its own copy
	want := bytes.Repeat([]byte("broadcast "), 1000)
	for _, role := range []string{"server", "client"} {
		t.Run(role, func(t *testing.T) {
			newPair := serverWithPeer
			if role == "client" {
				newPair = clientWithPeer
			}
			// Several connections share pm, each receiving a proper frame
			// (masked by a client, checked by the peer's Read).
			for range 3 {
				conn, peer := newPair(t, websocket.TestConfig{})
				go func() {
					if err := conn.WritePrepared(context.Background(), pm); err != nil {
						t.Error(err)
					}
				}()
				h, got, err := peer.Read(testTimeout)
				if err != nil || !h.Fin || h.Opcode != protocol.OpText || !bytes.Equal(got, want) {
					t.Fatalf("peer got %v fin=%v %d bytes, %v", h.Opcode, h.Fin, len(got), err)
				}
			}
		})
	}
	if _, err := websocket.NewPreparedMessage(5, nil); !errors.Is(err, websocket.ErrMessageType) {
		t.Errorf("NewPreparedMessage(5) = %v, want ErrMessageType", err)
	}
}

// BenchmarkBroadcast compares sending one message to 64 server
// connections with Write and with a PreparedMessage.
func BenchmarkBroadcast(b *testing.B) {
	for _, size := range benchSizes[:3] {
		conns := make([]*websocket.Conn, 64)
		for i := range conns {
			conns[i] = websocket.NewConnForTest(&memConn{stream: []byte{0}}, false, websocket.TestConfig{})
		}
		msg := make([]byte, size.n)
		ctx := context.Background()
		b.Run("write/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n * len(conns)))
			b.ReportAllocs()
			for b.Loop() {
				for _, c := range conns {
					if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run("prepared/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n * len(conns)))
			b.ReportAllocs()
			for b.Loop() {
				pm, _ := websocket.NewPreparedMessage(websocket.MessageText, msg)
				for _, c := range conns {
					if err := c.WritePrepared(ctx, pm); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
