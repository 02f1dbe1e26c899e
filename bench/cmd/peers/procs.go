package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wirefast/websocket/bench/internal/load"
)

// startTimeout bounds how long a server takes to report its address.
const startTimeout = 15 * time.Second

// server is a running echo server process.
type server struct {
	v       variant
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	addr    string
	version string
	pid     int
	stderr  *tail
	exited  chan struct{}
}

// pinned returns the command line that runs path under taskset on cpu,
// or unpinned when cpu is negative.
func pinned(cpu int, path string, args ...string) *exec.Cmd {
	if cpu < 0 {
		return exec.Command(path, args...)
	}
	return exec.Command("taskset", append([]string{"-c", strconv.Itoa(cpu), path}, args...)...)
}

// startServer starts v's binary from bin, pinned to cpu unless cpu is
// negative, with permessage-deflate when compress is true, and waits for
// its address. taskset execs the server, so the process is the server
// itself.
func startServer(bin string, v variant, cpu int, compress bool) (*server, error) {
	s := &server{v: v, stderr: &tail{}, exited: make(chan struct{})}
	s.cmd = pinned(cpu, filepath.Join(bin, v.cmd), "-mode", v.mode, "-compress="+strconv.FormatBool(compress))
	s.cmd.Stderr = s.stderr
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", v, err)
	}
	s.pid = s.cmd.Process.Pid
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case l := <-line:
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "listening" {
			s.addr, s.version = f[1], f[2]
			return s, nil
		}
		s.stop()
		return nil, fmt.Errorf("start %s: got %q; stderr: %s", v, l, s.stderr)
	case <-time.After(startTimeout):
		s.stop()
		return nil, fmt.Errorf("start %s: no address after %v; stderr: %s", v, startTimeout, s.stderr)
	}
}

// alive reports whether the server is still running.
func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop ends the server: closing its standard input asks it to exit; it
// is killed (by its own pid) if it has not within a few seconds.
func (s *server) stop() {
	s.stdin.Close()
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// runLoad runs one cell of echo load against s with the loadgen binary,
// pinned to cpu unless cpu is negative.
func runLoad(bin string, s *server, c cell, o *options, cpu int) (*load.Result, error) {
	cfg := o.loadConfig(c)
	args := []string{
		"-addr", s.addr,
		"-proto", s.v.proto,
		"-conns", strconv.Itoa(cfg.Conns),
		"-window", strconv.Itoa(cfg.Window),
		"-size", strconv.Itoa(cfg.Size),
		"-text=" + strconv.FormatBool(cfg.Text),
		"-compress=" + strconv.FormatBool(cfg.Compress),
		"-warmup", cfg.Warmup.String(),
		"-round", cfg.Round.String(),
		"-rounds", strconv.Itoa(cfg.Rounds),
		"-pid", strconv.Itoa(s.pid),
	}
	// Generous: a loaded machine stretches rounds well past their length.
	timeout := 4*(cfg.Warmup+time.Duration(cfg.Rounds)*cfg.Round) + 60*time.Second
	expired := time.NewTimer(timeout)
	defer expired.Stop()
	cmd := pinned(cpu, filepath.Join(bin, "loadgen"), args...)
	var stdout bytes.Buffer
	stderr := &tail{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-expired.C:
		_ = cmd.Process.Kill()
		<-done
		err = fmt.Errorf("timed out after %v", timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("loadgen: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var res load.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("loadgen output: %w", err)
	}
	if len(res.Rounds) == 0 {
		return nil, errors.New("loadgen: no rounds")
	}
	return &res, nil
}

// tail keeps the last bytes written to it, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

// tailSize is how much of a process's standard error is kept, in bytes.
const tailSize = 2 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
