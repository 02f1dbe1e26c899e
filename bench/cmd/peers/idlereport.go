package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/wirefast/websocket/bench/internal/load"
)

// Idle-memory targets, on wirefast's leanest mode ÷ the leanest peer's
// KiB per connection.
const (
	// idleTarget bounds the uncompressed ratios, idle and after one echo.
	idleTarget = 0.5
	// deflateIdleTarget bounds the compressed ratio after one echo.
	deflateIdleTarget = 1.0 / 6
)

// idleGCNote explains the idle tables' GC columns.
const idleGCNote = "Each server in a fresh process. The GC columns read VmRSS again after a forced collection that returns freed memory to the system (debug.FreeOSMemory in the server, on SIGUSR1): what the connections keep, without the garbage of their handshakes."

// idleRatios returns wirefast's leanest mode's KiB per connection in rs
// over the leanest peer's, idle and after one echo, and whether both
// were measured.
func idleRatios(rs []idleResult) (idle, echoed float64, ok bool) {
	leanIdle, leanEcho := math.Inf(1), math.Inf(1)
	oursIdle, oursEcho := math.Inf(1), math.Inf(1)
	for _, ir := range rs {
		if ir.Err != "" {
			continue
		}
		i, e := ir.IdleKiB()
		switch libOf(ir.Variant) {
		case ours:
			oursIdle, oursEcho = math.Min(oursIdle, i), math.Min(oursEcho, e)
		case ceiling:
		default:
			leanIdle, leanEcho = math.Min(leanIdle, i), math.Min(leanEcho, e)
		}
	}
	if math.IsInf(oursIdle, 0) || math.IsInf(leanIdle, 0) {
		return 0, 0, false
	}
	return oursIdle / leanIdle, oursEcho / leanEcho, true
}

// idleKiBTable shows rs as KiB per connection: idle and after one echo,
// before and after a forced collection.
func idleKiBTable(rs []idleResult) string {
	t := newTable("server", "mode", "idle", "after one echo", "idle, GC", "after one echo, GC")
	for _, ir := range rs {
		lib := libOf(ir.Variant)
		if ir.Err != "" {
			t.add(lib, modeOf(ir.Variant), "error", "error", "error", "error")
			continue
		}
		idle, echoed := ir.IdleKiB()
		idleGC, echoedGC := ir.IdleKiBGC()
		t.add(lib, modeOf(ir.Variant), num(idle), num(echoed), num(idleGC), num(echoedGC))
	}
	return t.String()
}

// idleTable shows the uncompressed idle measurement.
func (r *results) idleTable(h string) string {
	if len(r.Idle) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Idle memory, KiB per connection\n\n", h)
	fmt.Fprintf(&b, "Server VmRSS with %d idle loopback connections (client in another process), minus VmRSS before them; then after one 16-byte echo on each. %s The targets use the plain figures.\n\n", r.Idle[0].Conns, idleGCNote)
	b.WriteString(idleKiBTable(r.Idle))
	if idle, echoed, ok := idleRatios(r.Idle); ok {
		fmt.Fprintf(&b, "\nwirefast's leanest mode ÷ the leanest peer: %s idle, %s after one echo (target ≤ %g×).\n",
			ratio(idle), ratio(echoed), idleTarget)
	}
	return b.String()
}

// idleDeflateTable shows the idle measurement with permessage-deflate.
func (r *results) idleDeflateTable(h string) string {
	if len(r.IdleDeflate) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Idle memory with permessage-deflate, KiB per connection\n\n", h)
	fmt.Fprintf(&b, "Server VmRSS with %d idle loopback connections that negotiated permessage-deflate without context takeover "+
		"(the load generator offers `client_no_context_takeover; server_no_context_takeover`; each server runs its `-compress` "+
		"variant, in the modes that can compress), minus VmRSS before them; then after one echo on each of a compressed %s text "+
		"message (the JSON-like text of the compressed cells), whose echo must come back compressed and inflate to the message "+
		"sent. %s The target uses the figure after one echo, before the collection.\n\n",
		r.IdleDeflate[0].Conns, sizeName(load.IdleDeflateSize), idleGCNote)
	b.WriteString(idleKiBTable(r.IdleDeflate))
	if idle, echoed, ok := idleRatios(r.IdleDeflate); ok {
		fmt.Fprintf(&b, "\nwirefast's leanest mode ÷ the leanest peer: %s idle, %s after one echo (target ≤ 1/6, %s, after one echo).\n",
			ratio(idle), ratio(echoed), ratio(deflateIdleTarget))
	}
	return b.String()
}

// idleTargetLine is the targets' line for the uncompressed idle memory,
// empty when it was not measured.
func (r *results) idleTargetLine() string {
	idle, echoed, ok := idleRatios(r.Idle)
	if !ok {
		return ""
	}
	return fmt.Sprintf("- Idle memory ≤ ½ of the leanest peer (wirefast's leanest mode ÷ the leanest peer's): %s idle, %s after one echo: %s.\n",
		ratio(idle), ratio(echoed), metOrNot(idle <= idleTarget && echoed <= idleTarget))
}

// idleDeflateTargetLine is the targets' line for the memory per
// compressed connection.
func (r *results) idleDeflateTargetLine() string {
	const target = "- Memory per compressed connection ≤ 1/6 of the leanest peer's, after one echo (wirefast's leanest mode ÷ the leanest peer's)"
	if len(r.IdleDeflate) == 0 {
		return target + ": not measured in this run (`-compress`, with `-idle-conns` above 0).\n"
	}
	idle, echoed, ok := idleRatios(r.IdleDeflate)
	if !ok {
		return target + ": – (no figure for wirefast or for any peer).\n"
	}
	return fmt.Sprintf("%s: %s after one echo (%s idle): %s.\n", target, ratio(echoed), ratio(idle), metOrNot(echoed <= deflateIdleTarget))
}

// metOrNot is a target's verdict.
func metOrNot(met bool) string {
	if met {
		return "met"
	}
	return "not met"
}
