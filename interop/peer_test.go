package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bounds on the peer processes.
const (
	// checkTimeout bounds the check that a peer library is installed.
	checkTimeout = 30 * time.Second
	// peerLifetime bounds a peer process; it is killed after that.
	peerLifetime = 3 * time.Minute
	// startTimeout bounds waiting for a peer server to listen.
	startTimeout = 30 * time.Second
	// exitTimeout bounds waiting for a peer process to exit once asked to.
	exitTimeout = 10 * time.Second
)

// skipEnv names the variable that skips the interop tests on a machine
// without the peers. CI never sets it.
const skipEnv = "WIREFAST_SKIP_INTEROP"

const installHint = "run `bash scripts/install-peers.sh` (as root) to install the interop peers " +
	"(Debian python3-websockets for /usr/bin/python3, Node ws into interop/peers/node_modules), " +
	"or set " + skipEnv + "=1 to skip these tests locally"

// peerKind is a peer library and the script that drives it.
type peerKind struct {
	name    string   // for messages: "python-websockets"
	program string   // the interpreter
	script  string   // in peers/
	check   []string // arguments that print the library's version, or fail

	once    sync.Once
	version string
	err     error
}

var (
	// pythonPeer is Debian's python3-websockets, run with Debian's python:
	// the python3 first on PATH may be another one without the package.
	pythonPeer = &peerKind{
		name:    "python-websockets",
		program: "/usr/bin/python3",
		script:  "python_peer.py",
		check:   []string{"-c", "import websockets; print(websockets.__version__)"},
	}
	// nodePeer is ws, installed by npm in peers/node_modules.
	nodePeer = &peerKind{
		name:    "node-ws",
		program: "node",
		script:  "node_peer.js",
		check:   []string{"-e", "console.log(require('ws/package.json').version)"},
	}
)

// peersDir returns the absolute path of the peer scripts.
func peersDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("peers")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// requirePeer fails t unless k's library is installed; with skipEnv=1
// outside CI it skips instead.
func requirePeer(t *testing.T, k *peerKind) {
	t.Helper()
	if os.Getenv(skipEnv) == "1" {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" {
			t.Fatalf("%s=1 is set in CI (CI=%s): the interop tests must run in CI, not be skipped", skipEnv, ci)
		}
		t.Skipf("SKIPPING interop tests against %s because %s=1: nothing was checked against it; CI never skips", k.name, skipEnv)
	}
	k.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, k.program, k.check...)
		cmd.Dir = peersDir(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			k.err = fmt.Errorf("%s %s: %v\n%s", k.program, strings.Join(k.check, " "), err, out)
			return
		}
		k.version = strings.TrimSpace(string(out))
	})
	if k.err != nil {
		t.Fatalf("interop peer %s is not installed: %v\n%s", k.name, k.err, installHint)
	}
	t.Logf("peer %s %s", k.name, k.version)
}

// event is one JSON line a peer prints; see README.md.
type event struct {
	Event      string   `json:"event"` // listening, open, closed, error; "output" for a non-JSON line
	Port       int      `json:"port,omitempty"`
	Path       string   `json:"path,omitempty"`
	Extensions []string `json:"extensions,omitempty"`
	Negotiated string   `json:"negotiated,omitempty"` // the handshake response's Sec-WebSocket-Extensions
	Code       int      `json:"code,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// peer is a running peer process.
type peer struct {
	kind  *peerKind
	args  []string
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu      sync.Mutex
	events  []event
	changed chan struct{} // closed and replaced when an event arrives
	stderr  bytes.Buffer
	exitErr error
	done    chan struct{} // closed once the process has exited
}

// startPeer starts k's script with args. The process ends when t's test
// ends (stdin is closed, then it is killed if it lingers) and after
// peerLifetime in any case; what it printed is logged if t failed.
func startPeer(t *testing.T, k *peerKind, args ...string) *peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), peerLifetime)
	cmd := exec.CommandContext(ctx, k.program, append([]string{k.script}, args...)...)
	cmd.Dir = peersDir(t)
	cmd.WaitDelay = exitTimeout
	p := &peer{kind: k, args: args, cmd: cmd, changed: make(chan struct{}), done: make(chan struct{})}
	cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The peer exits when stdin reaches end of file: if this test process
	// dies, so do its peers.
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v\n%s", p, err, installHint)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = event{Event: "output", Error: sc.Text()}
			}
			p.add(ev)
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(p.done)
		cancel()
	}()
	t.Cleanup(func() {
		p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(exitTimeout):
			cancel()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s printed:\n%s", p, p.transcript())
		}
	})
	return p
}

func (p *peer) String() string {
	return strings.Join(append([]string{p.kind.program, p.kind.script}, p.args...), " ")
}

func (p *peer) add(ev event) {
	p.mu.Lock()
	p.events = append(p.events, ev)
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// transcript returns the events and standard error of the peer so far.
func (p *peer) transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	for _, ev := range p.events {
		j, _ := json.Marshal(ev)
		b.Write(j)
		b.WriteByte('\n')
	}
	if p.stderr.Len() > 0 {
		b.WriteString("stderr:\n")
		b.Write(p.stderr.Bytes())
	}
	return b.String()
}

// errPeerExited is returned by wait when the peer ended before the event.
var errPeerExited = errors.New("peer exited")

// wait returns the first event for which match is true, waiting for it
// until ctx is done or the peer exits.
func (p *peer) wait(ctx context.Context, match func(event) bool) (event, error) {
	for {
		// Every event is added before done is closed, so a scan after the
		// exit sees them all.
		exited := isDone(p.done)
		p.mu.Lock()
		for _, ev := range p.events {
			if match(ev) {
				p.mu.Unlock()
				return ev, nil
			}
		}
		changed := p.changed
		p.mu.Unlock()
		if exited {
			return event{}, fmt.Errorf("%w (%v) before the awaited event", errPeerExited, p.exitError())
		}
		select {
		case <-changed:
		case <-p.done:
		case <-ctx.Done():
			return event{}, fmt.Errorf("waiting for a peer event: %w", ctx.Err())
		}
	}
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// errorEvents returns the error events about path or about no path,
// and the lines that were not JSON.
func (p *peer) errorEvents(path string) []event {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []event
	for _, ev := range p.events {
		if (ev.Event == "error" && (ev.Path == path || ev.Path == "")) || ev.Event == "output" {
			errs = append(errs, ev)
		}
	}
	return errs
}

// exitError returns how the process ended; call after done is closed.
func (p *peer) exitError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitErr
}

// connect has a peer client connect to url once its previous connection
// has closed.
func (p *peer) connect(t *testing.T, url string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, url+"\n"); err != nil {
		t.Fatalf("asking %s to connect to %s: %v", p, url, err)
	}
}

// end closes the peer's stdin, which makes it exit once its connections
// have closed, and checks that it exits with status 0.
func (p *peer) end(t *testing.T) {
	t.Helper()
	p.stdin.Close()
	select {
	case <-p.done:
		if err := p.exitError(); err != nil {
			t.Errorf("%s exited with %v, want status 0", p, err)
		}
	case <-time.After(exitTimeout):
		t.Errorf("%s did not exit within %v of the end of its input", p, exitTimeout)
	}
}

// lockedWriter serializes writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
