package websocket_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/proxy"

	"github.com/wirefast/websocket"
)

// An echo server in one line: Handler accepts the connection, runs the
// function on it and closes the connection when the function returns.
func ExampleHandler() {
	echo := websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return // the peer closed, or the connection failed
			}
			if err := c.Write(ctx, typ, msg); err != nil {
				return
			}
		}
	})
	s := httptest.NewServer(echo) // in a program: http.Handle("/echo", echo)
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil) // http:// URLs are taken as ws://
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte("hello")); err != nil {
		log.Fatal(err)
	}
	typ, msg, err := c.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v: %s\n", typ, msg)
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		log.Fatal(err)
	}
	// Output: text: hello
}

// Accept upgrades a request inside an ordinary http.Handler, here with a
// subprotocol. On a bad request it has already answered the client.
func ExampleAccept() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
			Subprotocols: []string{"greeting.v1"},
		})
		if err != nil {
			log.Print(err) // the client got 400, 403, 405 or 426
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		_, name, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, websocket.MessageText, []byte("hello, "+string(name))); err != nil {
			return
		}
		c.Close(websocket.CloseNormal, "")
	})
	s := httptest.NewServer(h)
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, &websocket.DialOptions{
		Subprotocols: []string{"greeting.v1"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	fmt.Println("subprotocol:", c.Subprotocol())
	if err := c.Write(ctx, websocket.MessageText, []byte("gopher")); err != nil {
		log.Fatal(err)
	}
	_, msg, err := c.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(msg))
	_, _, err = c.Read(ctx)
	fmt.Println("then:", websocket.CloseStatus(err))
	// Output:
	// subprotocol: greeting.v1
	// hello, gopher
	// then: normal closure
}

// Server is Handler with options. Here it refuses pages of other sites,
// as it does by default, except those the patterns allow.
func ExampleServer() {
	s := httptest.NewServer(websocket.Server{
		Options: &websocket.AcceptOptions{
			OriginPatterns: []string{"*.example.com"},
		},
		Handler: func(ctx context.Context, c *websocket.Conn) {
			c.Write(ctx, websocket.MessageText, []byte("welcome"))
		},
	})
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, origin := range []string{"https://app.example.com", "https://evil.example.org"} {
		c, _, err := websocket.Dial(ctx, s.URL, &websocket.DialOptions{
			Header: http.Header{"Origin": {origin}},
		})
		var re *websocket.ResponseError
		switch {
		case errors.As(err, &re):
			fmt.Printf("%s: refused with %d\n", origin, re.StatusCode)
		case err != nil:
			log.Fatal(err)
		default:
			_, msg, err := c.Read(ctx)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s: %s\n", origin, msg)
			c.Close(websocket.CloseNormal, "")
		}
	}
	// Output:
	// https://app.example.com: welcome
	// https://evil.example.org: refused with 403
}

// Dial connects to a server; ctx bounds the opening handshake only.
func ExampleDial() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		c.Write(ctx, websocket.MessageText, []byte("server time: 12:00"))
		c.Read(ctx) // until the client closes
	}))
	defer s.Close()
	wsURL := "ws" + strings.TrimPrefix(s.URL, "http") // ws://127.0.0.1:port

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{
		Header: http.Header{"Authorization": {"Bearer token"}},
	})
	if err != nil {
		var re *websocket.ResponseError
		if errors.As(err, &re) {
			log.Fatalf("server said %d: %s", re.StatusCode, re.Body)
		}
		log.Fatal(err)
	}
	defer c.CloseNow()
	fmt.Println(resp.Status)
	_, msg, err := c.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(msg))
	if err := c.Close(websocket.CloseNormal, "bye"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 101 Switching Protocols
	// server time: 12:00
}

// Dialing through a SOCKS5 proxy (ssh -D, Tor): the proxy's dialer from
// golang.org/x/net/proxy plugs into NetDialContext. The package itself
// stays on the standard library.
func ExampleDial_socks5() {
	socks, err := proxy.SOCKS5("tcp", "127.0.0.1:1080", nil, proxy.Direct)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "wss://echo.example.com/", &websocket.DialOptions{
		NetDialContext: socks.(proxy.ContextDialer).DialContext,
		// The SOCKS5 proxy is the only hop: no HTTP proxy from the
		// environment on top of it.
		Proxy: func(*http.Request) (*url.URL, error) { return nil, nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte("through the proxy")); err != nil {
		log.Fatal(err)
	}
	c.Close(websocket.CloseNormal, "")
}

// Read returns whole messages until the peer closes; the close comes back
// as a *CloseError.
func ExampleConn_Read() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		c.Write(ctx, websocket.MessageText, []byte("first"))
		c.Write(ctx, websocket.MessageBinary, []byte{0xca, 0xfe})
		c.Close(websocket.CloseNormal, "that is all")
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	for {
		typ, msg, err := c.Read(ctx)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			fmt.Printf("closed: %d %q\n", ce.Code, ce.Reason)
			return
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%v: %x\n", typ, msg)
	}
	// Output:
	// text: 6669727374
	// binary: cafe
	// closed: 1000 "that is all"
}

