package websocket_test

import (
	"net"
	"os"
	"testing"

	"github.com/wirefast/websocket/internal/leakcheck"
)

// TestMain fails the run when goroutines outlive the tests.
func TestMain(m *testing.M) {
	if spec := os.Getenv(idleClientEnv); spec != "" {
		runIdleClients(spec)
	}
	if spec := os.Getenv(idleServerEnv); spec != "" {
		runIdleServer(spec)
	}
	os.Exit(leakcheck.Run(m, "github.com/wirefast/websocket"))
}

// netPipe returns an in-memory connection pair; inside a synctest bubble
// its deadlines run on the bubble's clock.
func netPipe() (net.Conn, net.Conn) { return net.Pipe() }
