package handshake_test

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

func BenchmarkAcceptKey(b *testing.B) {
	b.SetBytes(int64(len(rfcKey)))
	b.ReportAllocs()
	for b.Loop() {
		handshake.AcceptKey(rfcKey)
	}
}

func BenchmarkAppendAcceptKey(b *testing.B) {
	key := []byte(rfcKey)
	dst := make([]byte, 0, handshake.AcceptKeyLen)
	b.SetBytes(int64(len(key)))
	b.ReportAllocs()
	for b.Loop() {
		dst = handshake.AppendAcceptKey(dst[:0], key)
	}
}

// benchRequests are the request shapes the benchmarks parse.
var benchRequests = []struct{ name, req string }{
	{"rfc", rfcRequest},
	{"chrome", browserRequest},
}

func BenchmarkParseRequest(b *testing.B) {
	for _, br := range benchRequests {
		b.Run(br.name, func(b *testing.B) {
			in := []byte(br.req)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := handshake.ParseRequest(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A request arriving in one read short of complete, the fast path.
	b.Run("needmore", func(b *testing.B) {
		in := []byte(browserRequest[:len(browserRequest)-1])
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			handshake.ParseRequest(in)
		}
	})
}

func BenchmarkCheckRequest(b *testing.B) {
	for _, br := range benchRequests {
		b.Run(br.name, func(b *testing.B) {
			r := httpRequest(b, []byte(br.req))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := handshake.CheckRequest(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpgrade is the server's handshake work per connection on each
// path: parse, check, origin, subprotocol and the response.
func BenchmarkUpgrade(b *testing.B) {
	in := []byte(browserRequest)
	buf := make([]byte, 0, 512)
	b.Run("raw", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			r, _, err := handshake.ParseRequest(in)
			if err != nil {
				b.Fatal(err)
			}
			if err := r.CheckOrigin(nil); err != nil {
				b.Fatal(err)
			}
			buf = handshake.AppendResponse(buf[:0], r.Key, &handshake.Response{Subprotocol: r.SelectSubprotocol([]string{"chat"})})
		}
	})
	// The same work on net/http's side, its request parsing included.
	b.Run("nethttp", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(in)))
			if err != nil {
				b.Fatal(err)
			}
			key, err := handshake.CheckRequest(r)
			if err != nil {
				b.Fatal(err)
			}
			if err := handshake.CheckOrigin(r.Header.Get("Origin"), r.Host, nil); err != nil {
				b.Fatal(err)
			}
			h := http.Header{}
			h.Set("Upgrade", "websocket")
			h.Set("Connection", "Upgrade")
			h.Set("Sec-WebSocket-Accept", handshake.AcceptKey(key))
			if p := handshake.SelectSubprotocol(r.Header["Sec-Websocket-Protocol"], []string{"chat"}); p != "" {
				h.Set("Sec-WebSocket-Protocol", p)
			}
		}
	})
}

func BenchmarkParseExtensions(b *testing.B) {
	values := []string{"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate"}
	b.SetBytes(int64(len(values[0])))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := handshake.ParseExtensions(values); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendResponse(b *testing.B) {
	key := []byte(rfcKey)
	resp := &handshake.Response{Subprotocol: "chat", Extensions: deflateResponse}
	buf := make([]byte, 0, 512)
	buf = handshake.AppendResponse(buf, key, resp)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = handshake.AppendResponse(buf[:0], key, resp)
	}
}
