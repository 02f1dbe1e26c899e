package handshake_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wirefast/websocket/handshake"
)

// The example of RFC 6455, Section 1.3.
func ExampleAcceptKey() {
	fmt.Println(handshake.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="))
	// Output: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}

func ExampleAppendAcceptKey() {
	buf := make([]byte, 0, 64)
	buf = append(buf, "Sec-WebSocket-Accept: "...)
	buf = handshake.AppendAcceptKey(buf, []byte("dGhlIHNhbXBsZSBub25jZQ=="))
	fmt.Println(string(buf))
	// Output: Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}

func ExampleParseExtensions() {
	// A browser's offer, split over two header lines.
	exts, err := handshake.ParseExtensions([]string{
		"permessage-deflate; client_max_window_bits",
		`permessage-deflate; server_max_window_bits="10"`,
	})
	if err != nil {
		panic(err)
	}
	for _, e := range exts {
		fmt.Printf("%s %q\n", e.Name, e.Params)
	}
	fmt.Println(string(handshake.AppendExtensions(nil, exts)))
	// Output:
	// permessage-deflate [{"client_max_window_bits" ""}]
	// permessage-deflate [{"server_max_window_bits" "10"}]
	// permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits=10
}

func ExampleSelectSubprotocol() {
	offered := []string{"v1.chat, v2.chat"} // the client's Sec-WebSocket-Protocol
	supported := []string{"v2.chat", "v1.chat"}
	fmt.Println(handshake.SelectSubprotocol(offered, supported))
	fmt.Printf("%q\n", handshake.SelectSubprotocol(offered, []string{"mqtt"}))
	// Output:
	// v2.chat
	// ""
}

// A server reading the request off a connection itself: parse, check the
// origin, and write the response into the same kind of buffer.
func ExampleParseRequest() {
	in := []byte("GET /chat HTTP/1.1\r\n" +
		"Host: server.example.com\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
		"Origin: http://server.example.com\r\n" +
		"Sec-WebSocket-Protocol: chat, superchat\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"\r\n")

	_, _, err := handshake.ParseRequest(in[:40])
	fmt.Println(err) // the caller reads more and retries

	var out []byte
	r, n, err := handshake.ParseRequest(in)
	if err == nil {
		err = r.CheckOrigin(nil)
	}
	if err != nil {
		status, _ := handshake.StatusOf(err)
		out = handshake.AppendErrorResponse(out, status, err.Error())
	} else {
		out = handshake.AppendResponse(out, r.Key, &handshake.Response{
			Subprotocol: r.SelectSubprotocol([]string{"superchat"}),
		})
	}
	fmt.Println(n == len(in), string(r.Target))
	fmt.Print(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// handshake: need more input
	// true /chat
	// HTTP/1.1 101 Switching Protocols
	// Upgrade: websocket
	// Connection: Upgrade
	// Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
	// Sec-WebSocket-Protocol: superchat
}

func ExampleCheckRequest() {
	r := httptest.NewRequest(http.MethodGet, "/chat", nil)
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Sec-WebSocket-Version", "8")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")

	_, err := handshake.CheckRequest(r)
	status, _ := handshake.StatusOf(err)
	h := http.Header{}
	handshake.SetErrorHeaders(h, status)
	fmt.Println(status, err)
	fmt.Println(h.Get("Sec-WebSocket-Version"))
	// Output:
	// 426 handshake: Sec-WebSocket-Version is not 13
	// 13
}

func ExampleCheckOrigin() {
	patterns := []string{"*.example.com"}
	fmt.Println(handshake.CheckOrigin("", "example.com", patterns))
	fmt.Println(handshake.CheckOrigin("https://example.com", "example.com", patterns))
	fmt.Println(handshake.CheckOrigin("https://app.example.com", "api.example.com", patterns))
	fmt.Println(handshake.CheckOrigin("https://evil.example", "example.com", patterns))
	fmt.Println(handshake.CheckOrigin("null", "example.com", patterns))
	// Output:
	// <nil>
	// <nil>
	// <nil>
	// handshake: Origin not allowed
	// handshake: malformed Origin
}

func ExampleAppendRequest() {
	b, err := handshake.AppendRequest(nil, &handshake.ClientRequest{
		Target:       "/chat",
		Host:         "server.example.com",
		Key:          "dGhlIHNhbXBsZSBub25jZQ==", // use handshake.NewKey()
		Subprotocols: []string{"chat"},
		Extensions:   []handshake.Extension{{Name: "permessage-deflate", Params: []handshake.Param{{Name: "client_max_window_bits"}}}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(string(b), "\r\n", "\n"))
	// Output:
	// GET /chat HTTP/1.1
	// Host: server.example.com
	// Upgrade: websocket
	// Connection: Upgrade
	// Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
	// Sec-WebSocket-Version: 13
	// Sec-WebSocket-Protocol: chat
	// Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
}
