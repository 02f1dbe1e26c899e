package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// report returns the full markdown report, file name name; the method
// of the echo cells only when the run has some (the idle tables say
// their own).
func (r *results) report(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Peer comparison, %s\n\n", r.Started.Format("2006-01-02 15:04"))
	b.WriteString(r.setting())
	if len(r.Cells) > 0 {
		b.WriteString("\n## Method\n\n")
		b.WriteString(r.method())
	}
	b.WriteString(r.body("##"))
	return b.String()
}

// docsSection returns the "## Peer comparison" section of
// docs/performance.md, linking to the full report at link.
func (r *results) docsSection(link string) string {
	var b strings.Builder
	b.WriteString("## Peer comparison\n\n")
	b.WriteString("wirefast against the other Go WebSocket libraries, side by side in one run, ")
	b.WriteString("with a raw TCP echo as the ceiling. Produced by `make bench-peers` (the harness ")
	b.WriteString("is the bench/ module; bench/README.md describes it); this section is rewritten ")
	b.WriteString("by every run. Full report with the method and raw numbers: ")
	fmt.Fprintf(&b, "[%s](%s).\n\n", strings.TrimPrefix(link, "../"), link)
	b.WriteString(r.setting())
	b.WriteString("\n")
	b.WriteString(r.methodShort())
	b.WriteString(r.body("###"))
	return b.String()
}

// setting describes the run: command, machine, load, libraries.
func (r *results) setting() string {
	var b strings.Builder
	args := r.Command
	if args == "" {
		args = strings.TrimSpace("bin/peers " + r.Args)
	}
	fmt.Fprintf(&b, "- Command: `%s` (took %s)\n", args, time.Duration(r.Seconds*float64(time.Second)).Round(time.Second))
	fmt.Fprintf(&b, "- Machine: %d CPUs, %s, Linux %s, %s\n", r.Machine.CPUs, r.Machine.CPU, r.Machine.Kernel, r.Machine.Go)
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) at start: %s; at end: %s", r.Machine.LoadStart, r.LoadEnd)
	if l := loadOf(r.Machine.LoadStart); l > 0.5*float64(r.Machine.CPUs) {
		b.WriteString(" — **measured on a loaded machine: absolute figures are low and noisy; compare ratios within a cell, and mind the spread**")
	}
	b.WriteString("\n- Libraries: ")
	var libs []string
	for _, l := range r.Libs {
		if l == ceiling {
			continue
		}
		libs = append(libs, fmt.Sprintf("%s %s", l, r.Versions[l]))
	}
	b.WriteString(strings.Join(libs, ", ") + "\n")
	return b.String()
}

// loadOf returns the first figure of a load average, or 0.
func loadOf(s string) float64 {
	var x float64
	if _, err := fmt.Sscanf(s, "%g", &x); err != nil {
		return 0
	}
	return x
}

// textCeilings reports whether the raw TCP echo measured a text cell of
// its own in r (runs since 2026-11-28) rather than only the binary ones.
func (r *results) textCeilings() bool {
	for _, c := range r.Cells {
		if _, e := r.best(ceiling, c.Key); c.Text && !c.Compress && e != nil {
			return true
		}
	}
	return false
}

func (r *results) method() string {
	var b strings.Builder
	fmt.Fprintf(&b, `Every server is a separate process (bench/cmd/echo-*), and so is the load
generator (bench/cmd/loadgen), which speaks raw frames of its own (no WebSocket
library) and masks its messages once, up front. Each cell runs %s of warm-up,
then %d rounds of %s; msgs/s is the median over the rounds and ± the spread
(max − min) / median. MB/s counts payload bytes one way. Latency is from just
before a message is written to the end of its echo, p50 and p99 over all rounds.
Server CPU µs/msg is the server's utime + stime from /proc/PID/stat (10 ms
ticks) over all rounds divided by the messages echoed: the figure that still
discriminates when the client or the kernel saturates first. Its stime part,
the time in the kernel, has a table of its own where the run recorded it.

- rt: one message in flight per connection (round trip). pipe: a window of up
  to %d messages in flight per connection, cut so that at most %d KiB are in
  flight (1 MiB messages: %d), which keeps the kernel's TCP memory out of
  pressure mode.
- Cells run interleaved: every server for one cell, then the next cell,
  starting from a different server each time, so that a change in the
  machine's load spreads over all libraries.
- Text messages are UTF-8, mostly ASCII with two-, three- and four-byte runes.
  wirefast, gws (CheckUtf8Enabled) and the gobwas server (utf8.Valid) validate
  them; gorilla, coder and x/net do not validate text at all.
- Each library runs in each of its modes (bench/echo/*); a cell shows its
  fastest mode there.
`, r.Warmup, r.Rounds, r.Round, r.Window, r.Inflight>>10, max(1, min(r.Window, r.Inflight>>20)))
	if r.textCeilings() {
		b.WriteString("- The raw TCP echo runs every uncompressed cell, the text cells too (the\n" +
			"  same bytes, unframed): each cell's ceiling is measured beside the libraries.\n")
	} else {
		b.WriteString("- The raw TCP echo runs the binary cells only and is the ceiling of the text\n" +
			"  cells too.\n")
	}
	b.WriteString("- " + r.pinning())
	return b.String()
}

