// Command align-echo is a raw TCP echo that answers each message of -size
// bytes with writev of a 4-byte "header" and the rest as a "payload" the
// caller placed at -offset bytes into its own page-aligned buffer, or with
// one write of the whole message (-write). It isolates what the alignment
// of a writev's second buffer costs the kernel's copy, the measurement
// behind wirefast's one contiguous write per frame (docs/performance.md,
// "One contiguous write per frame"). Drive it with the load generator:
//
//	align-echo -offset 0 &   # prints "listening ADDR"
//	loadgen -proto tcp -addr ADDR -size 16388 -pid PID
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"

	"github.com/wirefast/websocket/bench/echo"
)

// headerSize is the length of the first buffer of each writev: a
// WebSocket header of a 16 KiB frame.
const headerSize = 4

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	size := flag.Int("size", 16388, "bytes per message, header included")
	offset := flag.Int("offset", 0, "where the payload starts in its buffer, in bytes [0, 4096)")
	whole := flag.Bool("write", false, "answer with one write of the whole message instead of writev")
	flag.Parse()
	if *size <= headerSize || *offset < 0 || *offset >= 4096 {
		log.Fatalf("align-echo: -size must exceed %d and -offset be in [0, 4096)", headerSize)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	log.Fatal(echo.AcceptLoop(ln, func(nc net.Conn) {
		defer nc.Close()
		msg := make([]byte, *size)
		// Large allocations start on a page; the payload starts offset
		// bytes into one.
		payload := make([]byte, 4096+*size)[*offset:][:*size-headerSize]
		for {
			if _, err := io.ReadFull(nc, msg); err != nil {
				return
			}
			if *whole {
				_, err = nc.Write(msg)
			} else {
				copy(payload, msg[headerSize:])
				bufs := net.Buffers{msg[:headerSize], payload}
				_, err = bufs.WriteTo(nc)
			}
			if err != nil {
				return
			}
		}
	}))
}
