package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds starting a wsdemo or redis-server process, and
// stopTimeout its graceful stop.
const (
	startTimeout = 20 * time.Second
	stopTimeout  = 20 * time.Second
)

// wsdemo is a running wsdemo process.
type wsdemo struct {
	url  string // http(s)://127.0.0.1:PORT/
	cert string // the generated certificate's file, with -tls
	logs *lines
}

// lines collects a process's output.
type lines struct {
	mu   sync.Mutex
	text strings.Builder
}

func (l *lines) add(s string) {
	l.mu.Lock()
	l.text.WriteString(s + "\n")
	l.mu.Unlock()
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text.String()
}

// startWsdemo runs wsdemo with args on a free loopback port until the
// test ends, then stops it with SIGTERM and checks that it shut down
// cleanly.
func startWsdemo(t *testing.T, args ...string) *wsdemo {
	t.Helper()
	args = append([]string{"-addr", "127.0.0.1:0", "-log-format", "json"}, args...)
	cmd := exec.Command(wsdemoBin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &wsdemo{logs: &lines{}}
	ready := make(chan struct{})
	var readyOnce sync.Once
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			w.logs.add(sc.Text())
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				continue
			}
			if cert, ok := rec["cert"].(string); ok {
				w.cert = cert // before "listening": read after ready
			}
			if url, ok := rec["url"].(string); ok && rec["msg"] == "listening" {
				w.url = url
				readyOnce.Do(func() { close(ready) })
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-scanned
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("wsdemo %q exited with %v after SIGTERM; its log:\n%s", args, err, w.logs)
			}
		case <-time.After(stopTimeout):
			cmd.Process.Kill()
			<-exited
			t.Errorf("wsdemo %q did not stop within %v of SIGTERM; its log:\n%s", args, stopTimeout, w.logs)
		}
		if t.Failed() || os.Getenv("E2E_DEBUG") != "" {
			t.Logf("wsdemo %q log:\n%s", args, w.logs)
		}
	})
	select {
	case <-ready:
	case err := <-exited:
		exited <- err // for the cleanup
		t.Fatalf("wsdemo %q exited before listening (%v):\n%s", args, err, w.logs)
	case <-time.After(startTimeout):
		t.Fatalf("wsdemo %q did not listen within %v:\n%s", args, startTimeout, w.logs)
	}
	return w
}

// startRedis starts a redis-server of the test's own on a free loopback
// port, with a temporary directory and no persistence, and returns its
// URL. It fails the test when redis-server is missing (skips it, loudly,
// when skipEnv allows).
func startRedis(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil && isExecutable("/usr/bin/redis-server") {
		path, err = "/usr/bin/redis-server", nil
	}
	if err != nil {
		msg := "redis-server not found: install it with `bash scripts/install-e2e.sh` (Debian package redis-server)"
		if skipAllowed() {
			fmt.Fprintf(os.Stderr, "\n*** e2e: SKIPPING %s: %s; %s=1 is set ***\n\n", t.Name(), msg, skipEnv)
			t.Skipf("SKIPPED (%s=1): %s", skipEnv, msg)
		}
		t.Fatalf("%s (outside CI, %s=1 skips the tests that need it)", msg, skipEnv)
	}
	dir := t.TempDir()
	for range 5 { // the free port may be taken before redis-server binds it
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		logFile := filepath.Join(dir, "redis-"+strconv.Itoa(port)+".log")
		cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", logFile)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if waitPort(port, exited) {
			t.Cleanup(func() {
				cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(stopTimeout):
					cmd.Process.Kill()
					<-exited
				}
			})
			return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
		}
		cmd.Process.Kill()
		logText, _ := os.ReadFile(logFile)
		t.Logf("redis-server on port %d did not start:\n%s", port, logText)
	}
	t.Fatal("could not start redis-server")
	return ""
}

// waitPort reports whether a redis-server answers PING on port before it
// exits or startTimeout passes.
func waitPort(port int, exited <-chan error) bool {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			_ = err
			return false
		default:
		}
		if pingRedis(port) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// pingRedis sends PING in the Redis protocol and expects +PONG.
func pingRedis(port int) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(time.Second))
	if _, err := nc.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(nc).ReadString('\n')
	return err == nil && line == "+PONG\r\n"
}
