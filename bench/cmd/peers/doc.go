// Command peers runs the peer benchmark: the echo matrix against every
// library's echo server and the raw TCP ceiling, the idle-memory
// measurement (with -compress also on connections with permessage-deflate;
// -only-idle runs the idle measurements alone) and the micro-benchmarks,
// and writes a dated markdown report (with the raw numbers as JSON beside
// it) under -out. With -docs it also rewrites the "## Peer comparison"
// section of docs/performance.md.
//
// It expects the binaries of ./cmd/... in -bin; `make bench-peers` builds
// them and runs it from the bench module's directory.
//
// Servers and the load generator are separate processes. Cells are run
// interleaved, every server for one cell before the next cell (starting
// with a different server each time), so that a change in the machine's
// load spreads over all libraries instead of landing on one.
package main
