package websocket_test

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

// idleConns is how many connections BenchmarkIdleConn holds. The clients
// live in a child process so this process needs one descriptor per
// connection, under the 20 000 open files allowed here.
const idleConns = 10000

// idleClientEnv, when set to "addr,n,echo,deflate", makes the test binary
// act as the client side of BenchmarkIdleConn instead of running tests;
// deflate is one of idleDeflate's keys, or empty.
const idleClientEnv = "WIREFAST_IDLE_CLIENTS"

// idleServerEnv, when set to "path,echo,deflate", makes the test binary
// act as the server side of one BenchmarkIdleConn measurement: it serves
// the connections, prints what they hold and exits. Each measurement gets
// a fresh process because the runtime keeps every goroutine descriptor it
// made (about 490 bytes of heap each) for reuse: in a process that served
// connections before, goroutines come free and a measurement would
// under-count by up to 1 KiB per connection.
const idleServerEnv = "WIREFAST_IDLE_SERVER"

// BenchmarkIdleConn measures the memory a server holds per idle
// connection: heap and goroutine stacks, from runtime.MemStats, with one
// goroutine per connection blocked in Read as an echo server has. The
// "echoed" variants measure after one 16-byte echo on every connection.
// The "deflate-*" variants (AcceptConn, as "raw") negotiate
// permessage-deflate and measure after one compressed message each way
// (a 256-byte JSON-like text, compressed by the client and by the
// server): "deflate-takeover" with context takeover at the server's
// default window (12 bits, both directions), "deflate-notakeover"
// without, and "deflate-notakeover-receive" without, in Receive mode
// (as "raw-receive"). Each measurement runs in a server process of its
// own (idleServerEnv), the clients in another.
func BenchmarkIdleConn(b *testing.B) {
	type variant struct{ path, state, deflate string }
	var variants []variant
	for _, path := range []string{"raw", "raw-receive", "net-http"} {
		variants = append(variants, variant{path, "idle", ""}, variant{path, "echoed", ""})
	}
	variants = append(variants,
		variant{"raw", "echoed", "takeover"},
		variant{"raw", "echoed", "notakeover"},
		variant{"raw-receive", "echoed", "notakeover"})
	for _, v := range variants {
		name := v.path + "/" + v.state
		switch {
		case v.deflate != "" && v.path == "raw-receive":
			name = "deflate-" + v.deflate + "-receive/" + v.state
		case v.deflate != "":
			name = "deflate-" + v.deflate + "/" + v.state
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				heap, stack := measureIdle(b, v.path, v.state == "echoed", v.deflate)
				b.ReportMetric(heap+stack, "B/conn")
				b.ReportMetric(heap, "heap-B/conn")
				b.ReportMetric(stack, "stack-B/conn")
			}
		})
	}
}

// idleDeflate are the compressed variants of BenchmarkIdleConn: the
// server's options and the client's offer.
var idleDeflate = map[string]struct {
	opts  *websocket.CompressionOptions
	offer string
}{
	// A browser's offer: the server limits the client's window to its
	// default 12 bits and keeps both windows.
	"takeover": {&websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover},
		"permessage-deflate; client_max_window_bits"},
	"notakeover": {&websocket.CompressionOptions{Mode: websocket.CompressionNoContextTakeover},
		"permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
}

// idleDeflateMessage is the message each compressed idle connection
// exchanges: above both modes' default compression thresholds.
var idleDeflateMessage = jsonMessages(256, 1)[0]

// measureIdle returns the heap and stack bytes per connection a fresh
// server process holds once idleConns connections on path are idle;
// deflate names an idleDeflate variant, or is empty.
func measureIdle(b *testing.B, path string, echoed bool, deflate string) (heap, stack float64) {
	server := exec.Command(os.Args[0], "-test.run=^$")
	server.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%v,%s", idleServerEnv, path, echoed, deflate))
	server.Stderr = os.Stderr
	out, err := server.Output()
	if err != nil {
		b.Fatalf("server process: %v", err)
	}
	if _, err := fmt.Sscanf(string(out), "idle heap=%g stack=%g", &heap, &stack); err != nil {
		b.Fatalf("server process printed %q: %v", out, err)
	}
	return heap, stack
}

// runIdleServer is the server process of one BenchmarkIdleConn
// measurement (see idleServerEnv).
func runIdleServer(spec string) {
	parts := strings.Split(spec, ",")
	heap, stack, err := serveIdle(parts[0], parts[1] == "true", parts[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "idle server:", err)
		os.Exit(1)
	}
	fmt.Printf("idle heap=%g stack=%g\n", heap, stack)
	os.Exit(0)
}

