// Reconnect is a client that survives its server going away: it follows
// a numbered feed, reconnects with exponential backoff and jitter when
// the connection is lost, and resumes after the last message it got.
//
//	go run ./examples/reconnect -server 127.0.0.1:8080
//	go run ./examples/reconnect -client ws://127.0.0.1:8080/feed
//
// Stop and restart the server while the client runs: the client keeps
// trying, and once the server is back it carries on from the number
// after its last one, with no gap and no repeat.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	server := flag.String("server", "", "serve the feed on this `host:port`, path /feed")
	client := flag.String("client", "", "follow the feed at this ws:// `URL`")
	interval := flag.Duration("interval", time.Second, "server: time between messages")
	flag.Parse()
	var err error
	switch {
	case *server != "" && *client == "":
		var ln net.Listener
		if ln, err = net.Listen("tcp", *server); err == nil {
			log.Printf("feed on ws://%s/feed", ln.Addr())
			err = serve(ctx, ln, &feed{interval: *interval})
		}
	case *client != "" && *server == "":
		f := &follower{
			url:      *client,
			minDelay: 250 * time.Millisecond,
			maxDelay: 30 * time.Second,
			handle:   func(seq int64) { fmt.Println(seq) },
			onRetry: func(err error, delay time.Duration) {
				log.Printf("connection lost: %v; retrying in %v", err, delay.Round(time.Millisecond))
			},
		}
		if err = f.run(ctx); errors.Is(err, context.Canceled) {
			err = nil
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		log.Fatal(err)
	}
}
