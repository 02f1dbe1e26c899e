package deflate_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
)

// A server and a client negotiate permessage-deflate and exchange a
// compressed message.
func Example() {
	serverOpts := &deflate.Options{Mode: deflate.ContextTakeover}
	clientOpts := &deflate.Options{Mode: deflate.ContextTakeover}

	// Client: the offer goes in Sec-WebSocket-Extensions.
	offer, _ := deflate.Offer(clientOpts)
	request := string(handshake.AppendExtensions(nil, offer))
	fmt.Println("request: ", request)

	// Server: accept the first acceptable offer.
	offers, _ := handshake.ParseExtensions([]string{request})
	server, _ := deflate.Accept(offers, serverOpts)
	response := string(handshake.AppendExtensions(nil, []handshake.Extension{server.Response()}))
	fmt.Println("response:", response)

	// Client: check the response against the offer.
	exts, _ := handshake.ParseExtensions([]string{response})
	client, err := deflate.Confirm(exts, clientOpts)
	if err != nil {
		panic(err)
	}

	// The server sends a message, the client reads it.
	msg := []byte(`{"event":"hello","text":"hello, hello, hello"}`)
	payload := server.NewEncoder().Compress(nil, msg)
	got, _ := client.NewDecoder().Decompress(nil, payload, 1<<20)
	fmt.Printf("%d bytes sent as %d: %s\n", len(msg), len(payload), got)
	// Output:
	// request:  permessage-deflate; client_max_window_bits
	// response: permessage-deflate; server_max_window_bits=12; client_max_window_bits=12
	// 46 bytes sent as 32: {"event":"hello","text":"hello, hello, hello"}
}

// The examples of RFC 7692, Section 7.2.3: "Hello" compressed, and
// compressed again with context takeover.
func ExampleEncoder_Compress() {
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	fmt.Printf("% x\n", e.Compress(nil, []byte("Hello")))
	fmt.Printf("% x\n", e.Compress(nil, []byte("Hello")))
	fmt.Printf("% x\n", e.Compress(nil, nil))
	// Output:
	// f2 48 cd c9 c9 07 00
	// 02 13 00 00
	// 00
}

// A streaming writer compresses a message in pieces.
func ExampleEncoder_Append() {
	e := deflate.NewEncoder(12, false, deflate.BestSpeed)
	var frames [][]byte
	for _, part := range []string{"the first part, ", "the second part, ", "the last part"} {
		frames = append(frames, e.Append(nil, []byte(part)))
	}
	frames = append(frames, e.Flush(nil))

	payload := bytes.Join(frames, nil)
	got, _ := deflate.NewDecoder(12, false).Decompress(nil, payload, -1)
	fmt.Println(string(got))
	// Output:
	// the first part, the second part, the last part
}

// A receiver reads a message through an io.Reader over its frame
// payloads; the limit stops a decompression bomb while inflating.
func ExampleDecoder_Reset() {
	bomb := deflate.NewEncoder(15, false, deflate.BestSpeed).Compress(nil, make([]byte, 16<<20))
	fmt.Printf("16 MiB of zeros compressed to %d bytes\n", len(bomb))

	d := deflate.NewDecoder(15, false)
	d.Reset(bytes.NewReader(bomb), 1<<20)
	n, err := io.Copy(io.Discard, d)
	fmt.Println(n, err, errors.Is(err, deflate.ErrTooLarge))
	// Output:
	// 16 MiB of zeros compressed to 24319 bytes
	// 1048576 deflate: decompressed message over the limit true
}

// A server declines an offer it cannot accept and takes the next.
func ExampleAccept() {
	offers, _ := handshake.ParseExtensions([]string{
		"permessage-deflate; server_max_window_bits=16, permessage-deflate; server_max_window_bits=10",
	})
	cfg, _ := deflate.Accept(offers, &deflate.Options{Mode: deflate.NoContextTakeover})
	fmt.Println(cfg.Response())
	fmt.Printf("%+v\n", cfg.Params)
	// Output:
	// permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10
	// {ServerNoContextTakeover:true ClientNoContextTakeover:true ServerMaxWindowBits:10 ClientMaxWindowBits:15}
}

// A client rejects a response that does not match its offer.
func ExampleConfirm() {
	opts := &deflate.Options{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 10}
	offer, _ := deflate.Offer(opts)
	fmt.Println(offer[0])
	resp, _ := handshake.ParseExtensions([]string{"permessage-deflate; server_max_window_bits=12"})
	_, err := deflate.Confirm(resp, opts)
	fmt.Println(err)
	// Output:
	// permessage-deflate; server_max_window_bits=10; client_max_window_bits
	// deflate: extension response does not match the offer: server_max_window_bits 12 over the 10 asked for
}
