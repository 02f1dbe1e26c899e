package autobahn

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// ClientOptions configures [RunClient]. The zero value runs every case.
type ClientOptions struct {
	// Agent names the server under test in the results. Empty means the
	// Server header of the handshake response, else "UnknownServer".
	Agent string

	// Cases and Exclude are case patterns (see [MatchCase]); empty Cases
	// means all.
	Cases, Exclude []string

	// ExcludeAgentCases maps agent patterns to case patterns (both
	// anchored at both ends). An excluded case still connects; F closes
	// at once and records nothing.
	ExcludeAgentCases map[string][]string

	// Progress, when set, is called after each case.
	Progress func(r Result)
}

// UnknownServer is the agent name used when neither ClientOptions.Agent
// nor a Server header names the server.
const UnknownServer = "UnknownServer"

// RunClient is the fuzzing client: it runs the selected cases in order
// against the echo server at rawURL (ws://host:port/path), one TCP
// connection per case, and returns one Result per case with the case's
// global index as N. A failed TCP connect ends the run: the remaining cases
// are dropped and the error wraps [ErrConnect]. A failed opening handshake
// only fails that case. Cancelling ctx drops the current connection and
// returns the results so far with ctx's error.
func RunClient(ctx context.Context, rawURL string, opts *ClientOptions) ([]Result, error) {
	if opts == nil {
		opts = &ClientOptions{}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("autobahn: bad url %q: %w", rawURL, err)
	}
	if u.Scheme != "ws" {
		return nil, fmt.Errorf("autobahn: url %q: only ws:// is supported", rawURL)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "80")
	}
	cases, err := Select(opts.Cases, opts.Exclude)
	if err != nil {
		return nil, err
	}
	agent := opts.Agent
	var results []Result
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		r, skipped, err := runClientCase(ctx, u, c, &agent, opts.ExcludeAgentCases)
		if err != nil {
			return results, err
		}
		if skipped {
			continue
		}
		results = append(results, r)
		if opts.Progress != nil {
			opts.Progress(r)
		}
	}
	return results, nil
}

// runClientCase runs one case on a new connection. agent is resolved from
// the first handshake response when empty.
func runClientCase(ctx context.Context, u *url.URL, c *Case, agent *string, exclude map[string][]string) (Result, bool, error) {
	started := time.Now()
	d := net.Dialer{Timeout: OpenHandshakeTimeout}
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return Result{}, false, fmt.Errorf("%w: %v", ErrConnect, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	var offer string
	dl, isDeflate := c.logic.(deflateLogic)
	if isDeflate {
		offer = dl.offer()
	}
	key := newKey()
	req := clientRequest(u, key, offer)
	rx := newCountingReader(conn)
	br := bufio.NewReaderSize(rx, 64<<10)
	_ = conn.SetDeadline(time.Now().Add(OpenHandshakeTimeout))
	head, resp, err := func() (string, *http.Response, error) {
		if _, err := conn.Write(req); err != nil {
			return "", nil, fmt.Errorf("%w: write request: %v", ErrHandshake, err)
		}
		h, r, err := readClientResponse(br, key)
		return h, r, err
	}()
	_ = conn.SetDeadline(time.Time{})
	if *agent == "" {
		if resp != nil && resp.Header.Get("Server") != "" {
			*agent = resp.Header.Get("Server")
		} else if err == nil {
			*agent = UnknownServer
		}
	}
	name := *agent
	if name == "" {
		name = UnknownServer
	}
	var pmd *pmdSetup
	if err == nil && resp != nil {
		values := resp.Header.Values(hdrExtensions)
		switch {
		case isDeflate:
			pmd, err = clientAccept(values)
		case len(values) > 0:
			err = fmt.Errorf("%w: extension %q was not offered", ErrHandshake, values)
		}
	}
	if err != nil {
		return failedResult(c, name, c.N, false, started, err.Error(), string(req), head), false, nil
	}
	if excludedForAgent(exclude, name, c.ID) {
		closeAndWait(conn, br, true)
		return Result{}, true, nil
	}
	s := newSession(c, conn, br, rx, false, pmd)
	s.run()
	return s.result(name, c.N, string(req), head), false, nil
}
