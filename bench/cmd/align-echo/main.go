// Command align-echo is a raw TCP echo that answers each message of -size
// bytes with writev of a 4-byte "header" and the rest as a "payload" the
// caller placed at -offset bytes into its own page-aligned buffer, with
// one write of the whole message (-write), or with two writes (-split N):
// the header and the payload's first bytes copied, N bytes in all, then
// the rest of the payload from its buffer. It isolates what the alignment
// of a writev's second buffer, or a second write, costs the kernel, the
// measurements behind wirefast's one contiguous write per frame and its
// large frames written from the caller's slice (docs/performance.md).
// Drive it with the load generator:
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
	split := flag.Int("split", 0, "answer with one write of the header and the payload's first bytes, copied, -split bytes in all, then one write of the rest of the payload from its buffer")
	flag.Parse()
	if *size <= headerSize || *offset < 0 || *offset >= 4096 {
		log.Fatalf("align-echo: -size must exceed %d and -offset be in [0, 4096)", headerSize)
	}
	if *split != 0 && (*split <= headerSize || *split >= *size) {
		log.Fatalf("align-echo: -split must be in (%d, -size)", headerSize)
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
		head := make([]byte, *split)
		for {
			if _, err := io.ReadFull(nc, msg); err != nil {
				return
			}
			switch {
			case *whole:
				_, err = nc.Write(msg)
			case *split > 0:
				copy(payload, msg[headerSize:])
				copy(head, msg) // header and the payload's first bytes
				if _, err = nc.Write(head); err == nil {
					_, err = nc.Write(payload[*split-headerSize:])
				}
			default:
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
