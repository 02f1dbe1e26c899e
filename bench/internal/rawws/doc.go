// Package rawws is the benchmark's own minimal WebSocket client framing
// (RFC 6455): the opening handshake request and its check, masked client
// frames, and a reader of server messages. It uses no WebSocket library,
// so the load generator measures the servers, not a client library.
//
// It is deliberately small: one extension (permessage-deflate without
// context takeover, compressed with compress/flate), no close handshake
// beyond reporting a close frame, and a bound on every message it reads.
package rawws
