package autobahn_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirefast/websocket/autobahn"
)

// The agreement tests run the whole catalogue against two real WebSocket
// implementations, python-websockets (Debian python3-websockets) and Node's
// ws (npm, pinned in peers/node), each as an echo server (fuzzing client
// mode) and as a fuzzing-server client, and compare every verdict with the
// tables in testdata/peers. A missing peer fails the test with install
// instructions.
//
// AUTOBAHN_PEERS selects the run:
//
//	full (default)  all 517 cases; when the go test deadline is too close
//	                for that (the default -timeout 10m), quick instead
//	quick           all cases but rows 5-18 of every 12.x and 13.x subsection
//	skip            opt out locally (the test reports it skipped and why)
//
// -update-peers merges the observed verdicts into the tables.
var updatePeers = flag.Bool("update-peers", false, "merge observed verdicts into testdata/peers")

// installHint says how to install the peers.
const installHint = "run scripts/install-peers.sh (Debian python3-websockets; npm ci in autobahn/peers/node), " +
	"or set AUTOBAHN_PEERS=skip to opt out locally"

// peer is one reference implementation.
type peer struct {
	name   string
	check  []string                         // command that fails when the peer is missing
	server func(port int) []string          // echo server command
	client func(url, agent string) []string // fuzzing-server client command
}

func peersDir() string { return "peers" }

var peers = []peer{{
	name:  "python",
	check: []string{"/usr/bin/python3", "-c", "import websockets"},
	server: func(port int) []string {
		return []string{"/usr/bin/python3", filepath.Join(peersDir(), "python_echo.py"), "--port", fmt.Sprint(port), "--compress"}
	},
	client: func(url, agent string) []string {
		return []string{"/usr/bin/python3", filepath.Join(peersDir(), "python_client.py"), "--url", url, "--agent", agent, "--compress"}
	},
}, {
	name:  "node",
	check: []string{"node", "-e", "require('./" + filepath.Join(peersDir(), "node", "node_modules", "ws") + "')"},
	server: func(port int) []string {
		return []string{"node", filepath.Join(peersDir(), "node_echo.js"), "--port", fmt.Sprint(port), "--compress"}
	},
	client: func(url, agent string) []string {
		return []string{"node", filepath.Join(peersDir(), "node_client.js"), "--url", url, "--agent", agent, "--compress"}
	},
}}

// peerTable is the committed expectation for one peer and role: every
// case not listed must be OK/OK.
type peerTable struct {
	Peer  string               `json:"peer"`
	Notes string               `json:"notes"`
	Cases map[string]peerEntry `json:"cases"`
}

// peerEntry lists the verdicts ("BEHAVIOR/BEHAVIORCLOSE") accepted for a
// case and why the peer deviates from OK/OK.
type peerEntry struct {
	Allowed []string `json:"allowed"`
	Why     string   `json:"why"`
}

// fullPeerRun is how long the full agreement run may take: the four runs
// go concurrently and took 26 minutes together on the shared 2-core
// machine under load (Node ws, sections 12 and 13, is the slowest).
const fullPeerRun = 50 * time.Minute

// peerCases returns the include and exclude patterns for AUTOBAHN_PEERS.
func peerCases(t *testing.T) (string, []string) {
	mode := os.Getenv("AUTOBAHN_PEERS")
	switch mode {
	case "", "full":
		return "full", nil
	case "quick":
		var ex []string
		for _, sub := range []string{"12.1", "12.2", "12.3", "12.4", "12.5", "13.1", "13.2", "13.3", "13.4", "13.5", "13.6", "13.7"} {
			for row := 5; row <= 18; row++ {
				ex = append(ex, fmt.Sprintf("%s.%d", sub, row))
			}
		}
		return mode, ex
	case "skip":
		t.Skip("AUTOBAHN_PEERS=skip: agreement with python-websockets and Node ws NOT checked")
	}
	t.Fatalf("AUTOBAHN_PEERS=%q: want full, quick or skip", mode)
	return "", nil
}

