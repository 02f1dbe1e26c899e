package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/bench/internal/load"
)

// fakeResult is a load result of msgs messages per 1 s round, with the
// server spending cpu µs per message, its time in the kernel not
// recorded (as in runs before 29 November 2026).
func fakeResult(msgs int64, cpu float64) *echoResult {
	return fakeResultSys(msgs, cpu, 0)
}

// fakeResultSys is fakeResult with sys of the cpu µs per message spent
// in the kernel.
func fakeResultSys(msgs int64, cpu, sys float64) *echoResult {
	r := &load.Result{P50: 10, P99: 20, Samples: 3}
	for range 3 {
		r.Rounds = append(r.Rounds, load.Round{Msgs: msgs, Seconds: 1,
			ServerCPU: cpu * float64(msgs) / 1e6, ServerSys: sys * float64(msgs) / 1e6})
	}
	return newEchoResult(r, nil)
}

// infoOf is what a run records of cell c, but the window and pinning.
func infoOf(c cell) cellInfo {
	return cellInfo{Key: c.key(), Label: c.label(), Mode: c.mode, Conns: c.conns, Size: c.size, Text: c.text, Compress: c.compress}
}

func fakeResults() *results {
	o := &options{window0: 16, inflight: 2 << 20, pinCPU: 1}
	res := &results{
		Started:  time.Date(2025, 11, 25, 23, 50, 0, 0, time.UTC),
		Machine:  machineInfo{CPUs: 2, LoadStart: "15.0 14.0 13.0"},
		LoadEnd:  "15.0 14.0 13.0",
		Pinned:   1,
		Window:   16,
		Inflight: 2 << 20,
		Rounds:   3,
		Versions: map[string]string{"wirefast": "local", "gorilla": "v1.5.3", "gws": "v1.8.9"},
		Echo:     map[string]map[string]*echoResult{},
	}
	vs := variants([]string{"wirefast", "gorilla", "gws"})
	res.Libs = libraries(vs)
	for _, v := range vs {
		res.Variants = append(res.Variants, v.String())
		res.Echo[v.String()] = map[string]*echoResult{}
	}
	fast := cell{mode: roundTrip, conns: 1, size: 16}
	slow := cell{mode: pipelined, conns: 64, size: 1 << 20, text: true}
	zipped := cell{mode: roundTrip, conns: 64, size: 1024, text: true, compress: true}
	for _, c := range []cell{fast, slow, zipped} {
		info := infoOf(c)
		info.Window, info.Pinned = o.window(c), c.pinned()
		res.Cells = append(res.Cells, info)
	}
	res.Echo["tcp/copy"][fast.key()] = fakeResultSys(30000, 5, 4)
	res.Echo["wirefast/read-raw"][fast.key()] = fakeResultSys(25000, 8, 6)
	res.Echo["wirefast/receive-raw"][fast.key()] = fakeResultSys(27000, 7, 5)
	res.Echo["gorilla/nextreader"][fast.key()] = fakeResultSys(20000, 12, 9)
	res.Echo["gorilla/readmessage"][fast.key()] = fakeResultSys(21000, 11, 9)
	res.Echo["gws/event"][fast.key()] = fakeResultSys(22000, 10, 8)
	// The slow cell: wirefast no faster, but leaner; gws failed.
	res.Echo["wirefast/read-raw"][slow.key()] = fakeResult(100, 500)
	res.Echo["gorilla/readmessage"][slow.key()] = fakeResult(100, 700)
	res.Echo["gws/event"][slow.key()] = newEchoResult(nil, errString("connection reset"))
	// The raw TCP echo of its binary twin is no faster: the cell is bound.
	res.Echo["tcp/copy"][cell{mode: pipelined, conns: 64, size: 1 << 20}.key()] = fakeResult(110, 300)
	// The compressed cell: no ceiling; wirefast and gorilla compress.
	for _, e := range []struct {
		v         string
		msgs      int64
		cpu       float64
		sent, got int
	}{{"wirefast/read-raw", 9000, 60, 430, 420}, {"gorilla/nextreader", 6000, 90, 430, 440}, {"gws/event", 5000, 95, 430, 445}} {
		r := fakeResult(e.msgs, e.cpu)
		r.Result.SentWire, r.Result.EchoWire = e.sent, e.got
		res.Echo[e.v][zipped.key()] = r
	}
	res.Idle = []idleResult{
		fakeIdle("wirefast/receive-raw", 2, 3, 1, 1.5),
		fakeIdle("gorilla/nextreader", 17, 20, 16, 18),
	}
	res.IdleDeflate = []idleResult{
		fakeIdle("wirefast/receive-raw", 2, 4, 1.5, 2),
		fakeIdle("gorilla/nextreader", 25, 40, 20, 30),
		{Variant: "gws/event", Conns: fakeIdleConns, Err: "server died"},
	}
	res.Micro = []microResult{
		{Name: "BenchmarkMask/wirefast/16KiB", MBs: 60000},
		{Name: "BenchmarkMask/gobwas/16KiB", MBs: 30000},
		{Name: "BenchmarkMask/copy/16KiB", MBs: 50000},
		{Name: "BenchmarkCompress/wirefast/1KiB", MBs: 50},
		{Name: "BenchmarkCompress/wirefast-w15/1KiB", MBs: 55},
		{Name: "BenchmarkCompress/flate/1KiB", MBs: 25},
		{Name: "BenchmarkCompress/klauspost/1KiB", MBs: 40},
		{Name: "BenchmarkReadFrame/wirefast/binary/1KiB", MBs: 12000},
		{Name: "BenchmarkReadFrame/wirefast-receive/binary/1KiB", MBs: 16000},
		{Name: "BenchmarkReadFrame/gorilla/binary/1KiB", MBs: 8000},
		{Name: "BenchmarkReadFrame/gws/binary/1KiB", MBs: 10000},
		{Name: "BenchmarkReadFrame/floor/binary/1KiB", MBs: 30000},
		{Name: "BenchmarkReadFrame/floor-unmask/binary/1KiB", MBs: 20000},
	}
	return res
}

