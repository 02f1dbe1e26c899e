package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/wirefast/websocket/bench/internal/load"
)

// results is everything a run measured; it is written as JSON beside the
// report.
type results struct {
	Started  time.Time
	Seconds  float64
	Machine  machineInfo
	LoadEnd  string
	Args     string // the peers command line
	Command  string // how the run was started, when given (-command)
	Pinned   int    // CPU of the pinned cells, -1 for none
	Window   int
	Inflight int
	Rounds   int
	Round    string
	Warmup   string
	Libs     []string
	Variants []string
	Versions map[string]string // library → module version
	// Echo holds the echo cells: variant → cell key → result.
	Echo  map[string]map[string]*echoResult
	Cells []cellInfo
	Idle  []idleResult
	// IdleDeflate is the idle measurement with permessage-deflate
	// (-compress), on the modes that can compress.
	IdleDeflate []idleResult `json:",omitempty"`
	Micro       []microResult
	// MicroErr is why the micro-benchmarks did not run, if they did not.
	MicroErr string
}

type machineInfo struct {
	CPUs      int
	CPU       string
	Kernel    string
	Go        string
	LoadStart string
}

// cellInfo is one cell of the echo matrix as run.
type cellInfo struct {
	Key    string
	Label  string
	Mode   string
	Conns  int
	Size   int
	Text   bool
	Window int
	Pinned bool
	// Compress marks the cells run with permessage-deflate.
	Compress bool `json:",omitempty"`
}

// echoResult is one variant's result in one cell.
type echoResult struct {
	Result *load.Result `json:",omitempty"`
	Err    string       `json:",omitempty"`
	// Summaries of Result.
	MsgsPerSec float64
	Spread     float64
	ServerCPU  float64 // µs per message
	ClientCPU  float64 // µs per message
	// ServerSys is the part of ServerCPU spent in the kernel, µs per
	// message; 0 in results made before it was recorded.
	ServerSys float64 `json:",omitempty"`
}

func newEchoResult(r *load.Result, err error) *echoResult {
	if err != nil {
		return &echoResult{Err: err.Error()}
	}
	e := &echoResult{Result: r}
	e.MsgsPerSec, e.Spread = r.MsgsPerSec()
	e.ServerCPU, e.ClientCPU = r.CPUPerMsg()
	e.ServerSys = r.SysPerMsg()
	if math.IsNaN(e.Spread) {
		e.Spread = 0
	}
	return e
}

// ok reports whether e holds a measurement.
func (e *echoResult) ok() bool { return e != nil && e.Err == "" && e.MsgsPerSec > 0 }

// runEcho runs the echo matrix: the pinned cells first, on servers
// started under taskset, then the others on unpinned servers; then the
// compressed cells the same way, on servers started with -compress.
func runEcho(o *options, vs []variant, cs []cell, res *results) {
	for _, c := range cs {
		res.Cells = append(res.Cells, cellInfo{
			Key: c.key(), Label: c.label(), Mode: c.mode, Conns: c.conns, Size: c.size, Text: c.text,
			Window: o.window(c), Pinned: o.pinCPU >= 0 && c.pinned(), Compress: c.compress,
		})
	}
	total := 0
	for _, c := range cs {
		for _, v := range vs {
			if runs(v, c) {
				total++
			}
		}
	}
	done := 0
	// Pinned and compressed cells need servers started their way: four
	// phases, each with its own servers.
	for _, compress := range []bool{false, true} {
		var pinnedCells, freeCells []cell
		for _, c := range cs {
			switch {
			case c.compress != compress:
			case o.pinCPU >= 0 && c.pinned():
				pinnedCells = append(pinnedCells, c)
			default:
				freeCells = append(freeCells, c)
			}
		}
		phaseVs := vs
		if compress {
			phaseVs = nil
			for _, v := range vs {
				if v.deflate {
					phaseVs = append(phaseVs, v)
				}
			}
		}
		if len(pinnedCells) > 0 {
			logf("pinned cells: servers and load generator on CPU %d", o.pinCPU)
			runEchoPhase(o, phaseVs, pinnedCells, o.pinCPU, compress, res, &done, total)
		}
		if len(freeCells) > 0 {
			runEchoPhase(o, phaseVs, freeCells, -1, compress, res, &done, total)
		}
	}
}

// runs reports whether variant v runs in cell c: every variant runs the
// uncompressed cells, the raw TCP echo too (for a text cell it echoes the
// text's bytes, unframed, so that the ceiling of each cell is measured
// beside the libraries in it rather than in its binary twin a few seconds
// earlier); compressed cells run on the variants that can compress.
func runs(v variant, c cell) bool {
	return !c.compress || v.deflate
}

