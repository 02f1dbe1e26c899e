// Command wsecho is the wirefast echo server: every text and binary
// message it receives on path / is sent back unchanged, as the Autobahn
// test suite and the interoperability tests expect of a server under
// test. It is a test server: it accepts every Origin.
//
// Usage:
//
//	wsecho [-addr 127.0.0.1:9001] [-raw] [-stream | -receive] [-read-limit 67108864] [-compress] [-v]
//	wsecho -autobahn-client ws://127.0.0.1:9002 [-agent wirefast] [-shutdown] [-v]
//
// Flags (the conformance tooling relies on them; keep them stable):
//
//	-addr        host:port to listen on (default 127.0.0.1:9001)
//	-raw         serve with websocket.AcceptConn on a plain net.Listener
//	             instead of net/http
//	-stream      echo each message as a stream of frames instead of whole
//	-receive     echo in receive mode (websocket.Conn.Receive): no
//	             goroutine per idle connection
//	-read-limit  largest message accepted, in bytes (default 64 MiB);
//	             0 or negative means no limit
//	-compress    accept permessage-deflate with context takeover and
//	             windows of up to 15 bits (RFC 7692)
//	-coalesce    send the echoes of pipelined messages in one write
//	             (ConnOptions.CoalesceWrites), also with -autobahn-client
//	-v           log connections and why they ended to stderr
//
// With -autobahn-client URL [-agent NAME], wsecho does not serve: it runs
// wirefast's client through the Autobahn fuzzing server at URL (the
// original suite's, or cmd/autobahn -mode fuzzingserver), echoing every
// case with permessage-deflate offered, then asks for the reports.
//
// By default a message is read whole ([websocket.Conn.ReadInto]) and
// written back as one frame, so a client may send a message of any size
// before reading the echo. With -stream it is copied through
// [websocket.Conn.Reader] and [websocket.Conn.Writer] as it arrives, so a
// 16 MiB message needs no 16 MiB buffer, but the client must read while
// it writes: one that sends a large message whole before reading
// deadlocks once the TCP buffers fill, as with any streaming echo. With
// -receive the connection is in receive mode ([websocket.Conn.Receive]):
// a handler writes each whole message back, and no goroutine waits on an
// idle connection.
//
// Once listening, wsecho prints "wsecho: listening on ws://ADDR/" on
// standard output. On SIGINT or SIGTERM it stops accepting, closes every
// connection with 1001 (going away) and exits with status 0; a second
// signal kills it at once. It exits with 2 on bad flags and 1 when it
// cannot listen.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default action so that a second
	// one kills a shutdown that hangs.
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// defaultReadLimit is wsecho's read limit, in bytes: above the 16 MiB
// messages of Autobahn section 9.
const defaultReadLimit = 64 << 20

// config is the parsed command line.
type config struct {
	addr      string
	raw       bool
	stream    bool
	receive   bool
	readLimit int64 // as given: <= 0 means no limit
	compress  bool
	coalesce  bool
	verbose   bool

	autobahnURL string // -autobahn-client: run the client against this fuzzing server
	agent       string
	shutdown    bool // ask the fuzzing server to exit after the reports
}

// parseFlags parses args.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("wsecho", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9001", "host:port to listen on")
	fs.BoolVar(&c.raw, "raw", false, "serve with AcceptConn on a plain listener instead of net/http")
	fs.BoolVar(&c.stream, "stream", false, "echo messages as a stream of frames instead of reading them whole")
	fs.BoolVar(&c.receive, "receive", false, "echo in receive mode (Conn.Receive), with no goroutine per idle connection")
	fs.Int64Var(&c.readLimit, "read-limit", defaultReadLimit, "largest message accepted, in bytes; 0 or negative means no limit")
	fs.BoolVar(&c.compress, "compress", false, "accept permessage-deflate (context takeover, windows up to 15 bits)")
	fs.BoolVar(&c.coalesce, "coalesce", false, "coalesce the echoes of pipelined messages into one write (ConnOptions.CoalesceWrites)")
	fs.BoolVar(&c.verbose, "v", false, "log connections to stderr")
	fs.StringVar(&c.autobahnURL, "autobahn-client", "", "run wirefast's client through the Autobahn fuzzing server at this ws:// URL instead of serving")
	fs.StringVar(&c.agent, "agent", "wirefast", "agent name reported to the fuzzing server (with -autobahn-client)")
	fs.BoolVar(&c.shutdown, "shutdown", false, "ask the fuzzing server to exit once the reports are written (with -autobahn-client)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.stream && c.receive {
		return nil, errors.New("-stream and -receive exclude each other")
	}
	return c, nil
}

// A mode is one thing wsecho can do, running until ctx is done: the echo
// server, or an Autobahn client run.
type mode func(ctx context.Context, cfg *config, stdout, stderr io.Writer) error

// mode returns the mode the flags select.
func (c *config) mode() mode {
	if c.autobahnURL != "" {
		return autobahnMode
	}
	return serveMode
}

// run is the program without its process: it parses args, runs the
// selected mode until ctx is done and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "wsecho:", err)
		return 2
	}
	if err := cfg.mode()(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "wsecho:", err)
		return 1
	}
	return 0
}

// serveMode listens on cfg.addr and serves the echo until ctx is done.
func serveMode(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wsecho: listening on ws://%s/\n", ln.Addr())
	return newServer(cfg, stderr).serve(ctx, ln)
}