// TestVerdict checks that the lower server CPU meets the echo target
// only in a cell the raw TCP echo shows bound, and never in a compressed
// cell, which has no ceiling.
func TestVerdict(t *testing.T) {
	leaner := cell{mode: pipelined, conns: 64, size: 1 << 20, text: true} // wirefast 500 µs, gorilla 700
	twin := cell{mode: pipelined, conns: 64, size: 1 << 20}.key()
	for _, tc := range []struct {
		name string
		tcp  *echoResult // the ceiling of the cell, nil for none
		want string
	}{
		{"bound", fakeResult(110, 300), "met (CPU)"}, // 110 < 1.2 × 100
		{"not bound", fakeResult(130, 300), "no"},    // the echo ran 1.3× faster
		{"no ceiling", nil, "no"},                    // nothing shows the cell bound
		{"ceiling failed", newEchoResult(nil, errString("x")), "no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fakeResults()
			delete(res.Echo["tcp/copy"], twin)
			if tc.tcp != nil {
				res.Echo["tcp/copy"][twin] = tc.tcp
			}
			for _, c := range res.Cells {
				if c.Key == leaner.key() {
					if got := res.verdict(c); got != tc.want {
						t.Errorf("verdict = %q, want %q", got, tc.want)
					}
					return
				}
			}
			t.Fatal("no such cell")
		})
	}
	// The compressed cell, with wirefast made 1.1× gorilla's msgs/s at
	// 0.6× its CPU, misses: it has no ceiling.
	res := fakeResults()
	compressed := 0
	for _, c := range res.Cells {
		if c.Compress {
			compressed++
			res.Echo["wirefast/read-raw"][c.Key] = fakeResult(6600, 50)
			if got := res.verdict(c); got != "no" {
				t.Errorf("compressed cell at 1.1× and 0.6× the CPU: verdict = %q, want no", got)
			}
		}
	}
	if compressed == 0 {
		t.Fatal("the fake results have no compressed cell")
	}
}

