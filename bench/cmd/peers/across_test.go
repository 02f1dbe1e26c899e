package main

import (
	"strings"
	"testing"
)

// TestAcrossReport checks the report of several runs: each cell's counts
// of runs met, missed by the raw TCP echo and out of reach; the cells
// the echo missed in every run; and the frame reads run by run.
func TestAcrossReport(t *testing.T) {
	fast := cell{mode: roundTrip, conns: 1, size: 16}
	slow := cell{mode: pipelined, conns: 64, size: 1 << 20, text: true}
	slowTwin := cell{mode: pipelined, conns: 64, size: 1 << 20}.key()

	// Run a: the fast cell met by rate (the echo meets too); the slow
	// cell bound, wirefast 500 µs a message against gorilla's 700, and
	// the echo, at 600, over 0.8× of it.
	a := fakeResults()
	a.Echo["tcp/copy"][slowTwin] = fakeResult(110, 600)

	// Run b: the echo misses the fast cell (bound, at 11 µs against
	// gws's 10), wirefast meets it by rate; the slow cell out of reach,
	// every server over 560 µs a message in the kernel. No
	// micro-benchmarks.
	b := fakeResults()
	b.Echo["tcp/copy"][fast.key()] = fakeResultSys(23000, 11, 9)
	b.Echo["tcp/copy"][slowTwin] = fakeResultSys(110, 600, 590)
	b.Echo["wirefast/read-raw"][slow.key()] = fakeResultSys(100, 600, 590)
	b.Echo["gorilla/readmessage"][slow.key()] = fakeResultSys(100, 700, 600)
	b.Micro = nil

	got := acrossReport([]string{"run-a", "run-b"}, []*results{a, b})
	for _, want := range []string{
		"## Across 2 runs\n\nRuns: run-a, run-b.\n",
		"| " + fast.label() + " | 2 of 2 | 1 of 2 | 0 of 2 |\n",
		"| " + slow.label() + " | 1 of 2 | 2 of 2 | 1 of 2 |\n",
		"Missed by the raw TCP echo in every run: 1 of 2 cells (" + slow.label() + ").\n",
		"| read | run-a | run-b |\n",
		"| binary/1KiB | 1.60× (floor 2.00×) | – |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("acrossReport does not contain %q; it is:\n%s", want, got)
		}
	}
	// The compressed cell has no ceiling, so no row.
	if zipped := (cell{mode: roundTrip, conns: 64, size: 1024, text: true, compress: true}).label(); strings.Contains(got, "| "+zipped+" |") {
		t.Errorf("acrossReport has a row for the compressed cell %q:\n%s", zipped, got)
	}
}

// TestRunName checks that a run is named by its results file.
func TestRunName(t *testing.T) {
	if got := runName("results/2026-11-29-1551.json"); got != "2026-11-29-1551" {
		t.Errorf("runName = %q, want 2026-11-29-1551", got)
	}
}
