//go:build !unix

package websocket

const rawReadSupported = false

func (r *readBuf) rawRead(fd uintptr) bool { panic("unreachable") }
