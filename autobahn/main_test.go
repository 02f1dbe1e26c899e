package autobahn

import (
	"os"
	"testing"

	"github.com/wirefast/websocket/internal/leakcheck"
)

// TestMain fails the run when goroutines of this package outlive the
// tests: every session, writer, reader, timer and server goroutine must
// end with its case or server. (leakcheck imports nothing of the
// library, so the checker still shares no code with what it checks.)
func TestMain(m *testing.M) {
	os.Exit(leakcheck.Run(m, "github.com/wirefast/websocket/autobahn."))
}
