// Echo is a WebSocket echo server and its client in one program.
//
//	go run ./examples/echo -server 127.0.0.1:8080
//	go run ./examples/echo -client ws://127.0.0.1:8080/echo
//
// The server sends every message back to its sender. The client sends
// each line of its standard input as a text message and prints the echo.
// Ctrl-C stops either one: the server closes its connections with 1001
// (going away), the client with 1000.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/wirefast/websocket"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	server := flag.String("server", "", "serve the echo on this `host:port`, path /echo")
	client := flag.String("client", "", "send standard input to the echo server at this ws:// `URL`")
	flag.Parse()
	var err error
	switch {
	case *server != "" && *client == "":
		var ln net.Listener
		if ln, err = net.Listen("tcp", *server); err == nil {
			log.Printf("echo server on ws://%s/echo", ln.Addr())
			err = serve(ctx, ln)
		}
	case *client != "" && *server == "":
		err = runClient(ctx, *client, os.Stdin, os.Stdout)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// serve serves the echo at /echo on ln until ctx is done, then closes
// the connections and returns once they are gone.
func serve(ctx context.Context, ln net.Listener) error {
	var conns sync.WaitGroup
	ws := websocket.Handler(echo)
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// Counted before the upgrade, while http.Server.Shutdown still
		// waits for the request, so that conns.Wait below sees it.
		conns.Add(1)
		defer conns.Done()
		ws.ServeHTTP(w, r)
	})
	srv := &http.Server{
		Handler: mux,
		// Handler contexts end with ctx: that is how echo learns of the
		// shutdown, since upgraded connections are no longer the
		// http.Server's.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	err := srv.Shutdown(context.WithoutCancel(ctx))
	<-errc
	conns.Wait()
	return err
}

// echo sends every message back until the peer closes or ctx ends.
func echo(ctx context.Context, c *websocket.Conn) {
	defer func() {
		if ctx.Err() != nil {
			// The server is shutting down: a read or write that ctx
			// stopped between messages leaves the connection open. (If
			// the connection is already closed, this is a no-op.)
			c.Close(websocket.CloseGoingAway, "server shutting down")
		}
	}()
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
	}
}

// runClient sends each line of in to the echo server at url and writes
// the replies to out, one per line. It closes the connection normally at
// the end of in.
func runClient(ctx context.Context, url string, in io.Reader, out io.Writer) error {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		if err := c.Write(ctx, websocket.MessageText, lines.Bytes()); err != nil {
			return err
		}
		_, reply, err := c.Read(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\n", reply)
	}
	if err := lines.Err(); err != nil {
		return err
	}
	return c.Close(websocket.CloseNormal, "")
}
