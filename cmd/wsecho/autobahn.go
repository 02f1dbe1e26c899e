package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/wirefast/websocket"
)

// autobahnMode runs wirefast's client through an Autobahn fuzzing server
// (ours, cmd/autobahn -mode fuzzingserver, or the original one) with the
// suite's URL protocol: it asks /getCaseCount, runs every case as an echo
// client on /runCase?case=N&agent=A, offering permessage-deflate, and
// asks the server to write its reports with /updateReports.
func autobahnMode(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	base := strings.TrimSuffix(cfg.autobahnURL, "/")
	c, _, err := websocket.Dial(ctx, base+"/getCaseCount", nil)
	if err != nil {
		return fmt.Errorf("getCaseCount: %w", err)
	}
	_, msg, err := c.Read(ctx)
	c.CloseNow()
	if err != nil {
		return fmt.Errorf("getCaseCount: %w", err)
	}
	count, err := strconv.Atoi(strings.TrimSpace(string(msg)))
	if err != nil {
		return fmt.Errorf("getCaseCount: answer %q: %w", msg, err)
	}
	fmt.Fprintf(stdout, "wsecho: running %d cases against %s as %q\n", count, base, cfg.agent)
	agent := url.QueryEscape(cfg.agent)
	for n := 1; n <= count; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		runCase(ctx, fmt.Sprintf("%s/runCase?case=%d&agent=%s", base, n, agent), cfg, stderr)
	}
	update := base + "/updateReports?agent=" + agent
	if cfg.shutdown {
		update += "&shutdownOnComplete=true"
	}
	c, _, err = websocket.Dial(ctx, update, nil)
	if err != nil {
		return fmt.Errorf("updateReports: %w", err)
	}
	// The server writes the reports, then closes.
	_, _, err = c.Read(ctx)
	if websocket.CloseStatus(err) == 0 {
		return fmt.Errorf("updateReports: %w", err)
	}
	fmt.Fprintln(stdout, "wsecho: reports updated")
	return nil
}

// runCase connects to one case and echoes until the server closes. The
// verdict is the server's to give, so errors are only logged.
func runCase(ctx context.Context, caseURL string, cfg *config, stderr io.Writer) {
	c, _, err := websocket.Dial(ctx, caseURL, &websocket.DialOptions{ConnOptions: websocket.ConnOptions{
		ReadLimit:      -1, // section 9 sends messages of up to 16 MiB
		Compression:    &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover},
		CoalesceWrites: cfg.coalesce,
	}})
	if err != nil {
		if cfg.verbose {
			fmt.Fprintf(stderr, "wsecho: %s: %v\n", caseURL, err)
		}
		return
	}
	defer c.CloseNow()
	err = echo(ctx, c)
	if cfg.verbose {
		fmt.Fprintf(stderr, "wsecho: %s: %v\n", caseURL, err)
	}
}
