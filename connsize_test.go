package websocket

import (
	"testing"
	"unsafe"
)

// TestConnSize keeps a Conn within the 896-byte allocation size class:
// a server holding many idle connections in Receive mode pays for the
// Conn and little else (BenchmarkIdleConn), so 128 bytes more in the next
// class is 5 % more memory per idle connection. Move what few connections
// need behind a pointer, as watchSlot does, rather than raise the limit.
func TestConnSize(t *testing.T) {
	size := unsafe.Sizeof(Conn{})
	t.Logf("Conn is %d bytes", size)
	if size > 896 {
		t.Errorf("Conn is %d bytes, over the 896-byte size class", size)
	}
}
