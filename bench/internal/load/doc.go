// Package load is the load generator of the peer benchmark, written on
// raw frames (package rawws) so that it measures the server, not a client
// library. [Run] drives echo traffic and measures it in rounds; [Idle]
// holds many connections open for the idle-memory measurement. The
// cmd/loadgen binary runs them in a process of its own.
//
// # Echo load
//
// Each connection has a writer and a reader goroutine. The writer sends
// a message whenever fewer than Window are in flight (Window 1 is the
// round-trip mode), several in one write when several are due; messages
// are masked once, up front, so the client spends nothing on masking.
// The reader reads the echoes, checks their type and length (and the
// first one's content), and records each one's latency: from just before
// its write to the end of its echo.
//
// With Config.Compress, the connections negotiate permessage-deflate
// without context takeover; the message is compressed once, up front, and
// every echo is inflated.
//
// After a warm-up, Rounds rounds of Round each are measured: messages
// echoed, wall time, the server's CPU time (utime + stime of
// /proc/PID/stat) and the generator's own CPU time.
//
// # Idle connections
//
// [Idle] opens its connections, reports them ready, and on each "echo"
// command sends one message on every connection and reads its echo: 16
// bytes, or with IdleConfig.Compress a compressed text message of
// [IdleDeflateSize] bytes whose echo must come back compressed and
// inflate to the message sent.
package load
