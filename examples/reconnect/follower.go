package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wirefast/websocket"
)

// follower reads a feed and keeps reading it across disconnections. When
// the connection is lost it reconnects, waiting longer after each failed
// attempt (exponential backoff with jitter), and asks the server to
// resume after the last message it got.
type follower struct {
	url      string        // the feed's ws:// URL
	minDelay time.Duration // backoff before the first retry
	maxDelay time.Duration // backoff cap
	handle   func(seq int64)
	onRetry  func(err error, delay time.Duration) // if set, told of each retry

	last int64 // the last sequence number handled
}

// errOutOfSequence reports a message that is not the next number: a
// server bug that reconnecting would not cure.
var errOutOfSequence = errors.New("message out of sequence")

// run follows the feed until ctx is done or an error that retrying cannot
// cure, and returns why it stopped.
func (f *follower) run(ctx context.Context) error {
	u, err := url.Parse(f.url)
	if err != nil {
		return err
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return fmt.Errorf("URL %q: scheme is not ws or wss", f.url)
	}
	attempt := 0
	for {
		progressed, err := f.session(ctx, *u)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !retryable(err) {
			return err
		}
		if progressed {
			attempt = 0 // the connection worked: start the backoff over
		}
		delay := backoff(attempt, f.minDelay, f.maxDelay, rand.Int64N)
		attempt++
		if f.onRetry != nil {
			f.onRetry(err, delay)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// session connects once, asking for the messages after f.last, and reads
// until the connection ends. It reports whether any message arrived.
func (f *follower) session(ctx context.Context, u url.URL) (progressed bool, err error) {
	q := u.Query()
	q.Set("since", strconv.FormatInt(f.last, 10))
	u.RawQuery = q.Encode()
	c, _, err := websocket.Dial(ctx, u.String(), nil)
	if err != nil {
		return false, err
	}
	defer c.CloseNow()
	for {
		_, msg, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				c.Close(websocket.CloseNormal, "") // leaving: say goodbye
			}
			return progressed, err
		}
		seq, err := strconv.ParseInt(string(msg), 10, 64)
		if err != nil || seq != f.last+1 {
			c.Close(websocket.ClosePolicyViolation, "out of sequence")
			return progressed, fmt.Errorf("%w: got %q after %d", errOutOfSequence, msg, f.last)
		}
		f.last = seq
		progressed = true
		f.handle(seq)
	}
}

// retryable reports whether reconnecting may help after err.
func retryable(err error) bool {
	var re *websocket.ResponseError
	if errors.As(err, &re) {
		// The server refused the handshake: server errors, timeouts and
		// rate limits pass; the other refusals would be repeated.
		return re.StatusCode >= 500 || re.StatusCode == http.StatusRequestTimeout ||
			re.StatusCode == http.StatusTooManyRequests
	}
	if errors.Is(err, errOutOfSequence) {
		return false
	}
	switch websocket.CloseStatus(err) {
	case 0:
		return true // no close frame: the network failed or the server vanished
	case websocket.CloseGoingAway, websocket.CloseServiceRestart, websocket.CloseTryAgainLater,
		websocket.CloseInternalError, websocket.CloseBadGateway, websocket.CloseAbnormal:
		return true
	}
	return false // a normal close ends the feed; the others are final
}

// backoff returns how long to wait before retry number attempt (0 for
// the first): with d = min(maxDelay, minDelay·2^attempt), a duration in
// [d/2, d), half fixed and half random. The fixed half makes the wait
// grow; the random half ("jitter") spreads out clients that lost the
// server at the same moment, so they do not all come back at once.
// randN(n) returns a random int64 in [0, n).
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
