package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wirefast/websocket/bench/internal/procstat"
)

// idleTimeout bounds each step of the idle measurement: opening the
// connections, and echoing once on each.
const idleTimeout = 3 * time.Minute

// idleResult is one variant's memory per idle connection.
type idleResult struct {
	Variant string
	Conns   int
	// VmRSS of the server, in bytes: before any connection, with the
	// connections idle, and after one echo on each; the GC figures after
	// a forced collection that returned freed memory to the system
	// (SIGUSR1, see echo.Main).
	Before, Idle, Echoed       int64
	BeforeGC, IdleGC, EchoedGC int64
	Err                        string `json:",omitempty"`
}

// IdleKiB returns the KiB per connection, idle and after one echo.
func (r idleResult) IdleKiB() (idle, echoed float64) {
	n := float64(r.Conns) * 1024
	return float64(r.Idle-r.Before) / n, float64(r.Echoed-r.Before) / n
}

// IdleKiBGC is IdleKiB after forced collections.
func (r idleResult) IdleKiBGC() (idle, echoed float64) {
	n := float64(r.Conns) * 1024
	return float64(r.IdleGC-r.BeforeGC) / n, float64(r.EchoedGC-r.BeforeGC) / n
}

// runIdle measures every variant marked Idle, each in a fresh server
// process.
func runIdle(o *options, vs []variant, res *results) {
	for _, v := range vs {
		if !v.idle {
			continue
		}
		r, err := measureIdle(o, v)
		if err != nil {
			r.Err = err.Error()
			logf("idle %-22s error: %v", v, err)
		} else {
			idle, echoed := r.IdleKiB()
			idleGC, echoedGC := r.IdleKiBGC()
			logf("idle %-22s %6.2f KiB/conn idle, %6.2f after one echo (after GC: %.2f, %.2f)", v, idle, echoed, idleGC, echoedGC)
		}
		res.Idle = append(res.Idle, r)
	}
}

// measureIdle reads the server's VmRSS before o.idleConns connections,
// with them idle, and after one echo on each.
func measureIdle(o *options, v variant) (idleResult, error) {
	r := idleResult{Variant: v.String(), Conns: o.idleConns}
	s, err := startServer(o.bin, v, -1, false)
	if err != nil {
		return r, err
	}
	defer s.stop()
	// rss reads VmRSS after the settling time, then again after a forced
	// collection.
	rss := func(plain, collected *int64) error {
		time.Sleep(o.settle)
		if !s.alive() {
			return fmt.Errorf("server died: %s", s.stderr)
		}
		var err error
		if *plain, err = procstat.RSS(s.pid); err != nil {
			return err
		}
		if err := syscall.Kill(s.pid, syscall.SIGUSR1); err != nil {
			return err
		}
		time.Sleep(o.settle)
		*collected, err = procstat.RSS(s.pid)
		return err
	}
	if err := rss(&r.Before, &r.BeforeGC); err != nil {
		return r, err
	}
	cmd := exec.Command(filepath.Join(o.bin, "loadgen"), "-addr", s.addr, "-proto", v.proto, "-idle", strconv.Itoa(o.idleConns))
	stderr := &tail{}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return r, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	if err := cmd.Start(); err != nil {
		return r, err
	}
	defer func() {
		stdin.Close()
		waited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-waited
		}
	}()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- strings.TrimSpace(sc.Text())
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	expect := func(want string) error {
		select {
		case l, ok := <-lines:
			if !ok || l != want {
				return fmt.Errorf("loadgen said %q, want %q; stderr: %s", l, want, stderr)
			}
			return nil
		case <-time.After(idleTimeout):
			_ = cmd.Process.Kill()
			return fmt.Errorf("loadgen: no %q after %v", want, idleTimeout)
		}
	}
	if err := expect("ready"); err != nil {
		return r, err
	}
	if err := rss(&r.Idle, &r.IdleGC); err != nil {
		return r, err
	}
	if _, err := io.WriteString(stdin, "echo\n"); err != nil {
		return r, err
	}
	if err := expect("echoed"); err != nil {
		return r, err
	}
	if err := rss(&r.Echoed, &r.EchoedGC); err != nil {
		return r, err
	}
	return r, nil
}

// idleRatios returns wirefast's leanest mode's KiB per connection over
// the leanest peer's, idle and after one echo, and whether both were
// measured.
func (r *results) idleRatios() (idle, echoed float64, ok bool) {
	leanIdle, leanEcho := math.Inf(1), math.Inf(1)
	oursIdle, oursEcho := math.Inf(1), math.Inf(1)
	for _, ir := range r.Idle {
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

func (r *results) idleTable(h string) string {
	if len(r.Idle) == 0 {
		return ""
	}
	var b strings.Builder
	conns := r.Idle[0].Conns
	fmt.Fprintf(&b, "\n%s Idle memory, KiB per connection\n\n", h)
	fmt.Fprintf(&b, "Server VmRSS with %d idle loopback connections (client in another process), minus VmRSS before them; then after one 16-byte echo on each. Each server in a fresh process. The GC columns read VmRSS again after a forced collection that returns freed memory to the system (debug.FreeOSMemory in the server, on SIGUSR1): what the connections keep, without the garbage of their handshakes. The targets use the plain figures.\n\n", conns)
	t := newTable("server", "mode", "idle", "after one echo", "idle, GC", "after one echo, GC")
	for _, ir := range r.Idle {
		lib := libOf(ir.Variant)
		if ir.Err != "" {
			t.add(lib, modeOf(ir.Variant), "error", "error", "error", "error")
			continue
		}
		idle, echoed := ir.IdleKiB()
		idleGC, echoedGC := ir.IdleKiBGC()
		t.add(lib, modeOf(ir.Variant), num(idle), num(echoed), num(idleGC), num(echoedGC))
	}
	b.WriteString(t.String())
	if idle, echoed, ok := r.idleRatios(); ok {
		fmt.Fprintf(&b, "\nwirefast's leanest mode ÷ the leanest peer: %s idle, %s after one echo (target ≤ 0.5×).\n",
			ratio(idle), ratio(echoed))
	}
	return b.String()
}
