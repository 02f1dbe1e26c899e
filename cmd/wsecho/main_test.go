package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket"
)

// mainEnv makes the test binary run main instead of the tests, so that
// TestSignal can run wsecho as a process of its own.
const mainEnv = "WSECHO_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// testTimeout bounds every network step of a test.
const testTimeout = 30 * time.Second

// modes are the ways wsecho serves: net/http or a raw listener, echoing
// whole messages, streams, or in receive mode.
var modes = []struct {
	name                 string
	raw, stream, receive bool
}{
	{"http", false, false, false},
	{"raw", true, false, false},
	{"http-stream", false, true, false},
	{"raw-stream", true, true, false},
	{"http-receive", false, false, true},
	{"raw-receive", true, false, true},
}

// startServer serves echo on a loopback port until the test ends and
// returns its address and a func that shuts it down and returns serve's
// error.
func startServer(t *testing.T, cfg config) (addr string, shutdown func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- newServer(&cfg, io.Discard).serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	shutdown = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-errc
		})
		return serveErr
	}
	t.Cleanup(func() {
		if err := shutdown(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String(), shutdown
}

func dial(t *testing.T, url string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.ReadLimit = -1
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// randomBytes returns n bytes from a fixed seed: any bytes will do, and
// the same ones in every run.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{'w', 's', 'e', 'c', 'h', 'o'}).Read(b)
	return b
}

func TestEcho(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name string
		typ  websocket.MessageType
		msg  []byte
	}{
		{"empty text", websocket.MessageText, []byte{}},
		{"empty binary", websocket.MessageBinary, []byte{}},
		{"text", websocket.MessageText, []byte("hello")},
		{"utf8 text", websocket.MessageText, []byte("héllo, 世界 🌍")},
		{"binary 125", websocket.MessageBinary, randomBytes(125)},
		{"binary 126", websocket.MessageBinary, randomBytes(126)},
		{"binary 65535", websocket.MessageBinary, randomBytes(65535)},
		{"binary 65536", websocket.MessageBinary, randomBytes(65536)},
		{"text 1MiB", websocket.MessageText, bytes.Repeat([]byte("wirefast "), mib/9)},
		{"binary 16MiB", websocket.MessageBinary, randomBytes(16 * mib)},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			addr, _ := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive, readLimit: defaultReadLimit})
			c := dial(t, "ws://"+addr+"/", nil)
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			var buf []byte
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					// Write while reading: a streaming echo answers
					// before the message is all in.
					errc := make(chan error, 1)
					go func() { errc <- c.Write(ctx, tc.typ, tc.msg) }()
					var typ websocket.MessageType
					var err error
					typ, buf, err = c.ReadInto(ctx, buf)
					if err != nil {
						t.Fatalf("Read: %v", err)
					}
					if err := <-errc; err != nil {
						t.Fatalf("Write: %v", err)
					}
					if typ != tc.typ || !bytes.Equal(buf, tc.msg) {
						t.Fatalf("echo of a %d-byte %v message = %d-byte %v message", len(tc.msg), tc.typ, len(buf), typ)
					}
				})
			}
			if err := c.Close(websocket.CloseNormal, ""); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestEchoStreamed sends a message as many frames of random sizes and
// reads the echo as a stream, as Autobahn's section 9 cases do.
func TestEchoStreamed(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			addr, _ := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive, readLimit: defaultReadLimit})
			c := dial(t, "ws://"+addr+"/", nil)
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			msg := randomBytes(8 << 20)
			sizes := rand.New(rand.NewPCG(1, 2)) // fixed: the same frames every run
			errc := make(chan error, 1)
			go func() {
				w, err := c.Writer(ctx, websocket.MessageBinary)
				if err != nil {
					errc <- err
					return
				}
				for p := msg; len(p) > 0; {
					n := min(len(p), 1000+sizes.IntN(70000))
					if _, err := w.Write(p[:n]); err != nil {
						errc <- err
						return
					}
					p = p[n:]
				}
				errc <- w.Close()
			}()
			typ, r, err := c.Reader(ctx)
			if err != nil {
				t.Fatalf("Reader: %v", err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("reading the echo: %v", err)
			}
			if err := <-errc; err != nil {
				t.Fatalf("writing: %v", err)
			}
			if typ != websocket.MessageBinary || !bytes.Equal(got, msg) {
				t.Fatalf("echo of %d bytes = %d-byte %v message, not the same bytes", len(msg), len(got), typ)
			}
		})
	}
}

// TestEchoPipelined sends many messages before reading any echo.
func TestEchoPipelined(t *testing.T) {
	const n = 500
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			addr, _ := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive, readLimit: defaultReadLimit})
			c := dial(t, "ws://"+addr+"/", nil)
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				for i := range n {
					if err := c.Write(ctx, websocket.MessageText, []byte(strings.Repeat("x", i))); err != nil {
						errc <- err
						return
					}
				}
				errc <- nil
			}()
			for i := range n {
				_, msg, err := c.Read(ctx)
				if err != nil {
					t.Fatalf("Read %d: %v", i, err)
				}
				if len(msg) != i {
					t.Fatalf("echo %d has %d bytes, want %d", i, len(msg), i)
				}
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPeerViolations checks that the echo server closes with the code
// RFC 6455 gives each violation.
func TestPeerViolations(t *testing.T) {
	tests := []struct {
		name      string
		readLimit int64
		frames    [][]byte // text fragments, the last one final
		want      websocket.CloseCode
	}{
		{"over the read limit", 1024, [][]byte{make([]byte, 2048)}, websocket.CloseMessageTooBig},
		{"invalid utf8", defaultReadLimit, [][]byte{[]byte("ok \xff")}, websocket.CloseInvalidPayload},
		// A streaming echo sends the first fragment back before the
		// second one fails.
		{"invalid utf8 in a later fragment", defaultReadLimit, [][]byte{bytes.Repeat([]byte("a"), 40000), []byte("\xc0\xaf")}, websocket.CloseInvalidPayload},
	}
	for _, mode := range modes {
		for _, tc := range tests {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				addr, _ := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive, readLimit: tc.readLimit})
				c := dial(t, "ws://"+addr+"/", nil)
				ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
				defer cancel()
				go func() {
					// Our client does not check outgoing text, which lets it
					// send invalid UTF-8. The write may fail once the
					// server has closed; the read below is what counts.
					w, err := c.Writer(ctx, websocket.MessageText)
					if err != nil {
						return
					}
					for _, f := range tc.frames {
						if _, err := w.Write(f); err != nil {
							return
						}
					}
					w.Close()
				}()
				var err error
				for err == nil {
					_, _, err = c.Read(ctx)
				}
				if got := websocket.CloseStatus(err); got != tc.want {
					t.Fatalf("Read error = %v, want a close with %v", err, tc.want)
				}
			})
		}
	}
}

