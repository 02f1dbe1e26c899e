package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h: the usage went to stderr.
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	server serverConfig
	client clientOptions

	addr      string
	tls       bool
	certFile  string
	keyFile   string
	certOut   string
	redisURL  string
	redisTTL  time.Duration
	logFormat string
	logLevel  slog.Level
	isClient  bool
}

// parseFlags parses args into options, with usage and errors going to
// stderr.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{server: defaultServerConfig()}
	fs := flag.NewFlagSet("wsdemo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: wsdemo [flags]                         serve the demos\n"+
			"       wsdemo -client -url ws://HOST/ws/DEMO [flags]  be a client of one\n\nflags:\n")
		fs.PrintDefaults()
	}
	sc := &o.server
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `host:port` (port 0 picks a free one)")
	fs.BoolVar(&o.tls, "tls", false, "serve https:// and wss:// (with -cert and -key, or a generated self-signed certificate)")
	fs.StringVar(&o.certFile, "cert", "", "TLS certificate `file` (PEM), with -tls")
	fs.StringVar(&o.keyFile, "key", "", "TLS private key `file` (PEM), with -tls")
	fs.StringVar(&o.certOut, "cert-out", defaultCertOut(), "with -tls and no -cert: write the generated certificate to this `file`, for clients' -cacert")
	fs.StringVar(&o.redisURL, "redis", "", "share the demos' state with other wsdemo processes through the Redis server at this `URL` (redis://127.0.0.1:6379); empty: this process alone, in memory")
	fs.DurationVar(&o.redisTTL, "redis-ttl", defaultRedisTTL, "with -redis: a process that stops beating its heartbeat for this long counts as dead, and its users as gone")
	fs.IntVar(&sc.maxConns, "max-conns", sc.maxConns, "most WebSocket connections open at once, over which upgrades get 503 (0: no limit)")
	fs.IntVar(&sc.queueLen, "queue", sc.queueLen, "messages that may wait for one counter or chat client; a client whose queue is full is dropped with 1013")
	fs.DurationVar(&sc.writeTimeout, "write-timeout", sc.writeTimeout, "bound on writing one message to a client")
	fs.DurationVar(&sc.shutdownTimeout, "shutdown-timeout", sc.shutdownTimeout, "on SIGINT or SIGTERM, time the clients get to close (1001) before they are dropped")
	fs.DurationVar(&sc.pingInterval, "ping-interval", sc.pingInterval, "keepalive: ping the peer this often (0: no keepalive); both modes")
	fs.DurationVar(&sc.pongTimeout, "pong-timeout", sc.pongTimeout, "keepalive: a peer that does not answer a ping within this is dropped; both modes")
	fs.BoolVar(&sc.compress, "compress", sc.compress, "accept permessage-deflate from clients that offer it, as browsers do (context takeover, 12-bit windows)")
	fs.DurationVar(&sc.timeMaxDelay, "time-max-delay", sc.timeMaxDelay, "/ws/time waits a random time below this between messages")
	fs.DurationVar(&sc.tickInterval, "tick-interval", sc.tickInterval, "/ws/tick's period")
	fs.IntVar(&sc.chatMaxText, "chat-max-text", sc.chatMaxText, "longest chat message, in characters")
	fs.Float64Var(&sc.chatRate, "chat-rate", sc.chatRate, "chat messages per second a client may send, on average")
	fs.IntVar(&sc.chatBurst, "chat-burst", sc.chatBurst, "chat messages a client may send at once")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "log `level`: debug, info, warn or error")

	cl := &o.client
	fs.BoolVar(&o.isClient, "client", false, "be a client of the demo at -url instead of serving")
	fs.StringVar(&cl.url, "url", "ws://127.0.0.1:8080/ws/time", "client: the demo's ws:// or wss:// `URL`; /ws/hello says hello, /ws/echo echoes stdin's lines, others print what comes")
	fs.StringVar(&cl.name, "name", "World", "client of /ws/hello: the name to send")
	fs.StringVar(&cl.caFile, "cacert", "", "client: trust the certificates in this PEM `file` (the -cert-out of a -tls server)")
	fs.DurationVar(&cl.minBackoff, "min-backoff", 250*time.Millisecond, "client: first wait before reconnecting")
	fs.DurationVar(&cl.maxBackoff, "max-backoff", 30*time.Second, "client: longest wait before reconnecting")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("wsdemo: unexpected arguments %q", fs.Args())
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, fmt.Errorf("wsdemo: -log-format %q: want text or json", o.logFormat)
	}
	if sc.queueLen < 1 || sc.chatMaxText < 1 || sc.chatBurst < 1 || sc.chatRate <= 0 || sc.tickInterval <= 0 {
		return nil, errors.New("wsdemo: -queue, -chat-max-text, -chat-burst, -chat-rate and -tick-interval must be positive")
	}
	cl.pingInterval, cl.pongTimeout = sc.pingInterval, sc.pongTimeout
	return o, nil
}

// run runs the command with args; it returns when ctx is done (the
// server shuts down gracefully) or on an error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	hopts := &slog.HandlerOptions{Level: o.logLevel}
	var handler slog.Handler = slog.NewTextHandler(stderr, hopts)
	if o.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, hopts)
	}
	log := slog.New(handler)
	if o.isClient {
		o.client.in, o.client.out, o.client.log = stdin, stdout, log
		return runClient(ctx, o.client)
	}
	return runServer(ctx, o, log)
}

// runServer serves the demos until ctx is done.
func runServer(ctx context.Context, o *options, log *slog.Logger) error {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("wsdemo: %w", err)
	}
	scheme := "http"
	if o.tls {
		cfg, certPath, err := serverTLSConfig(o.certFile, o.keyFile, o.certOut, time.Now())
		if err != nil {
			ln.Close()
			return err
		}
		if certPath != "" {
			log.Info("self-signed certificate for localhost, 127.0.0.1 and ::1 written; clients trust it with -cacert",
				"cert", certPath)
		}
		ln = tls.NewListener(ln, cfg)
		scheme = "https"
	}
	h := newHub()
	var b bus
	var proc string
	if o.redisURL != "" {
		redis.SetLogger(redisLogger{log})
		rb, err := newRedisBus(ctx, o.redisURL, h, log, o.redisTTL)
		if err != nil {
			ln.Close()
			return err
		}
		b, proc = rb, rb.Process()
	} else {
		b, proc = newMemBus(h), newProcessID()
	}
	s := newServer(o.server, log, h, b, proc)
	log.Info("listening", "url", scheme+"://"+ln.Addr().String()+"/", "redis", o.redisURL != "")
	return s.serve(ctx, ln)
}

// newProcessID returns a random id for the process, which prefixes its
// connection ids in the logs.
func newProcessID() string {
	var id [6]byte
	_, _ = rand.Read(id[:])
	return hex.EncodeToString(id[:])
}
