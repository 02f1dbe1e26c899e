// Chat is a chat room over WebSocket: every message a member sends is
// broadcast to every member, and a member too slow to keep up is dropped
// instead of holding the room back.
//
//	go run ./examples/chat -addr 127.0.0.1:8080
//
// then open http://127.0.0.1:8080/ in a few browser tabs, or connect any
// WebSocket client to ws://127.0.0.1:8080/chat.
package main

import (
	"context"
	_ "embed"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/wirefast/websocket"
)

//go:embed index.html
var indexHTML []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	addr := flag.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("chat on http://%s/", ln.Addr())
	if err := serve(ctx, ln, newHub()); err != nil {
		log.Fatal(err)
	}
}

// serve serves the page at / and the room h at /chat on ln until ctx is
// done, then closes the members' connections with 1001 (going away) and
// returns once they are gone.
func serve(ctx context.Context, ln net.Listener, h *hub) error {
	var conns sync.WaitGroup
	ws := websocket.Server{
		// The page is served from this host, so the default Origin check
		// (same host only) lets it in and keeps other sites out.
		Options: &websocket.AcceptOptions{
			ConnOptions: websocket.ConnOptions{ReadLimit: maxMessageSize},
		},
		Handler: h.serveMember,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(indexHTML)
	})
	mux.HandleFunc("/chat", func(w http.ResponseWriter, r *http.Request) {
		// Counted before the upgrade, while http.Server.Shutdown still
		// waits for the request, so that conns.Wait below sees it.
		conns.Add(1)
		defer conns.Done()
		ws.ServeHTTP(w, r)
	})
	srv := &http.Server{
		Handler: mux,
		// Members' contexts end with ctx: upgraded connections are no
		// longer the http.Server's to close.
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
