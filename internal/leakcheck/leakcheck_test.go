package leakcheck

import "testing"

func TestIdleWorker(t *testing.T) {
	tests := []struct {
		name  string
		stack string
		want  bool
	}{
		{"idle worker", `goroutine 21 [chan receive]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
runtime.chanrecv(0xc000100000, 0xc00004c7a8, 0x1)
	/usr/local/go/src/runtime/chan.go:667 +0x445
runtime.chanrecv1(0x0?, 0x0?)
	/usr/local/go/src/runtime/chan.go:509 +0x12
github.com/wirefast/websocket/internal/netpoll.(*workers).loop(0xc000118000, 0x0?)
	/work/internal/netpoll/workers_linux.go:36 +0x45
created by github.com/wirefast/websocket/internal/netpoll.(*workers).run in goroutine 7
	/work/internal/netpoll/workers_linux.go:23 +0x65`, true},
		{"worker in a handler that never returned", `goroutine 22 [chan receive]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
runtime.chanrecv1(0x0?, 0x0?)
	/usr/local/go/src/runtime/chan.go:509 +0x12
example.com/app.handler(...)
	/app/main.go:12 +0x20
github.com/wirefast/websocket/internal/netpoll.(*workers).loop(0xc000118000, 0x0?)
	/work/internal/netpoll/workers_linux.go:31 +0x45`, false},
		{"worker blocked on I/O", `goroutine 23 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
github.com/wirefast/websocket/internal/netpoll.(*workers).loop(0xc000118000, 0x0?)
	/work/internal/netpoll/workers_linux.go:31 +0x45`, false},
		{"another receive", `goroutine 24 [chan receive]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
github.com/wirefast/websocket.(*Conn).waitClose(0xc0001)
	/work/close.go:80 +0x45`, false},
	}
	for _, tt := range tests {
		if got := idleWorker(tt.stack); got != tt.want {
			t.Errorf("%s: idleWorker = %v, want %v", tt.name, got, tt.want)
		}
	}
}
