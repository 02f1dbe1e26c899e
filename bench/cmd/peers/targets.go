package main

import (
	"fmt"
	"strings"
)

// verdict says whether cell c meets the echo target: ≥ 1.2× the best
// peer's msgs/s, or, where the raw TCP echo shows the cell bound by the
// client or the kernel (see kernelBound), a server CPU per message ≥ 20 %
// below the leanest peer's. A miss is "out of reach" where no server
// could meet it (see outOfReach), and "the TCP echo misses too" where
// the ceiling itself, which does no WebSocket work, does not meet it
// (see ceilingMisses).
func (r *results) verdict(c cellInfo) string {
	_, o := r.best(ours, c.Key)
	_, bp := r.bestPeer(c.Key)
	_, cpu := r.leanestPeerCPU(c.Key)
	switch {
	case !o.ok() || !bp.ok():
		return "–"
	case o.MsgsPerSec >= 1.2*bp.MsgsPerSec:
		return "met (msgs/s)"
	case r.kernelBound(c, bp) && o.ServerCPU > 0 && o.ServerCPU <= 0.8*cpu:
		return "met (CPU)"
	case r.outOfReach(c, bp, cpu):
		return verdictOutOfReach
	case r.ceilingMisses(c, bp, cpu):
		return verdictCeilingMisses
	}
	return "no"
}

// The verdicts of a missed cell that say why no library could meet it.
const (
	verdictOutOfReach    = "no (out of reach)"
	verdictCeilingMisses = "no (the TCP echo misses too)"
)

// ceilingMisses reports whether the raw TCP echo misses cell c's target
// itself, in each of its modes: under 1.2× the best peer's msgs/s bp,
// and, where that makes the cell bound, over 0.8× the leanest peer's CPU
// per message cpu. The echo does the system calls of an echo server and
// nothing else, no framing, masking or validation, so a library missing
// such a cell misses a target that its ceiling misses as well.
func (r *results) ceilingMisses(c cellInfo, bp *echoResult, cpu float64) bool {
	modes := r.ceilingModes(c)
	if len(modes) == 0 {
		return false
	}
	bound := r.kernelBound(c, bp)
	for _, m := range modes {
		e := m.result
		if e.MsgsPerSec >= 1.2*bp.MsgsPerSec || bound && e.ServerCPU > 0 && e.ServerCPU <= 0.8*cpu {
			return false
		}
	}
	return true
}

// outOfReach reports whether cell c's target is beyond any server that
// does the kernel work the servers measured do: the cell is bound (so
// the rate cannot reach 1.2× the best peer bp), and the least time in
// the kernel per message of any server there (see kernelFloor) is more
// than 0.8× the leanest peer's whole CPU per message, cpu, so that even
// a server spending nothing in user space would not be 20 % leaner.
func (r *results) outOfReach(c cellInfo, bp *echoResult, cpu float64) bool {
	floor := r.kernelFloor(c)
	return r.kernelBound(c, bp) && floor > 0 && floor > 0.8*cpu
}

// kernelFloor returns the least server CPU time in the kernel per
// message that any server spent in cell c, in any of its modes, the raw
// TCP echo included; 0 when none recorded it.
func (r *results) kernelFloor(c cellInfo) float64 {
	floor := 0.0
	for _, v := range r.Variants {
		if e := r.Echo[v][c.Key]; e.ok() && e.ServerSys > 0 && (floor == 0 || e.ServerSys < floor) {
			floor = e.ServerSys
		}
	}
	return floor
}

// kernelBound reports whether the raw TCP echo shows cell c bound by the
// client or the kernel: the echo, which does no framing at all, runs at
// less than 1.2× the best peer's msgs/s bp, so no library could. A cell
// without a ceiling (the compressed ones) is not.
func (r *results) kernelBound(c cellInfo, bp *echoResult) bool {
	ce := r.ceilingOf(c)
	return ce.ok() && ce.MsgsPerSec < 1.2*bp.MsgsPerSec
}

