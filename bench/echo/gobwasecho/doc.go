// Package gobwasecho is the echo server of github.com/gobwas/ws, driven
// through its low-level API (ws.Upgrade on the raw connection,
// ReadHeaderBuffer, Cipher, WriteHeaderBuffer), in two modes: "bufio"
// reads through a 4 KiB bufio.Reader and keeps its message buffer (the
// fast way), "direct" reads headers and payloads straight from the socket
// and borrows message buffers from a pool (the lean way).
package gobwasecho