func TestHandshake(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			addr, _ := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive})
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()

			// Any Origin is accepted: wsecho is a test server.
			c, resp, err := websocket.Dial(ctx, "ws://"+addr+"/?agent=x", &websocket.DialOptions{
				Header: http.Header{"Origin": {"https://elsewhere.example"}},
			})
			if err != nil {
				t.Fatalf("cross-origin Dial: %v", err)
			}
			if got := resp.Header.Get("Server"); got != serverName {
				t.Errorf("Server header = %q, want %q", got, serverName)
			}
			if err := c.Close(websocket.CloseNormal, ""); err != nil {
				t.Errorf("Close: %v", err)
			}

			// Only / is served.
			_, _, err = websocket.Dial(ctx, "ws://"+addr+"/other", nil)
			var re *websocket.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
				t.Errorf("Dial /other: error %v, want a 404 ResponseError", err)
			}
		})
	}
}

// TestShutdown checks that canceling serve's context closes open
// connections with 1001 and that serve then returns without error.
func TestShutdown(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			addr, shutdown := startServer(t, config{raw: mode.raw, stream: mode.stream, receive: mode.receive})
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			conns := []*websocket.Conn{dial(t, "ws://"+addr+"/", nil), dial(t, "ws://"+addr+"/", nil)}
			for _, c := range conns {
				// Echo once so the server is surely serving c.
				if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
					t.Fatal(err)
				}
				if _, _, err := c.Read(ctx); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			go func() { done <- shutdown() }()
			for i, c := range conns {
				_, _, err := c.Read(ctx)
				if got := websocket.CloseStatus(err); got != websocket.CloseGoingAway {
					t.Errorf("conn %d: Read error = %v, want a close with %v", i, err, websocket.CloseGoingAway)
				}
			}
			if err := <-done; err != nil {
				t.Fatalf("serve: %v", err)
			}
			if _, _, err := websocket.Dial(ctx, "ws://"+addr+"/", nil); err == nil {
				t.Fatal("Dial after shutdown succeeded")
			}
		})
	}
}

// TestSignal runs wsecho as a process and stops it with SIGTERM.
func TestSignal(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			args := []string{"-addr", "127.0.0.1:0", "-compress", "-v"}
			if mode.raw {
				args = append(args, "-raw")
			}
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], args...)
			cmd.Env = append(os.Environ(), mainEnv+"=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			url, ok := strings.CutPrefix(strings.TrimSpace(line), "wsecho: listening on ")
			if err != nil || !ok {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("first line of output = %q, %v; stderr:\n%s", line, err, stderr.Bytes())
			}

			c := dial(t, url, &websocket.DialOptions{ConnOptions: websocket.ConnOptions{
				Compression: &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover},
			}})
			if err := c.Write(ctx, websocket.MessageBinary, []byte{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
			if _, msg, err := c.Read(ctx); err != nil || !bytes.Equal(msg, []byte{1, 2, 3}) {
				t.Fatalf("echo = %v, %v", msg, err)
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Read(ctx)
			if got := websocket.CloseStatus(err); got != websocket.CloseGoingAway {
				t.Errorf("Read after SIGTERM: %v, want a close with %v", err, websocket.CloseGoingAway)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("wsecho exited with %v; stderr:\n%s", err, stderr.Bytes())
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want *config
	}{
		{"defaults", nil, &config{addr: "127.0.0.1:9001", readLimit: defaultReadLimit, agent: "wirefast"}},
		{"all", []string{"-addr", ":9100", "-raw", "-read-limit", "0", "-compress", "-v"},
			&config{addr: ":9100", raw: true, readLimit: 0, compress: true, verbose: true, agent: "wirefast"}},
		{"receive", []string{"-receive", "-raw"}, &config{addr: "127.0.0.1:9001", raw: true, receive: true, readLimit: defaultReadLimit, agent: "wirefast"}},
		{"autobahn client", []string{"-autobahn-client", "ws://127.0.0.1:9002", "-agent", "me", "-shutdown"},
			&config{addr: "127.0.0.1:9001", readLimit: defaultReadLimit, autobahnURL: "ws://127.0.0.1:9002", agent: "me", shutdown: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(config{})); diff != "" {
				t.Errorf("parseFlags(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"-h"}, 0},
		{"unknown flag", []string{"-nope"}, 2},
		{"extra argument", []string{"extra"}, 2},
		{"stream and receive", []string{"-stream", "-receive"}, 2},
		{"cannot listen", []string{"-addr", "127.0.0.1:-1"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(context.Background(), tc.args, io.Discard, io.Discard); got != tc.want {
				t.Errorf("run(%q) = %d, want %d", tc.args, got, tc.want)
			}
		})
	}
}
