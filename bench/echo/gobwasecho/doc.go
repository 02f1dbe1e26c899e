// Package gobwasecho is the echo server of github.com/gobwas/ws, driven
// through its low-level API (ws.Upgrade on the raw connection,
// ReadHeaderBuffer, Cipher, WriteHeaderBuffer), in three modes: "bufio"
// reads through a 4 KiB bufio.Reader and keeps its message buffer (the
// fast way), "direct" reads headers and payloads straight from the socket
// and borrows message buffers from a pool (the lean way), and "batch" is
// bufio with the echoes gathered in a bufio.Writer that is flushed when
// the reader has no more input buffered: the batching of pipelined
// replies that wirefast's CoalesceWrites does, which gobwas's low-level
// API leaves to its caller.
package gobwasecho