// runEchoPhase starts a server per variant, pinned to cpu unless it is
// negative and with permessage-deflate when compress is true, and runs
// cells cs on them, every variant for a cell before the next cell,
// starting each cell with the next variant.
func runEchoPhase(o *options, vs []variant, cs []cell, cpu int, compress bool, res *results, done *int, total int) {
	if len(vs) == 0 {
		return
	}
	procs := make([]*server, len(vs))
	for i, v := range vs {
		s, err := startServer(o.bin, v, cpu, compress)
		if err != nil {
			logf("%v", err)
			continue
		}
		procs[i] = s
		res.Versions[v.lib] = s.version
	}
	defer func() {
		for _, s := range procs {
			if s != nil {
				s.stop()
			}
		}
	}()
	for i, c := range cs {
		for j := range vs {
			k := (i + j) % len(vs)
			v := vs[k]
			if !runs(v, c) {
				continue
			}
			*done++
			s := procs[k]
			if s != nil && !s.alive() {
				logf("%s died (stderr: %s); restarting", v, s.stderr)
				s.stop()
				s, _ = startServer(o.bin, v, cpu, compress)
				procs[k] = s
			}
			var r *load.Result
			err := fmt.Errorf("server %s did not start", v)
			if s != nil {
				r, err = runLoad(o.bin, s, c, o, cpu)
			}
			e := newEchoResult(r, err)
			if res.Echo[v.String()] == nil {
				res.Echo[v.String()] = map[string]*echoResult{}
			}
			res.Echo[v.String()][c.key()] = e
			if e.Err != "" {
				logf("[%d/%d] %-22s %-22s error: %s", *done, total, c.key(), v, e.Err)
				continue
			}
			logf("[%d/%d] %-22s %-22s %10.0f msgs/s ±%3.0f%%  cpu %7.2f µs/msg  p99 %9.0f µs",
				*done, total, c.key(), v, e.MsgsPerSec, 100*e.Spread, e.ServerCPU, e.Result.P99)
		}
	}
}

// best returns library lib's fastest variant in cell key (the one with
// the highest median msgs/s) and its result, or "", nil when none
// measured the cell.
func (r *results) best(lib, key string) (string, *echoResult) {
	var bestV string
	var bestE *echoResult
	for _, v := range r.Variants {
		if libOf(v) != lib {
			continue
		}
		e := r.Echo[v][key]
		if e.ok() && (bestE == nil || e.MsgsPerSec > bestE.MsgsPerSec) {
			bestV, bestE = v, e
		}
	}
	return bestV, bestE
}

// ceilingOf returns the raw TCP echo's result for cell c, none for a
// compressed cell. A text cell of a run made before the echo ran the text
// cells has none of its own: its binary twin's stands in.
func (r *results) ceilingOf(c cellInfo) *echoResult {
	if modes := r.ceilingModes(c); len(modes) > 0 {
		return modes[0].result
	}
	return nil
}

// ceilingKey is the key under which the raw TCP echo's results for
// cell c stand: c's own, except for a text cell of a run made before
// the echo ran the text cells, whose binary twin's stands in.
func (r *results) ceilingKey(c cellInfo) string {
	if _, e := r.best(ceiling, c.Key); e != nil || !c.Text {
		return c.Key
	}
	return cell{mode: c.Mode, conns: c.Conns, size: c.Size}.key()
}

// ceilingMode is one mode of the raw TCP echo and its result in a cell.
type ceilingMode struct {
	variant string
	result  *echoResult
}

// ceilingModes returns the raw TCP echo's modes that measured cell c,
// the fastest first (ties in variant order, as best picks); none for a
// compressed cell.
func (r *results) ceilingModes(c cellInfo) []ceilingMode {
	if c.Compress {
		return nil
	}
	key := r.ceilingKey(c)
	var modes []ceilingMode
	for _, v := range r.Variants {
		if e := r.Echo[v][key]; libOf(v) == ceiling && e.ok() {
			modes = append(modes, ceilingMode{v, e})
		}
	}
	slices.SortStableFunc(modes, func(a, b ceilingMode) int {
		return cmp.Compare(b.result.MsgsPerSec, a.result.MsgsPerSec)
	})
	return modes
}

// bestPeer returns the peer (not ours, not the ceiling) with the highest
// msgs/s in cell key, and its result.
func (r *results) bestPeer(key string) (string, *echoResult) {
	var lib string
	var best *echoResult
	for _, l := range r.Libs {
		if l == ours || l == ceiling {
			continue
		}
		if _, e := r.best(l, key); e.ok() && (best == nil || e.MsgsPerSec > best.MsgsPerSec) {
			lib, best = l, e
		}
	}
	return lib, best
}

// leanestPeerCPU returns the peer with the lowest server CPU per message
// in cell key (each peer in its fastest variant), and that figure.
func (r *results) leanestPeerCPU(key string) (string, float64) {
	lib, cpu := "", math.Inf(1)
	for _, l := range r.Libs {
		if l == ours || l == ceiling {
			continue
		}
		if _, e := r.best(l, key); e.ok() && e.ServerCPU > 0 && e.ServerCPU < cpu {
			lib, cpu = l, e.ServerCPU
		}
	}
	return lib, cpu
}

// libOf returns the library of a variant name "lib/mode"; x/net's name
// holds a slash itself.
func libOf(variant string) string {
	for _, v := range servers {
		for _, m := range v.Modes {
			if v.Name+"/"+m.Name == variant {
				return v.Name
			}
		}
	}
	return ""
}

// modeOf returns the mode of a variant name "lib/mode".
func modeOf(variant string) string {
	lib := libOf(variant)
	if lib == "" {
		return variant
	}
	return variant[len(lib)+1:]
}