func (r *results) methodShort() string {
	return fmt.Sprintf("Method in brief: servers and the raw-frame load generator are separate processes; "+
		"%s warm-up, then %d rounds of %s per cell; msgs/s is the median of the rounds, ± the spread "+
		"(max − min) / median; server CPU from /proc/PID/stat per message; each library in its fastest "+
		"mode per cell. %s", r.Warmup, r.Rounds, r.Round, r.pinning())
}

func (r *results) pinning() string {
	if r.Pinned < 0 {
		return "The c=1 round-trip cells ran unpinned (one CPU, or no taskset, or -pin off).\n"
	}
	return fmt.Sprintf("The c=1 round-trip cells pin the server and the load generator to the same CPU "+
		"(CPU %d, taskset): on small virtual machines the wake-up of a process on the other CPU makes "+
		"unpinned c=1 latency bimodal.\n", r.Pinned)
}

// body returns the tables, with headings at level h; the echo tables
// only when the run has echo cells.
func (r *results) body(h string) string {
	var b strings.Builder
	if len(r.Cells) > 0 {
		b.WriteString(r.echoTables(h))
		b.WriteString(r.oursTable(h))
		b.WriteString(r.modesTable(h))
		b.WriteString(r.compressionTable(h))
	}
	b.WriteString(r.idleTable(h))
	b.WriteString(r.idleDeflateTable(h))
	b.WriteString(r.microTables(h))
	b.WriteString(r.targets(h))
	b.WriteString(r.errors(h))
	return b.String()
}

// echoTables returns the echo matrix: msgs/s, MB/s, server CPU and
// latency per cell and library.
func (r *results) echoTables(h string) string {
	var b strings.Builder
	peers := r.peers()
	cols := append([]string{ceiling, ours}, peers...)

	fmt.Fprintf(&b, "\n%s Echo throughput, msgs/s\n\n", h)
	t := newTable(append(append([]string{"cell"}, cols...), "wirefast ÷ best peer")...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, l := range cols {
			e := r.cellOf(l, c)
			row = append(row, r.cellText(e, func(e *echoResult) string { return rate(e.MsgsPerSec) + " ±" + pct(e.Spread) }))
		}
		_, o := r.best(ours, c.Key)
		peer, bp := r.bestPeer(c.Key)
		row = append(row, ratioText(o, bp, peer, func(e *echoResult) float64 { return e.MsgsPerSec }))
		t.add(row...)
	}
	b.WriteString(t.String())

	fmt.Fprintf(&b, "\n%s Echo throughput, MB/s of payload\n\n", h)
	t = newTable(append([]string{"cell"}, cols...)...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, l := range cols {
			e := r.cellOf(l, c)
			row = append(row, r.cellText(e, func(e *echoResult) string { return num(e.MsgsPerSec * float64(c.Size) / 1e6) }))
		}
		t.add(row...)
	}
	b.WriteString(t.String())

	fmt.Fprintf(&b, "\n%s Server CPU, µs per message (lower is better)\n\n", h)
	t = newTable(append(append([]string{"cell"}, cols...), "wirefast ÷ leanest peer")...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, l := range cols {
			e := r.cellOf(l, c)
			row = append(row, r.cellText(e, func(e *echoResult) string { return num(e.ServerCPU) }))
		}
		_, o := r.best(ours, c.Key)
		lib, cpu := r.leanestPeerCPU(c.Key)
		if o.ok() && lib != "" {
			row = append(row, fmt.Sprintf("%s (%s)", ratio(o.ServerCPU/cpu), lib))
		} else {
			row = append(row, "–")
		}
		t.add(row...)
	}
	b.WriteString(t.String())

	if r.hasKernelTimes() {
		b.WriteString(r.kernelTable(h, cols))
	}

	fmt.Fprintf(&b, "\n%s Latency p50 / p99, µs\n\n", h)
	t = newTable(append([]string{"cell"}, cols...)...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, l := range cols {
			e := r.cellOf(l, c)
			row = append(row, r.cellText(e, func(e *echoResult) string { return num(e.Result.P50) + " / " + num(e.Result.P99) }))
		}
		t.add(row...)
	}
	b.WriteString(t.String())
	return b.String()
}

