// Command loadgen is the load generator of the peer benchmark (package
// load), a process of its own so that it never shares a runtime with the
// server it measures.
//
// Echo load: it drives one cell and prints the result as JSON:
//
//	loadgen -addr 127.0.0.1:8080 -conns 64 -window 16 -size 1024 -text -pid 1234
//
// -compress negotiates permessage-deflate (no context takeover) and sends
// the messages compressed; with -text they are 1 MiB of different
// JSON-like messages, sent in turn.
//
// Idle connections: it opens -idle connections, prints "ready", echoes
// one message on each for every "echo" line on standard input (then
// prints "echoed"), and exits when standard input ends:
//
//	loadgen -addr 127.0.0.1:8080 -idle 10000
//
// With -compress the idle connections negotiate permessage-deflate (no
// context takeover) and the one echo is a compressed 1 KiB text message
// (load.IdleDeflateSize), whose echo must come back compressed and
// inflate to the message sent.
package main
