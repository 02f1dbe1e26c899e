// Command autobahn runs the wirefast implementation of the Autobahn|Testsuite
// against a WebSocket server (fuzzing client mode) or waits for a WebSocket
// client to run the cases against it (fuzzing server mode), writes the
// suite's reports and prints a one-line summary.
//
// Usage:
//
//	autobahn -mode fuzzingclient -url ws://127.0.0.1:9001 -agent NAME -cases '*' -exclude '' -out reports/servers
//	autobahn -mode fuzzingserver -addr 127.0.0.1:9002 -out reports/clients
//
// -cases and -exclude take comma-separated patterns as the original
// suite's configuration does ("1.*,6.4.*"; a pattern with * matches ids
// starting like it, one without * an exact id). The exit status is 1 when
// the results fail the -fail-on level (strict: any FAILED, NON-STRICT or
// UNIMPLEMENTED case; failed: any FAILED case; none), 2 on usage or run
// errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/wirefast/websocket/autobahn"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is the parsed command line.
type config struct {
	mode, url, addr, agent, cases, exclude, out, failOn string
	verbose, sections                                   bool
}

// parseFlags parses args.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("autobahn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	fs.StringVar(&c.mode, "mode", "fuzzingclient", "fuzzingclient (test a server) or fuzzingserver (test a client)")
	fs.StringVar(&c.url, "url", "ws://127.0.0.1:9001", "fuzzingclient: URL of the echo server under test")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9001", "fuzzingserver: address to listen on")
	fs.StringVar(&c.agent, "agent", "", "fuzzingclient: agent name of the server (default: its Server header)")
	fs.StringVar(&c.cases, "cases", "*", "comma-separated case patterns to run")
	fs.StringVar(&c.exclude, "exclude", "", "comma-separated case patterns to leave out")
	fs.StringVar(&c.out, "out", "", "report directory (default reports/servers or reports/clients)")
	fs.StringVar(&c.failOn, "fail-on", autobahn.FailOnStrict, "exit 1 on: strict (FAILED, NON-STRICT, UNIMPLEMENTED), failed (FAILED only), none")
	fs.BoolVar(&c.verbose, "v", false, "print every case's verdict")
	fs.BoolVar(&c.sections, "sections", false, "print a summary per section")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch c.failOn {
	case autobahn.FailOnStrict, autobahn.FailOnFailed, autobahn.FailOnNone:
	default:
		return nil, fmt.Errorf("-fail-on %q: want strict, failed or none", c.failOn)
	}
	switch c.mode {
	case "fuzzingclient":
		if c.out == "" {
			c.out = "reports/servers"
		}
	case "fuzzingserver":
		if c.out == "" {
			c.out = "reports/clients"
		}
	default:
		return nil, fmt.Errorf("-mode %q: want fuzzingclient or fuzzingserver", c.mode)
	}
	return c, nil
}

// run is main without the exit.
func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "autobahn:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var results []autobahn.Result
	start := time.Now()
	if c.mode == "fuzzingclient" {
		results, err = runClient(ctx, c, stdout)
	} else {
		results, err = runServer(ctx, c, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "autobahn:", err)
	}
	if len(results) > 0 {
		if werr := autobahn.WriteReports(c.out, results); werr != nil {
			fmt.Fprintln(stderr, "autobahn:", werr)
			return 2
		}
	}
	sum := autobahn.Summarize(results)
	if c.sections {
		for _, s := range autobahn.SummarizeSections(results) {
			fmt.Fprintf(stdout, "section %s: %s\n", s.Section, s.Summary)
		}
	}
	fmt.Fprintf(stdout, "reports in %s (%s)\n", c.out, time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(stdout, sum)
	switch {
	case err != nil:
		return 2
	case sum.Fails(c.failOn):
		return 1
	}
	return 0
}

// runClient runs fuzzing client mode.
func runClient(ctx context.Context, c *config, stdout io.Writer) ([]autobahn.Result, error) {
	opts := &autobahn.ClientOptions{
		Agent:   c.agent,
		Cases:   autobahn.SplitPatterns(c.cases),
		Exclude: autobahn.SplitPatterns(c.exclude),
	}
	if c.verbose {
		opts.Progress = func(r autobahn.Result) { printResult(stdout, r) }
	}
	return autobahn.RunClient(ctx, c.url, opts)
}

// runServer runs fuzzing server mode until /stopServer, an
// updateReports with shutdownOnComplete, or an interrupt.
func runServer(ctx context.Context, c *config, stdout io.Writer) ([]autobahn.Result, error) {
	opts := &autobahn.ServerOptions{
		Cases:   autobahn.SplitPatterns(c.cases),
		Exclude: autobahn.SplitPatterns(c.exclude),
		OutDir:  c.out,
	}
	if c.verbose {
		opts.Progress = func(r autobahn.Result) { printResult(stdout, r) }
	}
	srv, err := autobahn.NewServer(opts)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(c.addr); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "fuzzing server listening on %s (%d cases)\n", srv.URL(), srv.CaseCount())
	select {
	case <-ctx.Done():
	case <-srv.Done():
	}
	err = srv.Close()
	return srv.Results(), err
}

// printResult prints one case's verdict.
func printResult(w io.Writer, r autobahn.Result) {
	fmt.Fprintf(w, "%-8s %-14s %-16s %-13s %6d ms  %s\n", r.ID, r.Behavior, r.BehaviorClose,
		autobahn.Category(r), r.Duration.Milliseconds(), r.Agent)
}
