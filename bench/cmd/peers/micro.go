package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wirefast/websocket/bench/internal/stats"
)

// microResult is one micro-benchmark, the median of its runs.
type microResult struct {
	Name   string // without the -GOMAXPROCS suffix
	Runs   int
	NsOp   float64
	MBs    float64
	BOp    float64
	Allocs float64
}

// runMicro runs the micro-benchmarks of package micro: compiled once,
// then the whole set o.microCount times over, so that a burst of load on
// the machine hits one round of every benchmark rather than every run of
// one benchmark.
func runMicro(o *options, res *results) {
	logf("micro-benchmarks: %d rounds, -benchtime %s", o.microCount, o.microTime)
	bin, err := filepath.Abs(filepath.Join(o.bin, "micro.test"))
	if err == nil {
		err = command(o.moddir, nil, o.gocmd, "test", "-c", "-o", bin, "./micro/")
	}
	var out bytes.Buffer
	for i := 0; err == nil && i < o.microCount; i++ {
		err = command(filepath.Join(o.moddir, "micro"), &out, bin, "-test.run", "^$", "-test.bench", ".",
			"-test.benchmem", "-test.count", "1", "-test.benchtime", o.microTime)
	}
	if err != nil {
		res.MicroErr = err.Error()
		logf("micro-benchmarks: %s", res.MicroErr)
		return
	}
	res.Micro = parseBench(out.Bytes())
	logf("micro-benchmarks: %d results", len(res.Micro))
}

// command runs name with args in dir, appending its standard output to
// out (when not nil); the error carries its output.
func command(dir string, out *bytes.Buffer, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s%s", filepath.Base(name), err, stdout.Bytes(), stderr.Bytes())
	}
	if out != nil {
		out.Write(stdout.Bytes())
	}
	return nil
}

// benchLine matches a result line of go test -bench -benchmem.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseBench turns go test -bench output into medians per benchmark, in
// order of first appearance.
func parseBench(out []byte) []microResult {
	type acc struct{ ns, mbs, bop, allocs []float64 }
	var order []string
	m := map[string]*acc{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		sub := benchLine.FindStringSubmatch(sc.Text())
		if sub == nil {
			continue
		}
		a := m[sub[1]]
		if a == nil {
			a = &acc{}
			m[sub[1]] = a
			order = append(order, sub[1])
		}
		f := strings.Fields(sub[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				a.ns = append(a.ns, v)
			case "MB/s":
				a.mbs = append(a.mbs, v)
			case "B/op":
				a.bop = append(a.bop, v)
			case "allocs/op":
				a.allocs = append(a.allocs, v)
			}
		}
	}
	med := func(xs []float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		return stats.Median(xs)
	}
	var rs []microResult
	for _, name := range order {
		a := m[name]
		rs = append(rs, microResult{Name: name, Runs: len(a.ns), NsOp: med(a.ns), MBs: med(a.mbs), BOp: med(a.bop), Allocs: med(a.allocs)})
	}
	return rs
}

// micro returns the micro-benchmark called name, if it ran.
func (r *results) micro(name string) (microResult, bool) {
	for _, m := range r.Micro {
		if m.Name == name {
			return m, true
		}
	}
	return microResult{}, false
}

// readCases are the messages of BenchmarkReadFrame.
var readCases = []string{"binary/1KiB", "binary/16KiB", "text/1KiB", "text/16KiB"}

// oursReads are wirefast's read APIs in BenchmarkReadFrame, peerReads
// the other libraries', allReads both, in the report's column order.
var (
	oursReads = []string{"wirefast", "wirefast-receive"}
	peerReads = []string{"gorilla", "gws", "coder", "gobwas", "xnet"}
	allReads  = append(slices.Clip(oursReads), peerReads...)
)

// fastestRead returns the result of the fastest of the readers libs on
// message c, and its name.
func (r *results) fastestRead(libs []string, c string) (microResult, string, bool) {
	var best microResult
	name := ""
	for _, l := range libs {
		if m, ok := r.micro("BenchmarkReadFrame/" + l + "/" + c); ok && m.MBs > best.MBs {
			best, name = m, l
		}
	}
	return best, name, name != ""
}