// kernelTable is the part of the server CPU spent in the kernel, per
// cell and library, with the least of any server against the leanest
// peer's whole CPU: over 0.8× in a bound cell, the CPU target is out of
// every server's reach (see outOfReach).
func (r *results) kernelTable(h string, cols []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Server CPU in the kernel, µs per message (share of the server's CPU)\n\n", h)
	b.WriteString("The stime part of the server CPU above. The last column is the least kernel time of any server in the cell, in any mode, " +
		"divided by the leanest peer's whole CPU: where it is over 0.8× and the raw TCP echo runs under 1.2× the best peer, " +
		"no server doing that kernel work could meet the echo target (\"out of reach\").\n\n")
	t := newTable(append(append([]string{"cell"}, cols...), "least ÷ leanest peer's CPU")...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, l := range cols {
			e := r.cellOf(l, c)
			row = append(row, r.cellText(e, func(e *echoResult) string {
				if e.ServerSys == 0 || e.ServerCPU == 0 {
					return "–"
				}
				return fmt.Sprintf("%s (%s)", num(e.ServerSys), pct(e.ServerSys/e.ServerCPU))
			}))
		}
		lib, cpu := r.leanestPeerCPU(c.Key)
		if floor := r.kernelFloor(c); floor > 0 && lib != "" {
			row = append(row, fmt.Sprintf("%s (%s)", ratio(floor/cpu), lib))
		} else {
			row = append(row, "–")
		}
		t.add(row...)
	}
	b.WriteString(t.String())
	return b.String()
}

// hasKernelTimes reports whether the run recorded the servers' time in
// the kernel (runs before 29 November 2026 did not).
func (r *results) hasKernelTimes() bool {
	for _, byCell := range r.Echo {
		for _, e := range byCell {
			if e.ok() && e.ServerSys > 0 {
				return true
			}
		}
	}
	return false
}

// peers returns the peer libraries of the run, in order.
func (r *results) peers() []string {
	var ps []string
	for _, l := range r.Libs {
		if l != ours && l != ceiling {
			ps = append(ps, l)
		}
	}
	return ps
}

// cellOf returns library lib's result in cell c: its fastest mode, or
// the ceiling's (see ceilingOf).
func (r *results) cellOf(lib string, c cellInfo) *echoResult {
	if lib == ceiling {
		return r.ceilingOf(c)
	}
	_, e := r.best(lib, c.Key)
	if e == nil {
		// Report an error of any mode rather than nothing.
		for _, v := range r.Variants {
			if libOf(v) == lib && r.Echo[v][c.Key] != nil {
				return r.Echo[v][c.Key]
			}
		}
	}
	return e
}

func (r *results) cellText(e *echoResult, f func(*echoResult) string) string {
	switch {
	case e == nil:
		return "–"
	case !e.ok():
		return "error"
	}
	return f(e)
}

// ratioText is ours ÷ theirs of metric f, naming the peer.
func ratioText(o, peer *echoResult, name string, f func(*echoResult) float64) string {
	if !o.ok() || !peer.ok() {
		return "–"
	}
	return fmt.Sprintf("%s (%s)", ratio(f(o)/f(peer)), name)
}

func (r *results) oursTable(h string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s wirefast per cell\n\n", h)
	b.WriteString("Target: ≥ 1.2× the best peer's msgs/s, or (where the ceiling shows the cell bound by the client or the kernel) a server CPU per message ≥ 20 % below the leanest peer's. " +
		"\"out of reach\": the cell is bound, and the least kernel time of any server per message is over 0.8× the leanest peer's whole CPU. " +
		"\"the TCP echo misses too\": the raw TCP echo, which does no WebSocket work, misses the target itself in each of its modes. Client CPU is the load generator's, per message.\n\n")
	t := newTable("cell", "mode", "msgs/s", "MB/s", "÷ best peer", "÷ tcp", "CPU µs/msg", "÷ leanest peer", "client µs/msg", "p50 µs", "p99 µs", "target")
	for _, c := range r.Cells {
		v, o := r.best(ours, c.Key)
		if !o.ok() {
			t.add(c.Label, "–", "–", "–", "–", "–", "–", "–", "–", "–", "–", "–")
			continue
		}
		peer, bp := r.bestPeer(c.Key)
		lib, cpu := r.leanestPeerCPU(c.Key)
		cpuRatio := "–"
		if lib != "" {
			cpuRatio = fmt.Sprintf("%s (%s)", ratio(o.ServerCPU/cpu), lib)
		}
		tcpRatio := "–"
		if ce := r.ceilingOf(c); ce.ok() {
			tcpRatio = ratio(o.MsgsPerSec / ce.MsgsPerSec)
		}
		t.add(c.Label, modeOf(v), rate(o.MsgsPerSec)+" ±"+pct(o.Spread), num(o.MsgsPerSec*float64(c.Size)/1e6),
			ratioText(o, bp, peer, func(e *echoResult) float64 { return e.MsgsPerSec }), tcpRatio,
			num(o.ServerCPU), cpuRatio, num(o.ClientCPU), num(o.Result.P50), num(o.Result.P99), r.verdict(c))
	}
	b.WriteString(t.String())
	return b.String()
}

// modesTable shows wirefast in each of its modes, and which mode won for
// the peers that have several.
func (r *results) modesTable(h string) string {
	var ourModes []string
	multi := map[string]int{}
	for _, v := range r.Variants {
		lib := libOf(v)
		if lib == ours {
			ourModes = append(ourModes, v)
		}
		multi[lib]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Modes\n\n", h)
	b.WriteString("wirefast in each mode, msgs/s and server CPU µs/msg (the fastest is the one reported above); ")
	b.WriteString("read = a goroutine per connection looping on ReadInto/Write, receive = Conn.Receive (epoll, no goroutine while idle); ")
	b.WriteString("raw = AcceptConn, http = net/http and Accept. Last columns: the mode that won for the peers that have several.\n\n")
	head := []string{"cell"}
	for _, v := range ourModes {
		head = append(head, modeOf(v))
	}
	var multiPeers []string
	for _, l := range r.peers() {
		if multi[l] > 1 {
			multiPeers = append(multiPeers, l)
			head = append(head, l)
		}
	}
	t := newTable(head...)
	for _, c := range r.Cells {
		row := []string{c.Label}
		for _, v := range ourModes {
			row = append(row, r.cellText(r.Echo[v][c.Key], func(e *echoResult) string {
				return rate(e.MsgsPerSec) + " / " + num(e.ServerCPU)
			}))
		}
		for _, l := range multiPeers {
			v, e := r.best(l, c.Key)
			if e.ok() {
				row = append(row, modeOf(v))
			} else {
				row = append(row, "–")
			}
		}
		t.add(row...)
	}
	b.WriteString(t.String())
	return b.String()
}

// errors lists the cells that failed.
func (r *results) errors(h string) string {
	var lines []string
	for _, v := range r.Variants {
		for _, c := range r.Cells {
			if e := r.Echo[v][c.Key]; e != nil && e.Err != "" {
				lines = append(lines, fmt.Sprintf("- %s, %s: %s", v, c.Label, firstLine(e.Err)))
			}
		}
	}
	lines = append(lines, idleErrors("idle", r.Idle)...)
	lines = append(lines, idleErrors("idle deflate", r.IdleDeflate)...)
	if len(lines) == 0 {
		return ""
	}
	slices.Sort(lines)
	return fmt.Sprintf("\n%s Errors\n\n%s\n", h, strings.Join(lines, "\n"))
}

// idleErrors lists the idle measurements of rs that failed, each line
// naming the measurement.
func idleErrors(measurement string, rs []idleResult) []string {
	var lines []string
	for _, ir := range rs {
		if ir.Err != "" {
			lines = append(lines, fmt.Sprintf("- %s %s: %s", measurement, ir.Variant, firstLine(ir.Err)))
		}
	}
	return lines
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