// echoCellsTarget is the targets' line for the echo cells.
func (r *results) echoCellsTarget() string {
	met, total := 0, 0
	var missed, unreachable, ceilingMissed []string
	for _, c := range r.Cells {
		v := r.verdict(c)
		switch {
		case v == "–":
			continue
		case strings.HasPrefix(v, "met"):
			met++
		case v == verdictOutOfReach:
			unreachable = append(unreachable, c.Label)
		case v == verdictCeilingMisses:
			ceilingMissed = append(ceilingMissed, c.Label)
		default:
			missed = append(missed, c.Label)
		}
		total++
	}
	line := fmt.Sprintf("- Echo cells (≥ 1.2× best peer msgs/s, or ≥ 20 %% less server CPU where the raw TCP echo runs under 1.2× the best peer): met in %d of %d cells.", met, total)
	if len(unreachable) > 0 {
		line += fmt.Sprintf(" Out of reach (the raw TCP echo under 1.2× the best peer, and the least kernel time of any server per message over 0.8× the leanest peer's whole CPU): %s.", strings.Join(unreachable, "; "))
	}
	if len(ceilingMissed) > 0 {
		line += fmt.Sprintf(" Missed where the raw TCP echo, which does no WebSocket work, misses the target too (under 1.2× the best peer's msgs/s, and where that makes the cell bound, over 0.8× the leanest peer's CPU, in each of its modes): %s.", strings.Join(ceilingMissed, "; "))
	}
	if len(missed) > 0 {
		line += fmt.Sprintf(" Missed where the raw TCP echo meets the target: %s.", strings.Join(missed, "; "))
	}
	return line + "\n"
}

// smallTarget is the targets' line for the 16 B cells: wirefast's
// msgs/s over the raw TCP echo's. Where the echo ran in several modes,
// the ratio is to each, named, the fastest (the ceiling) first, so that
// the line shows what the event loop's ceiling asks beyond a goroutine
// per connection's.
func (r *results) smallTarget() string {
	var small []string
	for _, c := range r.Cells {
		if c.Size != 16 {
			continue
		}
		_, o := r.best(ours, c.Key)
		modes := r.ceilingModes(c)
		if !o.ok() || len(modes) == 0 {
			continue
		}
		if len(modes) == 1 {
			small = append(small, fmt.Sprintf("%s %s", c.Label, ratio(o.MsgsPerSec/modes[0].result.MsgsPerSec)))
			continue
		}
		ratios := make([]string, len(modes))
		for i, m := range modes {
			ratios[i] = fmt.Sprintf("%s of %s", ratio(o.MsgsPerSec/m.result.MsgsPerSec), modeOf(m.variant))
		}
		small = append(small, fmt.Sprintf("%s %s", c.Label, strings.Join(ratios, ", ")))
	}
	if len(small) == 0 {
		return ""
	}
	return fmt.Sprintf("- 16 B messages, ≥ 0.9× the raw TCP echo: %s.\n", strings.Join(small, "; "))
}

// targets lists the targets and whether this run meets them.
func (r *results) targets(h string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Targets\n\n", h)
	if len(r.Cells) > 0 {
		b.WriteString(r.echoCellsTarget())
	}
	b.WriteString(r.smallTarget())
	if len(r.Micro) > 0 {
		var reads []string
		for _, c := range readCases {
			o, api, ok := r.fastestRead(oursReads, c)
			p, _, okPeer := r.fastestRead(peerReads, c)
			if !ok || !okPeer {
				continue
			}
			best := p.MBs
			read := fmt.Sprintf("%s %s (%s), %s allocs/op", c, ratio(o.MBs/best), api, num(o.Allocs))
			if floor, ok := r.micro("BenchmarkReadFrame/floor/" + c); ok {
				read += fmt.Sprintf(" (the copy alone: %s", ratio(floor.MBs/best))
				if fu, ok := r.micro("BenchmarkReadFrame/floor-unmask/" + c); ok {
					read += fmt.Sprintf("; copy and unmask: %s", ratio(fu.MBs/best))
				}
				read += ")"
			}
			reads = append(reads, read)
		}
		if len(reads) > 0 {
			fmt.Fprintf(&b, "- Frame read from memory, ≥ 1.5× the fastest peer with 0 allocs/op: %s.\n", strings.Join(reads, "; "))
		}
		var masks []string
		for _, s := range maskSizes() {
			w, ok1 := r.micro("BenchmarkMask/wirefast/" + s)
			g, ok2 := r.micro("BenchmarkMask/gobwas/" + s)
			if ok1 && ok2 {
				masks = append(masks, fmt.Sprintf("%s %s", s, ratio(w.MBs/g.MBs)))
			}
		}
		fmt.Fprintf(&b, "- Mask ≥ the fastest peer's at every size (÷ gobwas): %s", strings.Join(masks, ", "))
		w, ok1 := r.micro("BenchmarkMask/wirefast/16KiB")
		c, ok2 := r.micro("BenchmarkMask/copy/16KiB")
		if ok1 && ok2 {
			fmt.Fprintf(&b, "; ≥ 0.9× copy() at 16 KiB: %s", ratio(w.MBs/c.MBs))
		}
		b.WriteString(".\n")
	}
	b.WriteString(r.idleTargetLine())
	if len(r.Cells) > 0 {
		b.WriteString(r.compressionTarget())
	}
	b.WriteString(r.idleDeflateTargetLine())
	return b.String()
}
