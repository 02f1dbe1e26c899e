package main

import (
	"bufio"
	"fmt"
	"io"
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

// runIdle measures every variant of vs marked Idle, each in a fresh
// server process; with compress, the ones that can compress, on
// connections with permessage-deflate. It records the servers' versions
// in versions.
func runIdle(o *options, vs []variant, compress bool, versions map[string]string) []idleResult {
	label := "idle"
	if compress {
		label = "idle deflate"
	}
	var rs []idleResult
	for _, v := range vs {
		if !v.idleMeasured(compress) {
			continue
		}
		r, err := measureIdle(o, v, compress, versions)
		if err != nil {
			r.Err = err.Error()
			logf("%s %-22s error: %v", label, v, err)
		} else {
			idle, echoed := r.IdleKiB()
			idleGC, echoedGC := r.IdleKiBGC()
			logf("%s %-22s %6.2f KiB/conn idle, %6.2f after one echo (after GC: %.2f, %.2f)", label, v, idle, echoed, idleGC, echoedGC)
		}
		rs = append(rs, r)
	}
	return rs
}

// idleMeasured reports whether the idle measurement covers v: the
// modes marked Idle, and with compress only those that can compress.
func (v variant) idleMeasured(compress bool) bool {
	return v.idle && (v.deflate || !compress)
}

// measureIdle reads the server's VmRSS before o.idleConns connections,
// with them idle, and after one echo on each; with compress, server and
// connections use permessage-deflate (loadgen -compress). It records the
// server's version in versions.
func measureIdle(o *options, v variant, compress bool, versions map[string]string) (idleResult, error) {
	r := idleResult{Variant: v.String(), Conns: o.idleConns}
	s, err := startServer(o.bin, v, -1, compress)
	if err != nil {
		return r, err
	}
	defer s.stop()
	versions[v.lib] = s.version
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
	args := []string{"-addr", s.addr, "-proto", v.proto, "-idle", strconv.Itoa(o.idleConns)}
	if compress {
		args = append(args, "-compress")
	}
	cmd := exec.Command(filepath.Join(o.bin, "loadgen"), args...)
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
