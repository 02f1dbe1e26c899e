package websocket

import (
	"testing"
	"unsafe"
)

// TestConnSize keeps a Conn within the 576-byte allocation size class:
// a server holding many idle connections in Receive mode pays for the
// Conn and little else (BenchmarkIdleConn), so the next class, 640 bytes,
// is 2 % more memory per idle connection. What few connections need
// (Reader, Writer, control payloads, pings, context watches) is
// made on first use behind a pointer; do the same rather than raise the
// limit.
func TestConnSize(t *testing.T) {
	size := unsafe.Sizeof(Conn{})
	t.Logf("Conn is %d bytes", size)
	if size > 576 {
		t.Errorf("Conn is %d bytes, over the 576-byte size class", size)
	}
}
