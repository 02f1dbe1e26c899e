// Package deflate implements the permessage-deflate WebSocket extension
// (RFC 7692): negotiation of its parameters, and per-message compression
// and decompression with DEFLATE (RFC 1951). It does no I/O of its own.
//
// The encoder is written for WebSocket rather than taken from
// compress/flate, whose Writer always uses a 32 KiB window (so it cannot
// honour a smaller server_max_window_bits with context takeover) and
// holds about 1.2 MiB per Writer. [Encoder] keeps its history in a ring of
// exactly the negotiated window, 256 B to 32 KiB, never emits a distance
// beyond it, and looks up matches in a hash table of 16-bit entries: one
// per two window bytes with context takeover, keyed by the 4 bytes at a
// position; about one per message byte (256 to 16,384) for a message
// compressed on its own, keyed by 6 bytes at [BestSpeed]. [Decoder] is a
// table-driven inflater with a window of exactly the peer's window, whose
// output is bounded by a limit checked while inflating.
//
// # Use on a connection
//
// A server passes the request's parsed Sec-WebSocket-Extensions to
// [Accept]; a client puts [Offer] in its request and passes the
// response's to [Confirm]. Both give a [*Config] (nil when compression is
// off), whose [Config.NewEncoder] and [Config.NewDecoder] make the
// connection's encoder and decoder, and a server sends
// [Config.Response].
//
// To send a message of n bytes, a connection compresses it when
// [Config.ShouldCompress](n) holds, with [Encoder.Compress] (or, for a
// streaming writer, [Encoder.Append] per write and [Encoder.Flush] at the
// end), and sets RSV1 on the first frame only. A message sent uncompressed
// has RSV1 clear and does not touch the encoder. The encoder is not safe
// for concurrent use: writes on a connection are serialised anyway.
//
// To receive a message whose first frame has RSV1 set, a connection calls
// [Decoder.Reset] with an io.Reader over the message's frame payloads
// (unmasked, ending with io.EOF after the final frame) and the read limit,
// then reads the decompressed message from the Decoder; or, holding the
// whole payload, calls [Decoder.Decompress]. RSV1 on a continuation or
// control frame is a protocol error (1002) for the caller to detect. The
// decoder's errors unwrap to a [*protocol.Error] carrying the close code:
// [ErrTooLarge] is 1009 and [ErrCorrupt] 1007. With context takeover every
// compressed message must be read to its end, or dropped with
// [Decoder.Discard], to keep the window in step with the peer's.
//
// # Memory
//
// An encoder holds its window (1<<w bytes) and its hash table (1<<w bytes)
// and a decoder its window (1<<w bytes); per call they borrow their
// working buffers (block tokens, Huffman tables, input buffer) from pools,
// so those are shared by the calls in progress, not held per connection.
// Per connection that makes 3·2^w bytes with context takeover, plus 352
// bytes for the Encoder and Decoder structs in any mode. Heap per idle
// connection, encoder and decoder together, measured after messages both
// ways (TestMemoryPerConnection, BenchmarkIdleConnection):
//
//	mode                 window  bytes/connection
//	ContextTakeover      15      98,431 to 98,580  (limit: 128 KiB)
//	ContextTakeover      12      12,410 to 12,561
//	ContextTakeover       9       1,630 to  1,855
//	NoContextTakeover    any      under 352 (buffers pooled between messages)
//
// While in use, an Append or Compress call borrows 69 KiB of block
// working space for its duration, a message being decoded borrows 10 KiB
// of tables and input buffer until it ends, and without context takeover
// the window and table (2^w bytes plus 512 B to 32 KiB, by the message's
// size, encoding; 2^w decoding) are borrowed for the message; pools share
// all of them among the calls in progress.
//
// For comparison, compress/flate holds about 1.2 MiB per Writer at
// BestSpeed and 40 KiB per Reader (plus a 32 KiB dictionary copy per
// message for context takeover).
//
// # Negotiation
//
// All four parameters of RFC 7692, Section 7.1 are supported, in offers
// and responses: server_no_context_takeover, client_no_context_takeover,
// server_max_window_bits (8 to 15) and client_max_window_bits (with or
// without a value). A request may list several offers; the server takes
// the first acceptable one and declines, without error, offers with an
// unknown, repeated or out-of-range parameter. A client fails the
// connection ([ErrResponse]) on a response that does not match its offer.
// Browser offers ("permessage-deflate; client_max_window_bits") are
// accepted, and so are offers that cannot limit the client's window
// ("permessage-deflate"): the client then uses 15 bits, and a server
// wanting less asks it for client_no_context_takeover instead, so that
// window is held only while a message is read.
//
// zlib refuses a raw deflate window of 8 bits and uses 9 instead; it then
// refers back at most 2^9 - 262 = 250 bytes, so such a peer still fits an
// 8-bit decoder. This encoder honours 8 bits exactly.
//
// # Defaults
//
// Compression is off unless [Options].Mode says otherwise, as in
// gorilla/websocket (EnableCompression false), coder/websocket
// (CompressionDisabled) and Node's ws on the server (perMessageDeflate
// false); python-websockets enables it by default. When enabled:
//
//   - Windows: a server compresses with and allows clients 12 bits
//     ([DefaultServerWindowBits], 4 KiB), as python-websockets' server
//     (server_max_window_bits=12, client_max_window_bits=12); on our
//     corpus of small JSON messages with context takeover this costs
//     about 1% of ratio against 15 bits for an eighth of the memory. A
//     client asks the server for nothing and offers client_max_window_bits
//     without a value, as python-websockets, ws and browsers do.
//     gorilla/websocket and coder/websocket do not negotiate window bits.
//   - Threshold: messages under 128 bytes ([DefaultThreshold]) are sent
//     uncompressed without context takeover, under 32 bytes
//     ([DefaultThresholdContextTakeover]) with it; coder/websocket uses
//     512 and 128 bytes, ws 1024 bytes, python-websockets none.
//   - Level: [BestSpeed], comparable to compress/flate's BestSpeed (level
//     1), which gorilla/websocket and coder/websocket use; ws and
//     python-websockets use zlib's default level 6 (python with memLevel
//     5).
//   - Memory budget: none beyond the window bits ([Options].MemoryBudget
//     zero). A server that sets one keeps the windows it negotiates within
//     it (the encoder's side first, since it costs twice the decoder's),
//     and below 768 bytes it turns context takeover off; a client lowers
//     what it offers the same way. No peer library has such an option;
//     they bound memory through window bits (python-websockets, ws) or
//     not at all.
package deflate
