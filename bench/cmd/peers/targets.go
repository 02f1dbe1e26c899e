package main

import (
	"fmt"
	"math"
	"strings"
)

// verdict says whether cell c meets the echo target: ≥ 1.2× the best
// peer's msgs/s, or a server CPU per message ≥ 20 % below the leanest
// peer's.
func (r *results) verdict(c cellInfo) string {
	_, o := r.best(ours, c.Key)
	_, bp := r.bestPeer(c.Key)
	_, cpu := r.leanestPeerCPU(c.Key)
	switch {
	case !o.ok() || !bp.ok():
		return "–"
	case o.MsgsPerSec >= 1.2*bp.MsgsPerSec:
		return "met (msgs/s)"
	case o.ServerCPU > 0 && o.ServerCPU <= 0.8*cpu:
		return "met (CPU)"
	}
	return "no"
}

// targets lists the targets and whether this run meets them.
func (r *results) targets(h string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Targets\n\n", h)
	met, total := 0, 0
	var missed []string
	for _, c := range r.Cells {
		v := r.verdict(c)
		if v == "–" {
			continue
		}
		total++
		if strings.HasPrefix(v, "met") {
			met++
		} else {
			missed = append(missed, c.Label)
		}
	}
	fmt.Fprintf(&b, "- Echo cells (≥ 1.2× best peer msgs/s, or ≥ 20 %% less server CPU): met in %d of %d cells.", met, total)
	if len(missed) > 0 {
		fmt.Fprintf(&b, " Missed: %s.", strings.Join(missed, "; "))
	}
	b.WriteString("\n")
	var small []string
	for _, c := range r.Cells {
		if c.Size != 16 {
			continue
		}
		_, o := r.best(ours, c.Key)
		if ce := r.ceilingOf(c); o.ok() && ce.ok() {
			small = append(small, fmt.Sprintf("%s %s", c.Label, ratio(o.MsgsPerSec/ce.MsgsPerSec)))
		}
	}
	if len(small) > 0 {
		fmt.Fprintf(&b, "- 16 B messages, ≥ 0.9× the raw TCP echo: %s.\n", strings.Join(small, "; "))
	}
	if len(r.Micro) > 0 {
		var reads []string
		for _, c := range []string{"binary/1KiB", "binary/16KiB", "text/1KiB", "text/16KiB"} {
			o, ok := r.micro("BenchmarkReadFrame/wirefast/" + c)
			if !ok {
				continue
			}
			best := 0.0
			for _, l := range []string{"gorilla", "gws", "coder", "gobwas", "xnet"} {
				if m, ok := r.micro("BenchmarkReadFrame/" + l + "/" + c); ok {
					best = math.Max(best, m.MBs)
				}
			}
			reads = append(reads, fmt.Sprintf("%s %s, %s allocs/op", c, ratio(o.MBs/best), num(o.Allocs)))
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
	if idle, echoed, ok := r.idleRatios(); ok {
		verdict := "met"
		if idle > 0.5 || echoed > 0.5 {
			verdict = "not met"
		}
		fmt.Fprintf(&b, "- Idle memory ≤ ½ of the leanest peer (wirefast's leanest mode ÷ the leanest peer's): %s idle, %s after one echo: %s.\n",
			ratio(idle), ratio(echoed), verdict)
	}
	b.WriteString(r.compressionTarget())
	return b.String()
}
