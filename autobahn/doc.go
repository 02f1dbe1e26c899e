// Package autobahn is a Go implementation of the Autobahn|Testsuite
// WebSocket conformance suite: the 517 cases of sections 1-7, 9, 10, 12 and
// 13, described in the project's case catalogue (shared/autobahn-catalogue.md),
// with the suite's verdict rules and report layout.
//
// It runs in two modes, like the original:
//
//   - [RunClient] is the fuzzing client. It tests any ws:// echo server: one
//     TCP connection per case, in catalogue order.
//   - [Server] is the fuzzing server. It tests any client that speaks the
//     suite's URL protocol (/getCaseCount, /runCase, /updateReports,
//     /getCaseInfo, /getCaseStatus).
//
// Both return [Result] values that [WriteReports] turns into the suite's
// report tree (index.json, one JSON file per case, index.html) and that
// [Summarize] counts for CI.
//
// # Independence
//
// The package deliberately shares no code with the wirefast WebSocket
// implementation it is meant to test: it has its own frame codec, masking,
// opening handshake (client and server side), incremental UTF-8 validator and
// permessage-deflate (RFC 7692) negotiation, compressor and decompressor. A
// bug in the library under test therefore cannot hide itself by being
// repeated in the checker.
//
// # The engine
//
// Each case runs on one connection driven by a single event loop goroutine
// that owns the state AutobahnPython 0.10.9 keeps (CONNECTING, OPEN, CLOSING,
// CLOSED and the closedByMe, failedByMe, droppedByMe and wasClean flags), a
// reader goroutine that parses frames and a writer goroutine that performs
// plain, sync and chopped writes in order. Case timers (K, C and W in the
// catalogue) and the protocol timers (close handshake 1 s, server connection
// drop 1 s, opening handshake 5 s) are real timers.
//
// # Deflate windows
//
// compress/flate always uses a 32 KiB window. Where F must compress with a
// smaller window (client_max_window_bits or server_max_window_bits below 15),
// the package uses its own LZ77 encoder with fixed Huffman codes whose match
// distances never exceed 2^bits - 262, the same bound zlib's deflate keeps
// for that window, so the peer sees the kind of stream the original suite's
// zlib would send. Where F must decompress with a window below 15 bits it
// uses its own inflater, which rejects any distance beyond 2^bits: a peer
// that ignores the negotiated window fails the case, as the catalogue says.
// With 15 bits compress/flate is used in both directions.
//
// # Deviations
//
// The original engine has no size limits. This one fails a connection with
// 1009 when a single message or frame from the peer exceeds
// [MaxMessageSize], and ends a case that outlives its longest timer by
// [CaseGrace] by dropping TCP, so that a peer can never make a run hang
// or exhaust memory. Neither limit is reached by a conforming peer.
package autobahn
