package websocket

import (
	"testing"
	"unsafe"

	"github.com/wirefast/websocket/deflate"
)

// TestIdleSizes keeps what every idle connection holds within its
// allocation size class: a server holding many idle connections in
// Receive mode pays for these and little else (BenchmarkIdleConn), so
// each step up a class is paid once per connection. What few connections
// need (Reader, Writer, pings, context watches, compressors) is made on
// first use behind a pointer, or borrowed; do the same rather than raise
// a limit.
func TestIdleSizes(t *testing.T) {
	for _, tc := range []struct {
		name       string
		size, want uintptr // want: the size class it must stay within
	}{
		{"Conn", unsafe.Sizeof(Conn{}), 480},                    // next class 512
		{"receiver", unsafe.Sizeof(receiver{}), 32},             // next class 48
		{"deflate.Config", unsafe.Sizeof(deflate.Config{}), 48}, // next class 64
	} {
		t.Logf("%s is %d bytes", tc.name, tc.size)
		if tc.size > tc.want {
			t.Errorf("%s is %d bytes, over the %d-byte size class", tc.name, tc.size, tc.want)
		}
	}
}
