package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// skipEnv, set to 1 outside CI, skips the tests that need a program the
// machine lacks (redis-server here, Chromium in e2e/), saying so loudly.
// In CI (CI set) a missing program always fails the tests.
const skipEnv = "WIREFAST_SKIP_E2E"

// requireProgram returns the path of the program the test needs, and
// fails the test (or skips it, loudly, when skipEnv allows) when it is
// missing.
func requireProgram(t *testing.T, name, debianPackage string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	if path := "/usr/bin/" + name; isExecutable(path) {
		return path
	}
	msg := fmt.Sprintf("%s not found: install it with `bash scripts/install-e2e.sh` (Debian package %s)", name, debianPackage)
	if os.Getenv(skipEnv) == "1" && os.Getenv("CI") == "" {
		fmt.Fprintf(os.Stderr, "\n*** SKIPPING %s: %s; %s=1 is set ***\n\n", t.Name(), msg, skipEnv)
		t.Skipf("SKIPPED (%s=1): %s", skipEnv, msg)
	}
	t.Fatalf("%s (or, outside CI, set %s=1 to skip the tests that need it)", msg, skipEnv)
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func init() {
	// go-redis logs its reconnection attempts through one process-wide
	// logger; the servers of the tests log to their own buffers.
	redis.SetLogger(redisLogger{slog.New(slog.DiscardHandler)})
}

// startRedis starts a redis-server of the test's own, on a free loopback
// port with a temporary directory and no persistence, and returns its
// URL. The server is stopped when the test ends.
func startRedis(t *testing.T) string {
	url, _ := startRedisStoppable(t)
	return url
}

// startRedisStoppable is startRedis that also returns a func stopping
// the server early.
func startRedisStoppable(t *testing.T) (url string, stop func()) {
	url, stop, _ = startRedisRestartable(t)
	return url, stop
}

// startRedisRestartable is startRedisStoppable that also returns a func
// starting a new, empty server on the same port once the first stopped.
func startRedisRestartable(t *testing.T) (url string, stop, restart func()) {
	t.Helper()
	path := requireProgram(t, "redis-server", "redis-server")
	dir := t.TempDir()
	// A free port can be taken between finding it and redis-server binding
	// it: try again then.
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		url, stop, err := runRedis(t, path, dir, port)
		if err == nil {
			restart := func() {
				t.Helper()
				if _, _, err := runRedis(t, path, dir, port); err != nil {
					t.Fatalf("restarting redis-server: %v", err)
				}
			}
			return url, stop, restart
		}
		lastErr = err
	}
	t.Fatalf("starting redis-server: %v", lastErr)
	return "", nil, nil
}

// runRedis starts redis-server on port and waits until it answers.
func runRedis(t *testing.T, path, dir string, port int) (string, func(), error) {
	logFile := filepath.Join(dir, "redis-"+strconv.Itoa(port)+".log")
	cmd := exec.Command(path,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--logfile", logFile)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			logText, _ := os.ReadFile(logFile)
			return "", nil, fmt.Errorf("redis-server exited (%v): %s", werr, logText)
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return "", nil, fmt.Errorf("redis-server on port %d does not answer: %v", port, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		})
	}
	t.Cleanup(stop)
	return url, stop, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// redisBusAt returns a bus factory for startServer: a Redis bus on url
// with heartbeats of ttl (0 for the default).
func redisBusAt(url string, ttl time.Duration) func(t *testing.T, h *hub, log *slog.Logger) (bus, string) {
	return func(t *testing.T, h *hub, log *slog.Logger) (bus, string) {
		t.Helper()
		b, err := newRedisBus(context.Background(), url, h, log, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return b, b.Process()
	}
}

// app is what the handler tests run against: one process with the
// memory bus, or two processes (two servers, two Redis buses) sharing one
// real Redis, which must behave as one.
type app struct {
	name    string
	servers int // > 1 only with Redis
	redis   bool
}

var apps = []app{
	{name: "memory", servers: 1},
	{name: "redis-two-processes", servers: 2, redis: true},
}

// start starts the app's servers with cfg.
func (a app) start(t *testing.T, cfg serverConfig, opts ...serverOption) []*testServer {
	t.Helper()
	if a.redis {
		url := startRedis(t)
		opts = append(opts, withBus(redisBusAt(url, 0)))
	}
	servers := make([]*testServer, a.servers)
	for i := range servers {
		servers[i] = startServer(t, cfg, opts...)
	}
	return servers
}

// forEachApp runs test against each app.
func forEachApp(t *testing.T, test func(t *testing.T, a app)) {
	for _, a := range apps {
		t.Run(a.name, func(t *testing.T) { test(t, a) })
	}
}