// TestVerdictOutOfReach checks when a missed cell is called out of
// reach: only where the cell is bound and even the least kernel time of
// any server is over 0.8× the leanest peer's whole CPU.
func TestVerdictOutOfReach(t *testing.T) {
	c := cell{mode: roundTrip, conns: 64, size: 16} // binary: its own ceiling
	for _, tc := range []struct {
		name      string
		tcp       *echoResult
		ours      *echoResult
		peer      *echoResult // gorilla, the only peer
		want      string
		wantFloor float64
	}{
		// gorilla 10 µs; the TCP echo's 8.5 µs in the kernel is the least.
		{"kernel over 0.8×", fakeResultSys(1000, 10, 8.5), fakeResultSys(1000, 10.5, 9), fakeResultSys(1000, 10, 9), "no (out of reach)", 8.5},
		// Under 0.8× the kernel floor leaves room, but the TCP echo, at
		// gorilla's CPU, misses the target itself.
		{"kernel under 0.8×", fakeResultSys(1000, 10, 7.9), fakeResultSys(1000, 10.5, 9), fakeResultSys(1000, 10, 9), verdictCeilingMisses, 7.9},
		{"ours in the kernel least", fakeResultSys(1000, 10, 9), fakeResultSys(1000, 10.5, 7), fakeResultSys(1000, 10, 9), verdictCeilingMisses, 7},
		{"not bound", fakeResultSys(1300, 10, 9), fakeResultSys(1000, 10.5, 9), fakeResultSys(1000, 10, 9), "no", 9},
		{"not recorded", fakeResult(1000, 10), fakeResult(1000, 10.5), fakeResult(1000, 10), verdictCeilingMisses, 0},
		{"met all the same", fakeResultSys(1000, 10, 9), fakeResultSys(1000, 7.9, 7.5), fakeResultSys(1000, 10, 9), "met (CPU)", 7.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fakeResults()
			res.Echo["tcp/copy"][c.key()] = tc.tcp
			res.Echo["wirefast/read-raw"][c.key()] = tc.ours
			res.Echo["gorilla/nextreader"][c.key()] = tc.peer
			info := infoOf(c)
			if got := res.verdict(info); got != tc.want {
				t.Errorf("verdict = %q, want %q", got, tc.want)
			}
			if got := res.kernelFloor(info); math.Abs(got-tc.wantFloor) > 1e-9 {
				t.Errorf("kernelFloor = %v, want %v", got, tc.wantFloor)
			}
		})
	}
}