func (r *results) microTables(h string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Micro-benchmarks\n\n", h)
	if r.MicroErr != "" {
		fmt.Fprintf(&b, "Not run: %s\n", firstLine(r.MicroErr))
		return b.String()
	}
	if len(r.Micro) == 0 {
		b.WriteString("Not run.\n")
		return b.String()
	}
	b.WriteString("`go test -bench` in bench/micro (compiled once, then every benchmark run once per round, the rounds in sequence), medians over the rounds. Frame read: a server reading masked messages from memory through each library's read API (MB/s of payload, allocs/op); wirefast, gws and gobwas validate the text, gorilla, coder and x/net do not. wirefast is read two ways: ReadInto (a pull loop, like gorilla, coder, gobwas and x/net) and receive mode (Conn.Receive, a handler per message, like gws's event API and the receive-raw echo server); the ratio takes the faster. Floor: the copy of each frame out of the connection alone, which every reader pays before any parsing or unmasking; floor ÷ fastest peer is the most any reader could reach against that peer. Floor + unmask: the floor and one unmasking pass in place (wirefast's mask), the least a reader that unmasks pays, since the copy out of a socket cannot unmask as it goes; the most a reader that unmasks could reach, before any parsing or validation.\n\n")
	t := newTable(append(append([]string{"message"}, allReads...), "wirefast ÷ fastest peer", "floor", "floor ÷ fastest peer", "floor + unmask", "÷ fastest peer")...)
	for _, c := range readCases {
		row := []string{c}
		for _, l := range allReads {
			if m, ok := r.micro("BenchmarkReadFrame/" + l + "/" + c); ok {
				row = append(row, fmt.Sprintf("%s (%s allocs)", num(m.MBs), num(m.Allocs)))
			} else {
				row = append(row, "–")
			}
		}
		o, api, okOurs := r.fastestRead(oursReads, c)
		p, peer, okPeer := r.fastestRead(peerReads, c)
		bestPeer := p.MBs
		if okOurs && okPeer {
			row = append(row, fmt.Sprintf("%s (%s, %s)", ratio(o.MBs/bestPeer), api, peer))
		} else {
			row = append(row, "–")
		}
		for _, f := range []string{"floor", "floor-unmask"} {
			if floor, ok := r.micro("BenchmarkReadFrame/" + f + "/" + c); ok && bestPeer > 0 {
				row = append(row, num(floor.MBs), ratio(floor.MBs/bestPeer))
			} else {
				row = append(row, "–", "–")
			}
		}
		t.add(row...)
	}
	b.WriteString(t.String())

	b.WriteString("\nMask in place, MB/s. gorilla, coder, gws and x/net keep their masking unexported (not reachable through their public API; no go:linkname here), so only gobwas's ws.Cipher is compared; copy() of the same size is the ceiling.\n\n")
	t = newTable("size", "wirefast", "gobwas", "copy()", "÷ gobwas", "÷ copy()")
	for _, s := range maskSizes() {
		w, ok1 := r.micro("BenchmarkMask/wirefast/" + s)
		g, ok2 := r.micro("BenchmarkMask/gobwas/" + s)
		c, ok3 := r.micro("BenchmarkMask/copy/" + s)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		t.add(s, num(w.MBs), num(g.MBs), num(c.MBs), ratio(w.MBs/g.MBs), ratio(w.MBs/c.MBs))
	}
	b.WriteString(t.String())

	b.WriteString("\nUTF-8 validation of valid text, MB/s: wirefast's protocol.ValidUTF8 and its streaming UTF8Validator (Feed + Done) against utf8.Valid, which gws and the gobwas server use.\n\n")
	t = newTable("text", "wirefast", "wirefast-stream", "utf8.Valid", "÷ utf8.Valid")
	for _, in := range []string{"ascii", "mixed", "cjk"} {
		for _, s := range []string{"16B", "1KiB", "16KiB"} {
			w, ok1 := r.micro("BenchmarkUTF8/wirefast/" + in + "/" + s)
			ws, ok2 := r.micro("BenchmarkUTF8/wirefast-stream/" + in + "/" + s)
			u, ok3 := r.micro("BenchmarkUTF8/utf8.Valid/" + in + "/" + s)
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			t.add(in+" "+s, num(w.MBs), num(ws.MBs), num(u.MBs), ratio(w.MBs/u.MBs))
		}
	}
	if len(t.rows) > 0 {
		b.WriteString(t.String())
	}
	b.WriteString(r.compressMicroTable())
	return b.String()
}

func maskSizes() []string { return []string{"16B", "125B", "1KiB", "16KiB", "1MiB"} }