func TestPeers(t *testing.T) {
	mode, exclude := peerCases(t)
	if dl, ok := t.Deadline(); ok && mode == "full" && time.Until(dl) < fullPeerRun {
		// go test's default 10 minute timeout cannot hold a full run.
		t.Logf("test deadline in %v: running AUTOBAHN_PEERS=quick; use -timeout %v for the full catalogue",
			time.Until(dl).Round(time.Second), fullPeerRun+10*time.Minute)
		os.Setenv("AUTOBAHN_PEERS", "quick")
		mode, exclude = peerCases(t)
		os.Unsetenv("AUTOBAHN_PEERS")
	}
	for _, p := range peers {
		if out, err := exec.Command(p.check[0], p.check[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("peer %s is not installed (%v: %s): %s", p.name, err, strings.TrimSpace(string(out)), installHint)
		}
	}
	// The four runs go concurrently (go test's -parallel defaults to
	// GOMAXPROCS, 2 here, and the runs mostly wait on the peers).
	type run struct {
		p       peer
		role    string
		results []autobahn.Result
		rerun   func(id string) (autobahn.Result, error)
		took    time.Duration
		errs    []string
	}
	ctx, cancel := context.WithTimeout(context.Background(), fullPeerRun)
	t.Cleanup(cancel)
	var runs []*run
	for _, p := range peers {
		for _, role := range []string{"server", "client"} {
			runs = append(runs, &run{p: p, role: role})
		}
	}
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			var err error
			if r.role == "server" {
				r.results, r.rerun, err = runPeerServer(t, ctx, r.p, exclude)
			} else {
				r.results, r.rerun, err = runPeerClient(t, ctx, r.p, exclude)
			}
			if err != nil {
				r.errs = append(r.errs, err.Error())
			}
			r.took = time.Since(start)
		}()
	}
	wg.Wait()
	for _, r := range runs {
		t.Run(r.p.name+"-"+r.role, func(t *testing.T) {
			for _, e := range r.errs {
				t.Error(e)
			}
			t.Logf("%s %s (%s run): %s in %v", r.p.name, r.role, mode, autobahn.Summarize(r.results), r.took.Round(time.Second))
			for _, s := range autobahn.SummarizeSections(r.results) {
				t.Logf("  section %s: %s", s.Section, s.Summary)
			}
			compareTable(t, filepath.Join("testdata", "peers", r.p.name+"-"+r.role+".json"), r.results, exclude, r.rerun)
		})
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startCommand starts a peer process that is killed when the test ends.
func startCommand(t *testing.T, ctx context.Context, argv []string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %q: %v (%s)", argv, err, installHint)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("output of %q:\n%s", argv, out.String())
		}
	})
	return cmd, nil
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runPeerServer runs the catalogue against the peer's echo server, which
// stays up until the test ends so that cases can be run again.
func runPeerServer(t *testing.T, ctx context.Context, p peer, exclude []string) ([]autobahn.Result, func(string) (autobahn.Result, error), error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	if _, err := startCommand(t, ctx, p.server(port)); err != nil {
		return nil, nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("peer %s server did not listen on %s: %v", p.name, addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	run := func(cases, exclude []string) ([]autobahn.Result, error) {
		return autobahn.RunClient(ctx, "ws://"+addr, &autobahn.ClientOptions{Agent: p.name, Cases: cases, Exclude: exclude})
	}
	results, err := run(nil, exclude)
	return results, func(id string) (autobahn.Result, error) { return one(run([]string{id}, nil)) }, err
}

// runPeerClient runs the peer's client against an in-process fuzzing
// server; cases run again with a fresh server and client.
func runPeerClient(t *testing.T, ctx context.Context, p peer, exclude []string) ([]autobahn.Result, func(string) (autobahn.Result, error), error) {
	run := func(cases, exclude []string) ([]autobahn.Result, error) {
		srv, err := autobahn.NewServer(&autobahn.ServerOptions{Cases: cases, Exclude: exclude})
		if err != nil {
			return nil, err
		}
		if err := srv.Start("127.0.0.1:0"); err != nil {
			return nil, err
		}
		cmd, err := startCommand(t, ctx, p.client(srv.URL(), p.name))
		if err == nil {
			if werr := cmd.Wait(); werr != nil {
				err = fmt.Errorf("peer %s client: %v", p.name, werr)
			}
		}
		if cerr := srv.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("Server.Close: %v", cerr)
		}
		return srv.Results(), err
	}
	results, err := run(nil, exclude)
	return results, func(id string) (autobahn.Result, error) { return one(run([]string{id}, nil)) }, err
}

// one returns the single result of a one-case run.
func one(rs []autobahn.Result, err error) (autobahn.Result, error) {
	if err == nil && len(rs) != 1 {
		err = fmt.Errorf("%d results from a one-case run", len(rs))
	}
	if err != nil {
		return autobahn.Result{}, err
	}
	return rs[0], nil
}

// timingRetries is how often a case whose verdict is not in the table
// runs again. The catalogue's timers are real (a 1 s close handshake, a
// 0.5 s kill timer in 6.x), so a peer starved of CPU on a loaded machine
// (-race, other jobs) can miss one; a real deviation repeats.
const timingRetries = 2

// verdictOf formats a result as in the tables.
func verdictOf(r autobahn.Result) string { return r.Behavior + "/" + r.BehaviorClose }

// compareTable checks every result against the table, or merges the
// observations into it under -update-peers.
func compareTable(t *testing.T, path string, results []autobahn.Result, exclude []string, rerun func(string) (autobahn.Result, error)) {
	t.Helper()
	var table peerTable
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &table); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	} else if !*updatePeers {
		t.Fatalf("%v (run with -update-peers to create it)", err)
	}
	if table.Cases == nil {
		table.Cases = map[string]peerEntry{}
	}
	got := map[string]string{}
	for _, r := range results {
		got[r.ID] = verdictOf(r)
	}
	want, _ := autobahn.Select(nil, exclude)
	if len(results) != len(want) {
		t.Errorf("%d results, want %d", len(results), len(want))
	}
	for _, c := range want {
		v, ok := got[c.ID]
		e, listed := table.Cases[c.ID]
		allowed := e.Allowed
		if !listed {
			allowed = []string{autobahn.OK + "/" + autobahn.OK}
		}
		for i := 0; ok && !slices.Contains(allowed, v) && !*updatePeers && i < timingRetries; i++ {
			r, err := rerun(c.ID)
			if err != nil {
				t.Errorf("case %s: run again: %v", c.ID, err)
				break
			}
			t.Logf("case %s: verdict %s not in the table, ran it again: %s", c.ID, v, verdictOf(r))
			v = verdictOf(r)
		}
		switch {
		case !ok:
			t.Errorf("case %s: no result", c.ID)
		case slices.Contains(allowed, v):
		case *updatePeers:
			if !listed {
				e = peerEntry{Why: "observed; not yet explained"}
			}
			e.Allowed = append(e.Allowed, v)
			sort.Strings(e.Allowed)
			table.Cases[c.ID] = e
		default:
			t.Errorf("case %s: verdict %s, table allows %v", c.ID, v, allowed)
		}
	}
	if *updatePeers {
		b, err := json.MarshalIndent(table, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
