package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// skipEnv, set to 1 outside CI, skips these tests, loudly, when Chromium
// or redis-server is missing. In CI (CI set) a missing program always
// fails them.
const skipEnv = "WIREFAST_SKIP_E2E"

// chromiumEnv overrides the Chromium binary (default /usr/bin/chromium).
const chromiumEnv = "WIREFAST_CHROMIUM"

var (
	// wsdemoBin is the wsdemo binary TestMain builds.
	wsdemoBin string
	// chromiumBin is the browser the tests drive.
	chromiumBin = "/usr/bin/chromium"
	// skipReason, when set, makes every test skip with it.
	skipReason string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if p := os.Getenv(chromiumEnv); p != "" {
		chromiumBin = p
	}
	if !isExecutable(chromiumBin) {
		msg := fmt.Sprintf("Chromium not found at %s: install it with `bash scripts/install-e2e.sh` (Debian package chromium), or point %s at it", chromiumBin, chromiumEnv)
		if !skipAllowed() {
			fmt.Fprintf(os.Stderr, "\ne2e: FAIL: %s (outside CI, %s=1 skips these tests)\n\n", msg, skipEnv)
			return 1
		}
		skipReason = fmt.Sprintf("SKIPPED (%s=1): %s", skipEnv, msg)
		fmt.Fprintf(os.Stderr, "\n*** e2e: %s ***\n\n", skipReason)
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "wsdemo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	wsdemoBin = filepath.Join(dir, "wsdemo")
	// The go.mod's tool directive makes the command buildable by its path,
	// inside or outside the repository's workspace.
	build := exec.Command("go", "build", "-o", wsdemoBin, "github.com/wirefast/websocket/cmd/wsdemo")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building wsdemo:", err)
		return 1
	}
	return m.Run()
}

// skipAllowed reports whether a missing program may skip the tests.
func skipAllowed() bool { return os.Getenv(skipEnv) == "1" && os.Getenv("CI") == "" }

// requireSetup skips the test when TestMain decided so.
func requireSetup(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
