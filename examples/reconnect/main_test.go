package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket"
)

// testTimeout bounds every network step of a test.
const testTimeout = 30 * time.Second

// server is a feed server run by a test, which can stop it.
type server struct {
	cancel context.CancelFunc
	errc   chan error
}

// startFeed serves a fast feed on addr.
func startFeed(t *testing.T, addr string) (*server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{cancel: cancel, errc: make(chan error, 1)}
	go func() { s.errc <- serve(ctx, ln, &feed{interval: time.Millisecond}) }()
	t.Cleanup(func() { s.stop(t) })
	return s, ln.Addr().String()
}

// stop shuts the server down; later calls do nothing.
func (s *server) stop(t *testing.T) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	if err := <-s.errc; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// TestReconnect follows the feed, stops the server, checks that the
// client keeps retrying, restarts the server on the same address, and
// checks that the client resumes: one unbroken sequence across both.
func TestReconnect(t *testing.T) {
	s, addr := startFeed(t, "127.0.0.1:0")
	seqs := make(chan int64, 1000)
	retries := make(chan error, 100)
	f := &follower{
		url:      "ws://" + addr + "/feed",
		minDelay: 5 * time.Millisecond,
		maxDelay: 100 * time.Millisecond,
		handle:   func(seq int64) { seqs <- seq },
		onRetry: func(err error, _ time.Duration) {
			select {
			case retries <- err:
			default:
			}
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	runCtx, stopRun := context.WithCancel(ctx)
	runErr := make(chan error, 1)
	go func() { runErr <- f.run(runCtx) }()

	var got []int64
	readUntil := func(min int64) {
		t.Helper()
		for len(got) == 0 || got[len(got)-1] < min {
			select {
			case seq := <-seqs:
				got = append(got, seq)
			case <-ctx.Done():
				t.Fatalf("timed out with messages %v", got)
			}
		}
	}
	waitRetry := func() error {
		t.Helper()
		select {
		case err := <-retries:
			return err
		case <-ctx.Done():
			t.Fatal("timed out waiting for a retry")
			return nil
		}
	}

	readUntil(5)
	s.stop(t)
	// The server said it was restarting, then was not there at all: the
	// client retried through both.
	if err := waitRetry(); websocket.CloseStatus(err) != websocket.CloseServiceRestart {
		t.Errorf("first retry after %v, want after a close with %v", err, websocket.CloseServiceRestart)
	}
	if err := waitRetry(); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("second retry after %v, want after a refused connection", err)
	}

	_, addr2 := startFeed(t, addr)
	if addr2 != addr {
		t.Fatalf("restarted on %s, want %s", addr2, addr)
	}
	resumeAt := got[len(got)-1]
	readUntil(resumeAt + 5)
	stopRun()
	if err := <-runErr; !errors.Is(err, context.Canceled) {
		t.Errorf("run = %v, want context.Canceled", err)
	}
	for len(seqs) > 0 {
		got = append(got, <-seqs)
	}

	want := make([]int64, len(got))
	for i := range want {
		want[i] = int64(i + 1)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sequence across the restart (resumed after %d) is broken (-want +got):\n%s", resumeAt, diff)
	}
}

// TestGivesUp checks that errors that would repeat end run at once.
func TestGivesUp(t *testing.T) {
	_, addr := startFeed(t, "127.0.0.1:0")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		switch r.URL.Path {
		case "/done":
			c.Close(websocket.CloseNormal, "feed ended")
		case "/skip":
			c.Write(r.Context(), websocket.MessageText, []byte("7"))
			c.Read(r.Context()) // until the client closes
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: mux}
	go hs.Serve(ln)
	defer hs.Close()
	other := "ws://" + ln.Addr().String()

	tests := []struct {
		name string
		url  string
		want func(error) bool
	}{
		{"not found", "ws://" + addr + "/nope", func(err error) bool {
			var re *websocket.ResponseError
			return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
		}},
		{"normal close", other + "/done", func(err error) bool {
			return websocket.CloseStatus(err) == websocket.CloseNormal
		}},
		{"out of sequence", other + "/skip", func(err error) bool {
			return errors.Is(err, errOutOfSequence)
		}},
		{"bad scheme", "ftp://" + addr + "/feed", func(err error) bool { return err != nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			f := &follower{
				url:      tc.url,
				minDelay: time.Millisecond,
				maxDelay: time.Millisecond,
				handle:   func(int64) {},
				onRetry:  func(err error, _ time.Duration) { t.Errorf("retried after %v", err) },
			}
			if err := f.run(ctx); !tc.want(err) {
				t.Errorf("run = %v", err)
			}
		})
	}
}

func TestFeedBadSince(t *testing.T) {
	_, addr := startFeed(t, "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for _, since := range []string{"-1", "x", "1e3"} {
		_, _, err := websocket.Dial(ctx, "ws://"+addr+"/feed?since="+since, nil)
		var re *websocket.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest {
			t.Errorf("since=%s: Dial error %v, want a 400 ResponseError", since, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	const ms = time.Millisecond
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	tests := []struct {
		attempt       int
		minD, maxD    time.Duration
		wantLo, wantH time.Duration // backoff with randN at its lowest and highest
	}{
		{0, 100 * ms, 10000 * ms, 50 * ms, 100*ms - 1},
		{1, 100 * ms, 10000 * ms, 100 * ms, 200*ms - 1},
		{3, 100 * ms, 10000 * ms, 400 * ms, 800*ms - 1},
		{7, 100 * ms, 10000 * ms, 5000 * ms, 10000*ms - 1}, // capped
		{62, 100 * ms, 10000 * ms, 5000 * ms, 10000*ms - 1},
		{1000, 100 * ms, 10000 * ms, 5000 * ms, 10000*ms - 1}, // no overflow
		{0, 0, 10000 * ms, 0, 0},
		{0, 1, 1, 1, 1},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%d/%v/%v", tc.attempt, tc.minD, tc.maxD)
		t.Run(name, func(t *testing.T) {
			if got := backoff(tc.attempt, tc.minD, tc.maxD, low); got != tc.wantLo {
				t.Errorf("backoff(%d, %v, %v, low) = %v, want %v", tc.attempt, tc.minD, tc.maxD, got, tc.wantLo)
			}
			if got := backoff(tc.attempt, tc.minD, tc.maxD, high); got != tc.wantH {
				t.Errorf("backoff(%d, %v, %v, high) = %v, want %v", tc.attempt, tc.minD, tc.maxD, got, tc.wantH)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"network", io.ErrUnexpectedEOF, true},
		{"refused", syscall.ECONNREFUSED, true},
		{"503", &websocket.ResponseError{StatusCode: 503}, true},
		{"429", &websocket.ResponseError{StatusCode: 429}, true},
		{"404", &websocket.ResponseError{StatusCode: 404}, false},
		{"403", &websocket.ResponseError{StatusCode: 403}, false},
		{"going away", &websocket.CloseError{Code: websocket.CloseGoingAway}, true},
		{"service restart", &websocket.CloseError{Code: websocket.CloseServiceRestart}, true},
		{"try again later", &websocket.CloseError{Code: websocket.CloseTryAgainLater}, true},
		{"internal error", &websocket.CloseError{Code: websocket.CloseInternalError}, true},
		{"normal", &websocket.CloseError{Code: websocket.CloseNormal}, false},
		{"policy", &websocket.CloseError{Code: websocket.ClosePolicyViolation}, false},
		{"too big", &websocket.CloseError{Code: websocket.CloseMessageTooBig}, false},
		{"out of sequence", fmt.Errorf("%w: x", errOutOfSequence), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryable(tc.err); got != tc.want {
				t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