// serveIdle serves idleConns connections on path, opened by a client
// process, and returns the heap and stack bytes per connection once they
// are idle.
func serveIdle(path string, echoed bool, deflate string) (heap, stack float64, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	var failed atomic.Pointer[error] // the first handshake that failed
	fail := func(err error) { failed.CompareAndSwap(nil, &err) }
	defer ln.Close()
	var ready sync.WaitGroup
	ready.Add(idleConns)
	// A preallocated slice keeps the harness's own cost out of the figure.
	conns := make([]*websocket.Conn, idleConns)
	var nconns atomic.Int32
	keep := func(c *websocket.Conn) { conns[nconns.Add(1)-1] = c }
	// handle serves c as an echo server does: a goroutine blocked in Read.
	handle := func(c *websocket.Conn) {
		keep(c)
		ready.Done()
		var buf []byte
		for {
			typ, msg, err := c.ReadInto(context.Background(), buf)
			if err != nil {
				return
			}
			if c.Write(context.Background(), typ, msg) != nil {
				return
			}
			buf = msg
		}
	}
	if path == "raw-receive" {
		handle = func(c *websocket.Conn) {
			keep(c)
			ready.Done()
			c.Receive(func(typ websocket.MessageType, msg []byte) {
				c.Write(context.Background(), typ, msg)
			}, nil)
		}
	}
	var opts *websocket.AcceptOptions
	if deflate != "" {
		opts = &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{Compression: idleDeflate[deflate].opts}}
	}
	var serve func()
	switch path {
	case "raw", "raw-receive":
		serve = func() {
			for {
				nc, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					c, err := websocket.AcceptConn(context.Background(), nc, opts)
					if err != nil {
						fail(err)
						ready.Done()
						return
					}
					handle(c)
				}()
			}
		}
	default:
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, opts)
			if err != nil {
				fail(err)
				ready.Done()
				return
			}
			handle(c)
		})}
		serve = func() { srv.Serve(ln) }
	}

	heapBefore, stackBefore := memInUse()
	go serve()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%v,%s", idleClientEnv, ln.Addr(), idleConns, echoed, deflate))
	child.Stderr = os.Stderr
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		return 0, 0, err
	}
	defer child.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		return 0, 0, fmt.Errorf("client process: %q, %v", line, err)
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond) // let every handler block in Read
	heapAfter, stackAfter := memInUse()
	for _, c := range conns[:nconns.Load()] {
		c.CloseNow()
	}
	if p := failed.Load(); p != nil {
		return 0, 0, *p
	}
	return float64(int64(heapAfter)-int64(heapBefore)) / idleConns, float64(int64(stackAfter)-int64(stackBefore)) / idleConns, nil
}

// memInUse returns heap and stack bytes in use after a full collection.
func memInUse() (heap, stack uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, ms.StackInuse
}

// runIdleClients is the child process of BenchmarkIdleConn: it opens n
// WebSocket connections to addr with raw handshakes (offering
// permessage-deflate for a compressed variant), optionally echoes one
// message on each (compressed for a compressed variant), reports "ready"
// and holds them until stdin closes.
func runIdleClients(spec string) {
	parts := strings.Split(spec, ",")
	addr := parts[0]
	n, _ := strconv.Atoi(parts[1])
	echoed := parts[2] == "true"
	compressed := len(parts) > 3 && parts[3] != ""
	ext := ""
	if compressed {
		ext = "Sec-WebSocket-Extensions: " + idleDeflate[parts[3]].offer + "\r\n"
	}
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + ext + "\r\n"
	frame := []byte{0x82, 0x90, 1, 2, 3, 4}
	frame = append(frame, make([]byte, 16)...)
	if compressed {
		frame = idleDeflateFrame()
	}
	fail := func(what string, err error) {
		fmt.Fprintln(os.Stderr, "idle client "+what+":", err)
		os.Exit(1)
	}
	var opened atomic.Int32
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					fail("dial", err)
				}
				io.WriteString(nc, req)
				br := bufio.NewReader(nc)
				resp, err := http.ReadResponse(br, nil)
				if err != nil || resp.StatusCode != 101 {
					fail("handshake", fmt.Errorf("%v, %v", resp, err))
				}
				if compressed && !strings.HasPrefix(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
					fail("handshake", fmt.Errorf("permessage-deflate declined: %q", resp.Header.Get("Sec-WebSocket-Extensions")))
				}
				if echoed {
					nc.Write(frame)
					if compressed {
						err = readDeflateEcho(br)
					} else {
						_, err = io.ReadFull(br, make([]byte, 18))
					}
					if err != nil {
						fail("echo", err)
					}
				}
				conns[i] = nc
				opened.Add(1)
			}
		})
	}
	wg.Wait()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// idleDeflateFrame returns idleDeflateMessage as a masked, compressed
// text frame (RSV1 set; RFC 7692, Section 7.2.1: DEFLATE, sync flush,
// its 4-byte tail removed), compressed with compress/flate.
func idleDeflateFrame() []byte {
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestSpeed)
	fw.Write(idleDeflateMessage)
	fw.Flush()
	payload := bytes.TrimSuffix(z.Bytes(), []byte{0, 0, 0xff, 0xff})
	frame := []byte{0xC1}
	if len(payload) < 126 {
		frame = append(frame, 0x80|byte(len(payload)))
	} else {
		frame = append(frame, 0x80|126, byte(len(payload)>>8), byte(len(payload)))
	}
	key := [4]byte{1, 2, 3, 4}
	frame = append(frame, key[:]...)
	for i, c := range payload {
		frame = append(frame, c^key[i&3])
	}
	return frame
}

// readDeflateEcho reads the server's echo of idleDeflateFrame, one
// unmasked compressed text frame, and checks it inflates to
// idleDeflateMessage.
func readDeflateEcho(br *bufio.Reader) error {
	var h [4]byte
	if _, err := io.ReadFull(br, h[:2]); err != nil {
		return err
	}
	if h[0] != 0xC1 {
		return fmt.Errorf("echo first byte %#x, want 0xc1 (FIN, RSV1, text)", h[0])
	}
	n := int(h[1] & 0x7F)
	if n == 126 {
		if _, err := io.ReadFull(br, h[2:4]); err != nil {
			return err
		}
		n = int(h[2])<<8 | int(h[3])
	} else if n == 127 {
		return errors.New("echo longer than 64 KiB")
	}
	payload := make([]byte, n, n+9)
	if _, err := io.ReadFull(br, payload); err != nil {
		return err
	}
	payload = append(payload, 0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff)
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(payload)))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, idleDeflateMessage) {
		return fmt.Errorf("echo inflates to %d bytes that differ from the %d sent", len(got), len(idleDeflateMessage))
	}
	return nil
}
