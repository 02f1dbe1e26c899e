package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wirefast/websocket"
)

// feed is a server that streams numbered messages at a steady pace:
// message n is the decimal number n. A client that asks for ?since=N
// gets N+1, N+2, ..., so after a reconnection it resumes where it left
// off, with nothing lost or repeated. The numbers stand for what a real
// feed sends with its sequence numbers: events, prices, log lines.
type feed struct {
	interval time.Duration // between messages
}

// errBadSince is the 400 answer to a since parameter that is not a
// non-negative integer.
var errBadSince = errors.New("since must be a non-negative integer")

// ServeHTTP streams the feed over a WebSocket connection until the
// client leaves or the server shuts down (the request's context ends),
// which closes the connection with 1012 (service restart).
func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var since int64
	if s := r.URL.Query().Get("since"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			http.Error(w, errBadSince.Error(), http.StatusBadRequest)
			return
		}
		since = n
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept answered the client
	}
	defer c.CloseNow()
	// The client sends nothing, but someone must read to answer its pings
	// and its close: CloseRead. Its context must not end with the server,
	// or a shutdown would drop the connection instead of closing it.
	gone := c.CloseRead(context.WithoutCancel(r.Context()))
	shutdown := r.Context() // ends with the server's BaseContext

	ticker := time.NewTicker(f.interval)
	defer ticker.Stop()
	for n := since + 1; ; n++ {
		select {
		case <-gone.Done():
			return
		case <-shutdown.Done():
			c.Close(websocket.CloseServiceRestart, "restarting")
			return
		case <-ticker.C:
		}
		if err := c.Write(shutdown, websocket.MessageText, strconv.AppendInt(nil, n, 10)); err != nil {
			if shutdown.Err() != nil {
				// The shutdown stopped the write before it began, which
				// leaves the connection open (or dropped it midway, which
				// makes this a no-op): close it properly.
				c.Close(websocket.CloseServiceRestart, "restarting")
			}
			return
		}
	}
}

// serve serves f at /feed on ln until ctx is done, then closes the
// connections with 1012 and returns once they are gone.
func serve(ctx context.Context, ln net.Listener, f *feed) error {
	var conns sync.WaitGroup
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		// Counted before the upgrade, while http.Server.Shutdown still
		// waits for the request, so that conns.Wait below sees it.
		conns.Add(1)
		defer conns.Done()
		f.ServeHTTP(w, r)
	})
	srv := &http.Server{
		Handler:     mux,
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