// TestVerdictCeilingMisses checks when a missed cell is said to be
// missed by the raw TCP echo too: only when each of the echo's modes
// misses the target, by the same rule as the libraries, and never for a
// cell without a ceiling.
func TestVerdictCeilingMisses(t *testing.T) {
	c := cell{mode: pipelined, conns: 64, size: 16}
	for _, tc := range []struct {
		name       string
		copy, poll *echoResult // the raw TCP echo's two modes; nil: not run
		want       string
	}{
		// gobwas-like peer: 1000 msgs/s at 10 µs; wirefast 1000 at 10.5.
		{"both modes miss", fakeResult(1100, 9), fakeResult(1150, 8.5), verdictCeilingMisses},
		{"the faster mode meets on rate", fakeResult(1100, 9), fakeResult(1250, 9), "no"},
		{"the slower mode meets on CPU", fakeResult(1150, 7.9), fakeResult(1100, 9), "no"},
		{"one mode, missing", fakeResult(1000, 10), nil, verdictCeilingMisses},
		{"one mode, meeting on CPU", fakeResult(1000, 7), nil, "no"},
		{"no ceiling", nil, nil, "no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fakeResults()
			for _, v := range []string{"tcp/copy", "tcp/epoll"} {
				if res.Echo[v] == nil {
					res.Variants = append(res.Variants, v)
					res.Echo[v] = map[string]*echoResult{}
				}
			}
			if tc.copy != nil {
				res.Echo["tcp/copy"][c.key()] = tc.copy
			}
			if tc.poll != nil {
				res.Echo["tcp/epoll"][c.key()] = tc.poll
			}
			res.Echo["wirefast/read-raw"][c.key()] = fakeResult(1000, 10.5)
			res.Echo["gorilla/nextreader"][c.key()] = fakeResult(1000, 10)
			info := infoOf(c)
			if got := res.verdict(info); got != tc.want {
				t.Errorf("verdict = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEchoCellsTarget checks that the targets' line sorts the missed
// cells by why: out of reach, missed by the TCP echo too, or missed
// where the echo meets the target.
func TestEchoCellsTarget(t *testing.T) {
	unreachable := cell{mode: roundTrip, conns: 64, size: 16}
	ceilingMissed := cell{mode: pipelined, conns: 64, size: 16}
	missed := cell{mode: pipelined, conns: 1, size: 16}
	res := fakeResults()
	res.Cells = nil
	for _, c := range []cell{unreachable, ceilingMissed, missed} {
		res.Cells = append(res.Cells, infoOf(c))
		res.Echo["wirefast/read-raw"][c.key()] = fakeResultSys(1000, 10.5, 7)
		res.Echo["gorilla/nextreader"][c.key()] = fakeResultSys(1000, 10, 7)
	}
	// Every server over 8 µs in the kernel, 0.8× gorilla's CPU.
	res.Echo["wirefast/read-raw"][unreachable.key()] = fakeResultSys(1000, 10.5, 9)
	res.Echo["gorilla/nextreader"][unreachable.key()] = fakeResultSys(1000, 10, 9)
	res.Echo["tcp/copy"][unreachable.key()] = fakeResultSys(1000, 9, 8.5)
	res.Echo["tcp/copy"][ceilingMissed.key()] = fakeResultSys(1100, 9, 7)
	res.Echo["tcp/copy"][missed.key()] = fakeResultSys(1100, 7.5, 7)
	got := res.echoCellsTarget()
	for _, want := range []string{
		"met in 0 of 3 cells.",
		"over 0.8× the leanest peer's whole CPU): " + unreachable.label() + ".",
		"in each of its modes): " + ceilingMissed.label() + ".",
		"Missed where the raw TCP echo meets the target: " + missed.label() + ".",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("echoCellsTarget = %q, want it to contain %q", got, want)
		}
	}
}

// TestSmallTarget checks the 16 B line against the raw TCP echo: the
// ratio to its fastest mode, then to each other mode; a text cell
// without an echo of its own takes its binary twin's.
func TestSmallTarget(t *testing.T) {
	bin := cell{mode: roundTrip, conns: 1, size: 16}
	text := cell{mode: roundTrip, conns: 1, size: 16, text: true}
	for _, tc := range []struct {
		name       string
		c          cell
		copy, poll *echoResult // the raw TCP echo's modes, in the cell's own key
		twin       *echoResult // tcp/copy in the binary twin's key
		want       string
	}{
		{"one mode", bin, fakeResult(30000, 5), nil, nil, "rt c=1 16B binary 0.90×."},
		{"the event loop faster", bin, fakeResult(25000, 5), fakeResult(30000, 4), nil, "rt c=1 16B binary 0.90× of epoll, 1.08× of copy."},
		{"the goroutines faster", bin, fakeResult(30000, 5), fakeResult(20000, 4), nil, "rt c=1 16B binary 0.90× of copy, 1.35× of epoll."},
		{"text from its twin", text, nil, nil, fakeResult(30000, 5), "rt c=1 16B text 0.90×."},
		{"no echo", bin, nil, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fakeResults()
			for _, v := range []string{"tcp/copy", "tcp/epoll"} {
				if res.Echo[v] == nil {
					res.Variants = append(res.Variants, v)
				}
				res.Echo[v] = map[string]*echoResult{}
			}
			res.Cells = []cellInfo{infoOf(tc.c)}
			res.Echo["wirefast/read-raw"][tc.c.key()] = fakeResult(27000, 5)
			if tc.copy != nil {
				res.Echo["tcp/copy"][tc.c.key()] = tc.copy
			}
			if tc.poll != nil {
				res.Echo["tcp/epoll"][tc.c.key()] = tc.poll
			}
			if tc.twin != nil {
				res.Echo["tcp/copy"][bin.key()] = tc.twin
			}
			got := res.smallTarget()
			if tc.want == "" {
				if got != "" {
					t.Errorf("smallTarget = %q, want none", got)
				}
				return
			}
			if want := "- 16 B messages, ≥ 0.9× the raw TCP echo: " + tc.want + "\n"; got != want {
				t.Errorf("smallTarget = %q, want %q", got, want)
			}
		})
	}
}

// fakeIdleConns is the connection count of the fake idle results.
const fakeIdleConns = 1000

// fakeIdle is an idle result of variant v growing by the given KiB per
// connection: idle and after one echo, before and after a collection.
func fakeIdle(v string, idle, echoed, idleGC, echoedGC float64) idleResult {
	const before = 1 << 20
	grown := func(kib float64) int64 { return before + int64(kib*fakeIdleConns*1024) }
	return idleResult{Variant: v, Conns: fakeIdleConns, Before: before, Idle: grown(idle), Echoed: grown(echoed),
		BeforeGC: before, IdleGC: grown(idleGC), EchoedGC: grown(echoedGC)}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestReport(t *testing.T) {
	res := fakeResults()
	report := res.report("2025-11-25-2350.md")
	for _, want := range []string{
		"# Peer comparison, 2025-11-25 23:50",
		"measured on a loaded machine",
		"| rt c=1 16B binary | 30.0k ±0% | 27.0k ±0% | 21.0k ±0% | 22.0k ±0% | 1.23× (gws) |",
		"| rt c=1 16B binary | receive-raw | 27.0k ±0% |", // fastest mode chosen
		"met (msgs/s)", // 27k ≥ 1.2 × 22k
		"## Server CPU in the kernel, µs per message (share of the server's CPU)",
		"| rt c=1 16B binary | 4.00 (80%) | 5.00 (71%) | 9.00 (82%) | 8.00 (80%) | 0.40× (gws) |", // the least: the TCP echo's 4 µs
		"| pipe c=64 1MiB text | – | – | – | error | – |",                                         // not recorded
		"| pipe c=64 1MiB text | 110 ±0% | 100 ±0% | 100 ±0% | error | 1.00× (gorilla) |",         // the binary twin's ceiling, gws failed
		"met (CPU)", // 500 ≤ 0.8 × 700
		"| gorilla | nextreader | 17.0 | 20.0 | 16.0 | 18.0 |",
		"0.12× idle, 0.15× after one echo (target ≤ 0.5×)",
		"## Idle memory with permessage-deflate, KiB per connection",
		"Server VmRSS with 1000 idle loopback connections that negotiated permessage-deflate",
		"after one echo on each of a compressed 1KiB text message",
		"| gorilla | nextreader | 25.0 | 40.0 | 20.0 | 30.0 |",
		"| gws | event | error | error | error | error |",
		"0.08× idle, 0.10× after one echo (target ≤ 1/6, 0.17×, after one echo)",
		"- Memory per compressed connection ≤ 1/6 of the leanest peer's, after one echo (wirefast's leanest mode ÷ the leanest peer's): 0.10× after one echo (0.08× idle): met.",
		"- idle deflate gws/event: server died",
		"| 16KiB | 60000 | 30000 | 50000 | 2.00× | 1.20× |",
		"- gws/event, pipe c=64 1MiB text: connection reset",
		"CPU 1, taskset",
		"| rt c=64 1KiB text deflate | 430 of 1024 | 9.0k ±0% · 60.0 µs · 420 B | 6.0k ±0% · 90.0 µs · 440 B | 5.0k ±0% · 95.0 µs · 445 B | 1.50× (gorilla) |",
		"rt c=64 1KiB text deflate: met (msgs/s)",
		"| compress 1KiB | 50.0 | 55.0 | 25.0 | 40.0 | 1.25× |",
		"| binary/1KiB | 12000 (0 allocs) | 16000 (0 allocs) | 8000 (0 allocs) | 10000 (0 allocs) | – | – | – | 1.60× (wirefast-receive, gws) | 30000 | 3.00× | 20000 | 2.00× |",
		"- Frame read from memory, ≥ 1.5× the fastest peer with 0 allocs/op: binary/1KiB 1.60× (wirefast-receive), 0 allocs/op (the copy alone: 3.00×; copy and unmask: 2.00×).",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", report)
	}
	sec := res.docsSection("../bench/results/2025-11-25-2350.md")
	if !strings.HasPrefix(sec, sectionHeading+"\n") || strings.Contains(sec, "\n## ") {
		t.Errorf("docs section must be one level-2 section:\n%s", sec)
	}
	if !strings.Contains(sec, "[bench/results/2025-11-25-2350.md](../bench/results/2025-11-25-2350.md)") {
		t.Errorf("docs section lacks the link to the report:\n%s", sec)
	}
}

// TestReportFromJSON checks that results survive their JSON (what -from
// reads) with the same report.
func TestReportFromJSON(t *testing.T) {
	res := fakeResults()
	res.Command = "make bench-peers"
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back results
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	want, got := res.report("x.md"), back.report("x.md")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report from JSON differs (-want +got):\n%s", diff)
	}
	if !strings.Contains(got, "- Command: `make bench-peers`") {
		t.Errorf("report does not name the command")
	}
}

func TestCells(t *testing.T) {
	cs := cells([]int{1, 64}, []int{16, 1024, 16 << 10, 1 << 20})
	if len(cs) != 32 {
		t.Fatalf("cells: %d, want 32", len(cs))
	}
	o := &options{window0: 16, inflight: 2 << 20}
	tests := []struct {
		c    cell
		key  string
		win  int
		pins bool
	}{
		{cell{roundTrip, 1, 16, false, false}, "rt/c1/16B/bin", 1, true},
		{cell{roundTrip, 64, 1 << 20, true, false}, "rt/c64/1MiB/text", 1, false},
		{cell{pipelined, 1, 1024, false, false}, "pipe/c1/1KiB/bin", 16, false},
		{cell{pipelined, 64, 16 << 10, false, false}, "pipe/c64/16KiB/bin", 16, false},
		{cell{pipelined, 64, 1 << 20, true, false}, "pipe/c64/1MiB/text", 2, false},
		{cell{pipelined, 1, 3 << 20, false, false}, "pipe/c1/3MiB/bin", 1, false},
		{cell{roundTrip, 1, 1024, true, true}, "rt/c1/1KiB/text/deflate", 1, true},
		{cell{roundTrip, 64, 16 << 10, true, true}, "rt/c64/16KiB/text/deflate", 1, false},
	}
	for _, tc := range tests {
		if got := tc.c.key(); got != tc.key {
			t.Errorf("key(%+v) = %q, want %q", tc.c, got, tc.key)
		}
		if got := o.window(tc.c); got != tc.win {
			t.Errorf("window(%s) = %d, want %d", tc.key, got, tc.win)
		}
		if got := tc.c.pinned(); got != tc.pins {
			t.Errorf("pinned(%s) = %v, want %v", tc.key, got, tc.pins)
		}
	}
}

func TestCompressedCells(t *testing.T) {
	cs := compressedCells([]int{1, 64}, []int{1024, 16 << 10})
	if len(cs) != 4 {
		t.Fatalf("compressedCells: %d, want 4", len(cs))
	}
	for _, c := range cs {
		if !c.compress || !c.text || c.mode != roundTrip {
			t.Errorf("compressed cell %s: want a compressed round trip of text", c.key())
		}
	}
	for _, v := range variants(nil) {
		want := v.lib != ceiling && v.lib != "x/net"
		if got := runs(v, cs[0]); got != want {
			t.Errorf("runs(%s, %s) = %v, want %v", v, cs[0].key(), got, want)
		}
	}
}

// TestCeiling checks that the raw TCP echo runs in every uncompressed
// cell, text too, and that a text cell's ceiling is its own measurement,
// its binary twin's only in a run that has none (before the echo ran the
// text cells).
func TestCeiling(t *testing.T) {
	bin := cell{mode: roundTrip, conns: 64, size: 16}
	text := cell{mode: roundTrip, conns: 64, size: 16, text: true}
	tcp := variants(nil)[0]
	if tcp.lib != ceiling {
		t.Fatalf("variants(nil)[0] = %s, want the ceiling", tcp)
	}
	for _, c := range []cell{bin, text} {
		if !runs(tcp, c) {
			t.Errorf("runs(%s, %s) = false, want true", tcp, c.key())
		}
	}
	tests := []struct {
		name     string
		measured map[string]int64 // cell key: the TCP echo's msgs per round
		c        cell
		want     int64 // 0: no ceiling
	}{
		{"binary", map[string]int64{bin.key(): 60000, text.key(): 50000}, bin, 60000},
		{"text, its own", map[string]int64{bin.key(): 60000, text.key(): 50000}, text, 50000},
		{"text, an older run", map[string]int64{bin.key(): 60000}, text, 60000},
		{"binary, none", map[string]int64{text.key(): 50000}, bin, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &results{Variants: []string{tcp.String()}, Echo: map[string]map[string]*echoResult{tcp.String(): {}}}
			for k, msgs := range tc.measured {
				r.Echo[tcp.String()][k] = fakeResult(msgs, 5)
			}
			var got int64
			if e := r.ceilingOf(infoOf(tc.c)); e != nil {
				got = e.Result.Rounds[0].Msgs
			}
			if got != tc.want {
				t.Errorf("ceilingOf(%s) measured %d msgs a round, want %d", tc.c.key(), got, tc.want)
			}
			r.Cells = []cellInfo{infoOf(bin), infoOf(text)}
			_, own := tc.measured[text.key()]
			if got := r.textCeilings(); got != own {
				t.Errorf("textCeilings() = %v, want %v", got, own)
			}
		})
	}
}

func TestVariantNames(t *testing.T) {
	for _, v := range variants(nil) {
		if got := libOf(v.String()); got != v.lib {
			t.Errorf("libOf(%q) = %q, want %q", v, got, v.lib)
		}
		if got := modeOf(v.String()); got != v.mode {
			t.Errorf("modeOf(%q) = %q, want %q", v, got, v.mode)
		}
	}
	if vs := variants([]string{"gws"}); len(libraries(vs)) != 2 {
		t.Errorf("variants(gws) = %v, want the ceiling and gws", vs)
	}
}

// TestReportOnlyIdle checks the report of a run with the idle
// measurements alone (-only-idle): no echo method, tables or targets.
func TestReportOnlyIdle(t *testing.T) {
	res := fakeResults()
	res.Cells, res.Micro = nil, nil
	report := res.report("x.md")
	for _, want := range []string{
		"## Idle memory, KiB per connection",
		"## Idle memory with permessage-deflate, KiB per connection",
		"- Idle memory ≤ ½ of the leanest peer",
		"- Memory per compressed connection ≤ 1/6 of the leanest peer's",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("idle-only report lacks %q", want)
		}
	}
	for _, unwanted := range []string{"## Method", "Echo throughput", "## Compressed echo", "- Echo cells", "- Compressed echo"} {
		if strings.Contains(report, unwanted) {
			t.Errorf("idle-only report has %q", unwanted)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", report)
	}
}

func TestIdleDeflateTargetLine(t *testing.T) {
	ours := func(echoed float64) idleResult { return fakeIdle("wirefast/read-raw", echoed/2, echoed, 0, 0) }
	peer := func(echoed float64) idleResult { return fakeIdle("gws/event", echoed/2, echoed, 0, 0) }
	tests := []struct {
		name string
		rs   []idleResult
		want string
	}{
		{"not measured", nil, "not measured in this run"},
		{"a tenth", []idleResult{ours(4), peer(40), fakeIdle("gobwas/bufio", 60, 80, 0, 0)}, ": 0.10× after one echo (0.10× idle): met."},
		{"a sixth", []idleResult{ours(5), peer(30)}, ": 0.17× after one echo (0.17× idle): met."},
		{"a quarter", []idleResult{ours(10), peer(40)}, ": 0.25× after one echo (0.25× idle): not met."},
		{"leanest mode of ours", []idleResult{ours(20), fakeIdle("wirefast/receive-raw", 2, 4, 0, 0), peer(40)}, ": 0.10× after one echo"},
		{"peer failed", []idleResult{ours(4), {Variant: "gws/event", Err: "boom"}}, ": – (no figure for wirefast or for any peer)."},
		{"no peer, only the ceiling", []idleResult{ours(4), fakeIdle("tcp/copy", 1, 1, 1, 1)}, ": – (no figure"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := (&results{IdleDeflate: tc.rs}).idleDeflateTargetLine()
			if !strings.HasPrefix(got, "- Memory per compressed connection ≤ 1/6") || !strings.Contains(got, tc.want) {
				t.Errorf("idleDeflateTargetLine() = %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestEchoCells(t *testing.T) {
	base := options{conns: []int{1, 64}, sizes: []int{16, 1024}, compressSizes: []int{1024}}
	tests := []struct {
		name                  string
		plain, compress, only bool
		plainCells, compCells int
	}{
		{"plain", true, false, false, 16, 0},
		{"plain and compressed", true, true, false, 16, 2},
		{"compressed only", false, true, false, 0, 2},
		{"only idle", true, true, true, 0, 0},
	}
	for _, tc := range tests {
		o := base
		o.plain, o.compress, o.onlyIdle = tc.plain, tc.compress, tc.only
		plain, comp := 0, 0
		for _, c := range o.echoCells() {
			if c.compress {
				comp++
			} else {
				plain++
			}
		}
		if plain != tc.plainCells || comp != tc.compCells {
			t.Errorf("%s: %d plain and %d compressed cells, want %d and %d", tc.name, plain, comp, tc.plainCells, tc.compCells)
		}
	}
}

// TestIdleMeasured checks which modes the idle measurements cover: the
// Idle ones, and compressed at least one mode of every library that can
// compress, none of those that cannot.
func TestIdleMeasured(t *testing.T) {
	compressedLibs := map[string]bool{}
	for _, v := range variants(nil) {
		if got := v.idleMeasured(false); got != v.idle {
			t.Errorf("%s: measured idle %v, want %v (Idle)", v, got, v.idle)
		}
		if v.idleMeasured(true) {
			if !v.idle || !v.deflate {
				t.Errorf("%s: measured idle compressed, but Idle %v, deflate %v", v, v.idle, v.deflate)
			}
			compressedLibs[v.lib] = true
		}
	}
	for _, s := range servers {
		if got, want := compressedLibs[s.Name], canDeflate(s.Name); got != want {
			t.Errorf("%s: idle measured compressed %v, want %v (it can compress: %v)", s.Name, got, want, want)
		}
	}
}
