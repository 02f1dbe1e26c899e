package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket"
)

// testTimeout bounds every network step of a test.
const testTimeout = 30 * time.Second

// startChat serves h on a loopback port and returns the server's base
// URL and a func that shuts it down.
func startChat(t *testing.T, h *hub) (base string, shutdown func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ln, h) }()
	var once sync.Once
	shutdown = func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(shutdown)
	return "http://" + ln.Addr().String(), shutdown
}

// join connects a member and reads its welcome, after which the member
// surely gets every message broadcast.
func join(ctx context.Context, t *testing.T, base string) (*websocket.Conn, string) {
	t.Helper()
	c, _, err := websocket.Dial(ctx, base+"/chat", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	_, welcome, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading the welcome: %v", err)
	}
	return c, string(welcome)
}

func TestBroadcast(t *testing.T) {
	base, _ := startChat(t, newHub())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	const n = 3
	var members []*websocket.Conn
	for i := range n {
		c, welcome := join(ctx, t, base)
		if want := fmt.Sprintf("welcome: %d online", i+1); welcome != want {
			t.Errorf("member %d: welcome %q, want %q", i, welcome, want)
		}
		members = append(members, c)
	}

	// Everyone speaks at once.
	var wg sync.WaitGroup
	for i, c := range members {
		wg.Go(func() {
			if err := c.Write(ctx, websocket.MessageText, fmt.Appendf(nil, "hello from %d", i)); err != nil {
				t.Errorf("member %d: Write: %v", i, err)
			}
		})
	}
	wg.Wait()

	// Everyone hears everyone, in the same order.
	heard := make([][]string, n)
	for i, c := range members {
		for range n {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("member %d: Read: %v", i, err)
			}
			if typ != websocket.MessageText {
				t.Errorf("member %d: got a %v message", i, typ)
			}
			heard[i] = append(heard[i], string(msg))
		}
	}
	for i := 1; i < n; i++ {
		if diff := cmp.Diff(heard[0], heard[i]); diff != "" {
			t.Errorf("members 0 and %d heard different orders (-0 +%d):\n%s", i, i, diff)
		}
	}
	got := slices.Sorted(slices.Values(heard[0]))
	want := []string{"hello from 0", "hello from 1", "hello from 2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages heard (-want +got):\n%s", diff)
	}
	for _, c := range members {
		if err := c.Close(websocket.CloseNormal, ""); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

// chatLine is the i-th message of TestSlowMemberIsDropped: numbered, and
// at the size limit so that the slow member's TCP buffers fill quickly.
func chatLine(i int) []byte {
	prefix := fmt.Sprintf("%08d ", i)
	return []byte(prefix + strings.Repeat("x", maxMessageSize-len(prefix)))
}

// TestSlowMemberIsDropped checks that a member that stops reading is
// dropped with 1013 once its queue is full, and that meanwhile the others
// get every message without waiting for it.
func TestSlowMemberIsDropped(t *testing.T) {
	// maxLines bounds the test: the slow member's queue, plus what the
	// kernel buffers for it, must overflow long before. Loopback buffers
	// take a few MiB: about a thousand lines.
	const maxLines = 50000
	h := newHub()
	h.queueLen = 4
	dropped := make(chan struct{})
	h.onDrop = func() { close(dropped) } // called once: only one member is slow
	base, _ := startChat(t, h)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	slow, _ := join(ctx, t, base)
	fast, _ := join(ctx, t, base)

	// The fast member speaks and reads its own lines, in lockstep, so
	// its queue never holds more than one, while the slow one reads
	// nothing.
	sent := 0
	for ; sent < maxLines; sent++ {
		select {
		case <-dropped:
		default:
			line := chatLine(sent)
			if err := fast.Write(ctx, websocket.MessageText, line); err != nil {
				t.Fatalf("fast member: Write %d: %v", sent, err)
			}
			_, msg, err := fast.Read(ctx)
			if err != nil {
				t.Fatalf("fast member: Read %d: %v", sent, err)
			}
			if string(msg) != string(line) {
				t.Fatalf("fast member: got line %.8s, want %d", msg, sent)
			}
			continue
		}
		break
	}
	if sent == maxLines {
		t.Fatalf("slow member not dropped after %d lines", maxLines)
	}
	t.Logf("slow member dropped after %d lines", sent)

	// The slow member, reading at last, finds a prefix of the lines, then
	// the close.
	var err error
	var got int
	for ; ; got++ {
		var msg []byte
		if _, msg, err = slow.Read(ctx); err != nil {
			break
		}
		if string(msg) != string(chatLine(got)) {
			t.Fatalf("slow member: got line %.8s, want %d", msg, got)
		}
	}
	if code := websocket.CloseStatus(err); code != websocket.CloseTryAgainLater {
		t.Fatalf("slow member: Read error %v, want a close with %v", err, websocket.CloseTryAgainLater)
	}
	if got >= sent {
		t.Errorf("slow member got all %d lines, yet was dropped", sent)
	}

	// The room goes on without it.
	if err := fast.Write(ctx, websocket.MessageText, []byte("still here")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := fast.Read(ctx); err != nil || string(msg) != "still here" {
		t.Fatalf("fast member after the drop: %q, %v", msg, err)
	}
}

func TestMessageTooBig(t *testing.T) {
	base, _ := startChat(t, newHub())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, _ := join(ctx, t, base)
	if err := c.Write(ctx, websocket.MessageText, make([]byte, maxMessageSize+1)); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Read(ctx)
	if code := websocket.CloseStatus(err); code != websocket.CloseMessageTooBig {
		t.Fatalf("Read error %v, want a close with %v", err, websocket.CloseMessageTooBig)
	}
}

func TestShutdown(t *testing.T) {
	base, shutdown := startChat(t, newHub())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, _ := join(ctx, t, base)
	done := make(chan struct{})
	go func() {
		defer close(done)
		shutdown()
	}()
	_, _, err := c.Read(ctx)
	if code := websocket.CloseStatus(err); code != websocket.CloseGoingAway {
		t.Errorf("Read during shutdown: %v, want a close with %v", err, websocket.CloseGoingAway)
	}
	<-done
}

func TestPageAndOrigin(t *testing.T) {
	base, _ := startChat(t, newHub())
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `"/chat"`) {
		t.Errorf("GET / = %d, %d bytes, %v; want the page", resp.StatusCode, len(page), err)
	}

	// The page's own origin may connect; another site's may not.
	c, _, err := websocket.Dial(ctx, base+"/chat", &websocket.DialOptions{Header: http.Header{"Origin": {base}}})
	if err != nil {
		t.Errorf("same-origin Dial: %v", err)
	} else {
		c.Close(websocket.CloseNormal, "")
	}
	_, _, err = websocket.Dial(ctx, base+"/chat", &websocket.DialOptions{Header: http.Header{"Origin": {"https://evil.example"}}})
	var re *websocket.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin Dial: %v, want a 403 ResponseError", err)
	}
}