// ReadInto reuses one buffer for every message, so a read loop does not
// allocate once the buffer has grown.
func ExampleConn_ReadInto() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		for _, m := range []string{"a", "bb", "ccc"} {
			c.Write(ctx, websocket.MessageText, []byte(m))
		}
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	buf := make([]byte, 0, 512)
	for {
		var err error
		_, buf, err = c.ReadInto(ctx, buf)
		if err != nil {
			break // the handler returned: a close with 1000
		}
		fmt.Println(string(buf))
	}
	// Output:
	// a
	// bb
	// ccc
}

// Write is safe from many goroutines at once: each message goes out
// whole, never interleaved with another.
func ExampleConn_Write() {
	got := make(chan int)
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		n := 0
		for {
			if _, _, err := c.Read(ctx); err != nil {
				got <- n
				return
			}
			n++
		}
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	errs := make(chan error)
	for i := range 10 {
		go func() {
			errs <- c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf("message %d", i)))
		}()
	}
	for range 10 {
		if err := <-errs; err != nil {
			log.Fatal(err)
		}
	}
	c.Close(websocket.CloseNormal, "")
	fmt.Println("server read", <-got, "messages")
	// Output: server read 10 messages
}

// Reader streams a message as its frames arrive, here a long listing
// the server writes line by line without building it in memory.
func ExampleConn_Reader() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		w, err := c.Writer(ctx, websocket.MessageText)
		if err != nil {
			return
		}
		for i := 1; i <= 100000; i++ {
			fmt.Fprintf(w, "row %d\n", i)
		}
		w.Close() // sends the final frame
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	_, r, err := c.Reader(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rows, last := 0, ""
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		rows++
		last = lines.Text()
	}
	if err := lines.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows, "rows, the last:", last)
	// Output: 100000 rows, the last: row 100000
}

// Writer sends a message as a series of frames, so a large payload
// streams from its source without being held whole.
func ExampleConn_Writer() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		_, r, err := c.Reader(ctx)
		if err != nil {
			return
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return
		}
		c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf("received %d bytes", n)))
		c.Read(ctx) // until the client closes
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	w, err := c.Writer(ctx, websocket.MessageBinary)
	if err != nil {
		log.Fatal(err)
	}
	upload := io.LimitReader(zeros{}, 5<<20) // a 5 MiB file, say
	if _, err := io.Copy(w, upload); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	_, reply, err := c.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(reply))
	c.Close(websocket.CloseNormal, "")
	// Output: received 5242880 bytes
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Close runs the closing handshake: the peer sees the code and reason,
// and Close returns once the peer has answered.
func ExampleConn_Close() {
	seen := make(chan string, 1)
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		_, _, err := c.Read(ctx)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			seen <- fmt.Sprintf("%d (%v) %q", ce.Code, ce.Code, ce.Reason)
		} else {
			seen <- fmt.Sprint("unexpected: ", err)
		}
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", c.Close(websocket.CloseGoingAway, "page unloaded"))
	fmt.Println("server saw:", <-seen)
	_, _, err = c.Read(ctx)
	fmt.Println("Read after Close:", errors.Is(err, websocket.ErrClosed))
	// Output:
	// Close: <nil>
	// server saw: 1001 (going away) "page unloaded"
	// Read after Close: true
}

// Ping measures the round trip; someone must be reading the connection
// for the pong to be seen, here the goroutine CloseRead starts.
func ExampleConn_Ping() {
	s := httptest.NewServer(websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
		c.Read(ctx) // reading answers pings
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	c.CloseRead(ctx)
	rtt, err := c.Ping(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pong received:", rtt > 0)
	c.Close(websocket.CloseNormal, "")
	// Output: pong received: true
}

// AcceptConn serves from a plain net.Listener, with no net/http server:
// the lowest-memory way to hold many connections.
func ExampleAcceptConn() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			go func() {
				c, err := websocket.AcceptConn(ctx, nc, nil)
				if err != nil {
					return // AcceptConn answered the client and closed nc
				}
				defer c.CloseNow()
				for {
					typ, msg, err := c.Read(ctx)
					if err != nil {
						return
					}
					if err := c.Write(ctx, typ, msg); err != nil {
						return
					}
				}
			}()
		}
	}()

	c, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte("no net/http here")); err != nil {
		log.Fatal(err)
	}
	_, msg, err := c.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(msg))
	c.Close(websocket.CloseNormal, "")
	// Output: no net/http here
}

// CoalesceWrites lets an echo server answer a burst of pipelined
// messages with one write instead of one per message: each echo written
// while more messages wait in the read buffer is held, and the held
// echoes go out together before the server next waits for input.
func ExampleConnOptions_coalesceWrites() {
	opts := &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{CoalesceWrites: true}}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, opts)
		if err != nil {
			return
		}
		defer c.CloseNow()
		var buf []byte
		for {
			typ, msg, err := c.ReadInto(r.Context(), buf)
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
			buf = msg
		}
	}))
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseNow()
	for _, m := range []string{"one", "two", "three"} { // pipelined
		if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
			log.Fatal(err)
		}
	}
	for range 3 {
		_, msg, err := c.Read(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(msg))
	}
	// Output:
	// one
	// two
	// three
}
