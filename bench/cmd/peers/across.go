package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// cellRecord is how one cell fared against the echo target in one run.
type cellRecord struct {
	met           bool // wirefast met the target
	ceilingMissed bool // the raw TCP echo missed it too, in each of its modes (ceilingMisses)
	outOfReach    bool // no server making the measured system calls could meet it (outOfReach)
}

// record returns how cell c fared in r, and false when the run has no
// verdict for it (a library missing, or no raw TCP echo: the compressed
// cells).
func (r *results) record(c cellInfo) (cellRecord, bool) {
	_, bp := r.bestPeer(c.Key)
	_, cpu := r.leanestPeerCPU(c.Key)
	v := r.verdict(c)
	if v == "–" || len(r.ceilingModes(c)) == 0 {
		return cellRecord{}, false
	}
	return cellRecord{
		met:           strings.HasPrefix(v, "met"),
		ceilingMissed: r.ceilingMisses(c, bp, cpu),
		outOfReach:    r.outOfReach(c, bp, cpu),
	}, true
}

// tally counts a cell's records over several runs.
type tally struct {
	label                                string
	runs, met, ceilingMissed, outOfReach int
}

// acrossReport is the report of several runs side by side (peers
// -across): for each echo cell with a ceiling, in how many runs wirefast
// met the target, the raw TCP echo missed it and it was out of reach;
// the cells whose ceiling missed in every run; and the frame reads'
// ratios to the fastest peer in each run, with the copy-and-unmask
// floor's. names label the runs, in order.
func acrossReport(names []string, runs []*results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Across %d runs\n\nRuns: %s.\n\n", len(runs), strings.Join(names, ", "))
	b.WriteString("### Echo cells\n\n")
	b.WriteString("In how many runs wirefast met the echo target; the raw TCP echo, which makes an echo server's system calls and does no WebSocket work, missed it too (in each of its modes); and the cell was out of reach (the least kernel time of any server per message over 0.8× the leanest peer's whole CPU).\n\n")
	var order []string
	tallies := map[string]*tally{}
	for _, r := range runs {
		for _, c := range r.Cells {
			rec, ok := r.record(c)
			if !ok {
				continue
			}
			t := tallies[c.Key]
			if t == nil {
				t = &tally{label: c.Label}
				tallies[c.Key] = t
				order = append(order, c.Key)
			}
			t.runs++
			t.met += b2i(rec.met)
			t.ceilingMissed += b2i(rec.ceilingMissed)
			t.outOfReach += b2i(rec.outOfReach)
		}
	}
	tb := newTable("cell", "wirefast met", "the TCP echo missed", "out of reach")
	var always []string
	for _, k := range order {
		t := tallies[k]
		of := func(n int) string { return fmt.Sprintf("%d of %d", n, t.runs) }
		tb.add(t.label, of(t.met), of(t.ceilingMissed), of(t.outOfReach))
		if t.ceilingMissed == len(runs) { // a cell counts once a run
			always = append(always, t.label)
		}
	}
	b.WriteString(tb.String())
	fmt.Fprintf(&b, "\nMissed by the raw TCP echo in every run: %d of %d cells", len(always), len(order))
	if len(always) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(always, "; "))
	}
	b.WriteString(".\n")
	b.WriteString(acrossReads(names, runs))
	return b.String()
}

// acrossReads is acrossReport's table of the frame reads: in each run,
// wirefast's fastest read and the copy-and-unmask floor, each ÷ the
// fastest peer's read.
func acrossReads(names []string, runs []*results) string {
	head := append([]string{"read"}, names...)
	tb := newTable(head...)
	rows := 0
	for _, c := range readCases {
		row := []string{c}
		measured := false
		for _, r := range runs {
			o, _, ok := r.fastestRead(oursReads, c)
			p, _, okPeer := r.fastestRead(peerReads, c)
			if !ok || !okPeer {
				row = append(row, "–")
				continue
			}
			cellText := ratio(o.MBs / p.MBs)
			if fu, ok := r.micro("BenchmarkReadFrame/floor-unmask/" + c); ok {
				cellText += fmt.Sprintf(" (floor %s)", ratio(fu.MBs/p.MBs))
			}
			row = append(row, cellText)
			measured = true
		}
		if measured {
			tb.add(row...)
			rows++
		}
	}
	if rows == 0 {
		return ""
	}
	return "\n### Frame read from memory\n\nwirefast's fastest read ÷ the fastest peer's, and in brackets the floor's: the copy of each frame out of the connection and one unmasking pass, with nothing else (BenchmarkReadFrame/floor-unmask).\n\n" + tb.String()
}

// runName names a run by its results file: 2026-11-29-1551.
func runName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".json")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
