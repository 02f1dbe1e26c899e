package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// wait is how long goroutines get to end after the tests.
const wait = 5 * time.Second

// Run runs the tests and returns the exit code for os.Exit: m.Run's, or
// 1 when the tests passed but goroutines whose stacks contain match are
// still running after a grace period (their stacks go to stderr). The
// test runner, the library's process-wide poller and its idle workers do
// not count.
func Run(m *testing.M, match string) int {
	code := m.Run()
	if code != 0 {
		return code
	}
	if leaked := Leaked(wait, match); leaked != "" {
		fmt.Fprintf(os.Stderr, "leaked goroutines:\n%s\n", leaked)
		return 1
	}
	return 0
}

// Leaked returns the stacks of the goroutines whose stacks contain
// match, other than the test runner, this check and the poller, after
// giving them up to d to end; "" when none is left.
func Leaked(d time.Duration, match string) string {
	deadline := time.Now().Add(d)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, match) &&
				!strings.Contains(g, "testing.(*M).Run") && !strings.Contains(g, "leakcheck.Leaked") &&
				!strings.Contains(g, "netpoll.(*Poller).loop") && // the process-wide poller
				!idleWorker(g) {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// idleWorker reports whether the goroutine of stack g is one of the
// poller's workers waiting for a function to run: blocked receiving, in
// the worker loop itself. A worker still inside a function (a handler
// that never returned) counts as leaked.
func idleWorker(g string) bool {
	lines := strings.Split(g, "\n")
	if !strings.Contains(lines[0], "[chan receive") {
		return false
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "runtime.") {
			continue
		}
		return strings.Contains(l, "netpoll.(*workers).loop")
	}
	return false
}
