package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/internal/load"
)

func main() {
	var cfg load.Config
	flag.StringVar(&cfg.Addr, "addr", "", "server address, host:port")
	flag.StringVar(&cfg.Proto, "proto", load.ProtoWebSocket, `"ws", or "tcp" for the raw TCP echo`)
	flag.IntVar(&cfg.Conns, "conns", 1, "connections")
	flag.IntVar(&cfg.Window, "window", 1, "messages in flight per connection (1: round trip)")
	flag.IntVar(&cfg.Size, "size", 16, "payload bytes per message")
	flag.BoolVar(&cfg.Text, "text", false, "send text messages (binary otherwise)")
	flag.BoolVar(&cfg.Compress, "compress", false, "offer permessage-deflate without context takeover and send compressed messages (with -idle too)")
	flag.DurationVar(&cfg.Warmup, "warmup", 200*time.Millisecond, "unmeasured load before the rounds")
	flag.DurationVar(&cfg.Round, "round", 300*time.Millisecond, "length of a measured round")
	flag.IntVar(&cfg.Rounds, "rounds", 5, "measured rounds")
	flag.IntVar(&cfg.PID, "pid", 0, "server process whose CPU time to measure (0: none)")
	idle := flag.Int("idle", 0, "hold this many idle connections instead of driving load")
	flag.Parse()
	if cfg.Addr == "" {
		fatalf("-addr is required")
	}
	if err := echo.RaiseFileLimit(); err != nil {
		fatalf("%v", err)
	}
	if *idle > 0 {
		idleCfg := load.IdleConfig{Addr: cfg.Addr, Proto: cfg.Proto, Conns: *idle, Compress: cfg.Compress}
		if err := load.Idle(idleCfg, os.Stdin, os.Stdout); err != nil {
			fatalf("%v", err)
		}
		return
	}
	res, err := load.Run(cfg)
	if err != nil {
		fatalf("%v", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(1)
}
