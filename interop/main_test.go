package interop_test

import (
	"os"
	"testing"

	"github.com/wirefast/websocket/internal/leakcheck"
)

// TestMain fails the run when goroutines running our code outlive the
// tests: a connection that a close path forgot.
func TestMain(m *testing.M) {
	os.Exit(leakcheck.Run(m, "github.com/wirefast/websocket"))
}
