package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"github.com/wirefast/websocket"
)

// clientOptions are the settings of the client modes (-client).
type clientOptions struct {
	url          string        // ws:// or wss:// URL of a demo endpoint
	name         string        // for /ws/hello
	caFile       string        // PEM file of the certificates to trust, "" for the system's
	pingInterval time.Duration // keepalive; 0 turns it off
	pongTimeout  time.Duration
	minBackoff   time.Duration // subscriber: wait before the first retry
	maxBackoff   time.Duration // subscriber: cap of the wait

	in  io.Reader // echo: lines to send
	out io.Writer // what the server says, one message per line
	log *slog.Logger

	// onRetry, if set, is told of each reconnection the subscriber plans.
	onRetry func(err error, delay time.Duration)
}

// runClient runs the client mode that suits the URL's endpoint:
// /ws/hello says hello, /ws/echo echoes the lines of o.in, and any other
// (/ws/time, /ws/tick, /ws/counter, /ws/chat) subscribes: it prints what
// the server sends and reconnects when the connection is lost.
func runClient(ctx context.Context, o clientOptions) error {
	u, err := url.Parse(o.url)
	if err != nil {
		return fmt.Errorf("wsdemo: -url: %w", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return fmt.Errorf("wsdemo: -url %q: the scheme must be ws or wss", o.url)
	}
	tlsConfig, err := clientTLSConfig(o.caFile)
	if err != nil {
		return err
	}
	opts := &websocket.DialOptions{
		// Keepalive: a ping every interval; no pong within the timeout and
		// the connection counts as dead (and the subscriber reconnects).
		ConnOptions: websocket.ConnOptions{PingInterval: o.pingInterval, PongTimeout: o.pongTimeout},
		TLSConfig:   tlsConfig,
	}
	switch path.Base(u.Path) {
	case "hello":
		return sayHello(ctx, u.String(), o, opts)
	case "echo":
		return echoLines(ctx, u.String(), o, opts)
	}
	return subscribe(ctx, *u, o, opts)
}

// sayHello sends the name, prints the greeting and expects the server to
// close the connection normally.
func sayHello(ctx context.Context, url string, o clientOptions, opts *websocket.DialOptions) error {
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(o.name)); err != nil {
		return err
	}
	_, greeting, err := c.Read(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "%s\n", greeting)
	// The server closes after greeting: read until its close frame.
	_, _, err = c.Read(ctx)
	if code := websocket.CloseStatus(err); code != websocket.CloseNormal {
		return fmt.Errorf("wsdemo: the server did not close normally: %w", err)
	}
	o.log.Info("closed", "code", int(websocket.CloseNormal))
	return nil
}

// echoLines sends each line of o.in and prints the server's answer, then
// closes normally at the end of the input.
func echoLines(ctx context.Context, url string, o clientOptions, opts *websocket.DialOptions) error {
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	lines := bufio.NewScanner(o.in)
	for lines.Scan() {
		if err := c.Write(ctx, websocket.MessageText, lines.Bytes()); err != nil {
			return err
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.out, "%s\n", msg)
	}
	if err := lines.Err(); err != nil {
		return err
	}
	return c.Close(websocket.CloseNormal, "")
}

// subscribe prints every message of the endpoint at u and keeps doing so
// across disconnections: when the connection is lost it reconnects,
// waiting longer after each failed attempt (exponential backoff with
// jitter). On /ws/tick it resumes the sequence after the last tick it
// printed (?since=N), so that nothing is missed or repeated.
func subscribe(ctx context.Context, u url.URL, o clientOptions, opts *websocket.DialOptions) error {
	resume := path.Base(u.Path) == "tick"
	var last int64 // the last tick printed
	attempt := 0
	for {
		target := u
		if resume && last > 0 {
			q := target.Query()
			q.Set("since", strconv.FormatInt(last, 10))
			target.RawQuery = q.Encode()
		}
		progressed, err := subscribeOnce(ctx, target.String(), o, opts, func(msg []byte) {
			if resume {
				var t tickEvent
				if json.Unmarshal(msg, &t) == nil && t.Seq > 0 {
					last = t.Seq
				}
			}
		})
		if ctx.Err() != nil || websocket.CloseStatus(err) == websocket.CloseNormal {
			return nil // interrupted, or the server ended the stream
		}
		if !retryable(err) {
			return err
		}
		if progressed {
			attempt = 0 // that connection worked: start the backoff over
		}
		delay := backoff(attempt, o.minBackoff, o.maxBackoff, rand.Int64N)
		attempt++
		o.log.Warn("connection lost; reconnecting", "err", err, "in", delay.Round(time.Millisecond))
		if o.onRetry != nil {
			o.onRetry(err, delay)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// subscribeOnce connects once and prints messages until the connection
// ends. It reports whether any message arrived.
func subscribeOnce(ctx context.Context, url string, o clientOptions, opts *websocket.DialOptions,
	seen func([]byte)) (progressed bool, err error) {
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return false, err
	}
	defer c.CloseNow()
	o.log.Info("connected", "url", url)
	for {
		_, msg, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				c.Close(websocket.CloseNormal, "") // leaving: say goodbye
			}
			return progressed, err
		}
		progressed = true
		seen(msg)
		fmt.Fprintf(o.out, "%s\n", msg)
	}
}

// retryable reports whether reconnecting may help after err.
func retryable(err error) bool {
	var re *websocket.ResponseError
	if errors.As(err, &re) {
		// The server refused the handshake: overload (503 from -max-conns),
		// timeouts and rate limits pass; other refusals would recur.
		return re.StatusCode >= 500 || re.StatusCode == http.StatusRequestTimeout ||
			re.StatusCode == http.StatusTooManyRequests
	}
	switch websocket.CloseStatus(err) {
	case 0:
		return true // no close frame: the network failed or the server vanished
	case websocket.CloseGoingAway, websocket.CloseServiceRestart, websocket.CloseTryAgainLater,
		websocket.CloseInternalError, websocket.CloseBadGateway:
		return true
	}
	return false // a normal close ends the subscription; the others are final
}

// backoff returns how long to wait before retry number attempt (0 for
// the first): with d = min(maxDelay, minDelay·2^attempt), a duration in
// [d/2, d). The fixed half makes the wait grow; the random half (the
// jitter) spreads out the clients that lost the server at the same
// moment, so that they do not all come back at once. randN(n) returns a
// random int64 in [0, n).
func backoff(attempt int, minDelay, maxDelay time.Duration, randN func(int64) int64) time.Duration {
	d := maxDelay
	if attempt < 62 && minDelay <= maxDelay>>attempt {
		d = minDelay << attempt
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(randN(int64(d-half)))
}
