package main

import (
	"fmt"
	"strings"

	"github.com/wirefast/websocket/bench/echo"
	"github.com/wirefast/websocket/bench/echo/coderecho"
	"github.com/wirefast/websocket/bench/echo/gobwasecho"
	"github.com/wirefast/websocket/bench/echo/gorillaecho"
	"github.com/wirefast/websocket/bench/echo/gwsecho"
	"github.com/wirefast/websocket/bench/echo/tcpecho"
	"github.com/wirefast/websocket/bench/echo/wirefastecho"
	"github.com/wirefast/websocket/bench/echo/xnetecho"
	"github.com/wirefast/websocket/bench/internal/load"
)

// Library names with a role in the report.
const (
	ours    = "wirefast"
	ceiling = "tcp"
)

// servers are the echo servers in report order: the ceiling, ours, the
// peers.
var servers = []echo.Server{
	tcpecho.Server,
	wirefastecho.Server,
	gorillaecho.Server,
	gwsecho.Server,
	coderecho.Server,
	gobwasecho.Server,
	xnetecho.Server,
}

// variant is one mode of one library's echo server.
type variant struct {
	lib   string
	mode  string
	cmd   string
	proto string
	idle  bool
	// deflate reports whether the mode can serve with permessage-deflate
	// (echo.Mode.Deflate; the binary's -compress flag).
	deflate bool
}

func (v variant) String() string { return v.lib + "/" + v.mode }

// variants returns every mode of the servers whose library is in libs
// (all when libs is empty); the ceiling is always included.
func variants(libs []string) []variant {
	var vs []variant
	for _, s := range servers {
		if len(libs) > 0 && s.Name != ceiling && !contains(libs, s.Name) {
			continue
		}
		for _, m := range s.Modes {
			vs = append(vs, variant{lib: s.Name, mode: m.Name, cmd: s.Cmd, proto: s.Proto, idle: m.Idle, deflate: m.Deflate != nil})
		}
	}
	return vs
}

// libraries returns the libraries of vs in order, each once.
func libraries(vs []variant) []string {
	var libs []string
	for _, v := range vs {
		if !contains(libs, v.lib) {
			libs = append(libs, v.lib)
		}
	}
	return libs
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Load modes of a cell.
const (
	roundTrip = "rt"   // one message in flight per connection
	pipelined = "pipe" // a window of messages in flight
)

// cell is one point of the echo matrix.
type cell struct {
	mode  string // roundTrip or pipelined
	conns int
	size  int
	text  bool
	// compress runs the cell with permessage-deflate, without context
	// takeover, on the servers that can compress.
	compress bool
}

func (c cell) key() string {
	typ := "bin"
	if c.text {
		typ = "text"
	}
	k := fmt.Sprintf("%s/c%d/%s/%s", c.mode, c.conns, sizeName(c.size), typ)
	if c.compress {
		k += "/deflate"
	}
	return k
}

// label is the cell as the report's rows name it.
func (c cell) label() string {
	typ := "binary"
	if c.text {
		typ = "text"
	}
	l := fmt.Sprintf("%s c=%d %s %s", c.mode, c.conns, sizeName(c.size), typ)
	if c.compress {
		l += " deflate"
	}
	return l
}

// pinned reports whether the cell runs with server and load generator
// on one CPU: the c=1 round trips, whose latency cross-CPU wake-ups
// make bimodal on small virtual machines.
func (c cell) pinned() bool { return c.mode == roundTrip && c.conns == 1 }

// cells returns the matrix: modes × connections × sizes × types.
func cells(conns, sizes []int) []cell {
	var cs []cell
	for _, mode := range []string{roundTrip, pipelined} {
		for _, n := range conns {
			for _, size := range sizes {
				for _, text := range []bool{false, true} {
					cs = append(cs, cell{mode: mode, conns: n, size: size, text: text})
				}
			}
		}
	}
	return cs
}

// echoCells returns the echo cells o asks for: the uncompressed matrix
// (-plain) and the compressed cells (-compress); none with -only-idle.
func (o *options) echoCells() []cell {
	if o.onlyIdle {
		return nil
	}
	var cs []cell
	if o.plain {
		cs = cells(o.conns, o.sizes)
	}
	if o.compress {
		cs = append(cs, compressedCells(o.conns, o.compressSizes)...)
	}
	return cs
}

// compressedCells returns the compressed cells: round trips of text
// (compressible, JSON-like) for every connection count and size.
func compressedCells(conns, sizes []int) []cell {
	var cs []cell
	for _, n := range conns {
		for _, size := range sizes {
			cs = append(cs, cell{mode: roundTrip, conns: n, size: size, text: true, compress: true})
		}
	}
	return cs
}

// sizeName writes a byte count the way the report does: 16B, 1KiB, 1MiB.
func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// window returns the messages in flight per connection in cell c: 1 for
// a round trip; for pipelining, the -window flag, cut so that at most
// -inflight bytes are in flight per connection (at least one message).
// Without the cut, 64 connections × 16 × 1 MiB in flight push the
// kernel's TCP memory into pressure mode, which measures the kernel.
func (o *options) window(c cell) int {
	if c.mode == roundTrip {
		return 1
	}
	return max(1, min(o.window0, o.inflight/c.size))
}

// loadConfig is the load of cell c.
func (o *options) loadConfig(c cell) load.Config {
	return load.Config{
		Conns:    c.conns,
		Window:   o.window(c),
		Size:     c.size,
		Text:     c.text,
		Warmup:   o.warmup,
		Round:    o.round,
		Rounds:   o.rounds,
		Compress: c.compress,
	}
}

// parseList splits a comma-separated flag value.
func parseList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
