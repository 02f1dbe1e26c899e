package websocket_test

import (
	"bufio"
	"context"
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

// idleClientEnv, when set to "addr,n,echo", makes the test binary act as
// the client side of BenchmarkIdleConn instead of running tests.
const idleClientEnv = "WIREFAST_IDLE_CLIENTS"

// BenchmarkIdleConn measures the memory a server holds per idle
// connection: heap and goroutine stacks, from runtime.MemStats, with one
// goroutine per connection blocked in Read as an echo server has. The
// "echoed" variants measure after one 16-byte echo on every connection.
func BenchmarkIdleConn(b *testing.B) {
	for _, path := range []string{"raw", "raw-receive", "net-http"} {
		for _, echoed := range []bool{false, true} {
			name := path + "/idle"
			if echoed {
				name = path + "/echoed"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					heap, stack := measureIdle(b, path, echoed)
					b.ReportMetric(heap+stack, "B/conn")
					b.ReportMetric(heap, "heap-B/conn")
					b.ReportMetric(stack, "stack-B/conn")
				}
			})
		}
	}
}

// measureIdle serves idleConns connections on path and returns the heap
// and stack bytes per connection once they are idle.
func measureIdle(b *testing.B, path string, echoed bool) (heap, stack float64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
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
					c, err := websocket.AcceptConn(context.Background(), nc, nil)
					if err != nil {
						b.Error(err)
						ready.Done()
						return
					}
					handle(c)
				}()
			}
		}
	default:
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				b.Error(err)
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
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%v", idleClientEnv, ln.Addr(), idleConns, echoed))
	child.Stderr = os.Stderr
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer child.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		b.Fatalf("client process: %q, %v", line, err)
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond) // let every handler block in Read
	heapAfter, stackAfter := memInUse()
	for _, c := range conns[:nconns.Load()] {
		c.CloseNow()
	}
	return float64(int64(heapAfter)-int64(heapBefore)) / idleConns, float64(int64(stackAfter)-int64(stackBefore)) / idleConns
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
// WebSocket connections to addr with raw handshakes, optionally echoes one
// message on each, reports "ready" and holds them until stdin closes.
func runIdleClients(spec string) {
	parts := strings.Split(spec, ",")
	addr := parts[0]
	n, _ := strconv.Atoi(parts[1])
	echoed := parts[2] == "true"
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	frame := []byte{0x82, 0x90, 1, 2, 3, 4}
	frame = append(frame, make([]byte, 16)...)
	var opened atomic.Int32
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					fmt.Fprintln(os.Stderr, "idle client:", err)
					os.Exit(1)
				}
				io.WriteString(nc, req)
				br := bufio.NewReader(nc)
				resp, err := http.ReadResponse(br, nil)
				if err != nil || resp.StatusCode != 101 {
					fmt.Fprintln(os.Stderr, "idle client handshake:", resp, err)
					os.Exit(1)
				}
				if echoed {
					nc.Write(frame)
					if _, err := io.ReadFull(br, make([]byte, 18)); err != nil {
						fmt.Fprintln(os.Stderr, "idle client echo:", err)
						os.Exit(1)
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
