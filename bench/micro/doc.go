// Package micro holds the peer micro-benchmarks, in test files only:
// reading a frame from memory through each library's server-side read
// API (BenchmarkReadFrame), masking (BenchmarkMask) and UTF-8 validation
// (BenchmarkUTF8), each beside its ceiling or reference. Peers are
// reached through their public API only; where a peer's masking or
// validation is not reachable that way, the benchmark says so and leaves
// it out.
//
// TODO(compression): BenchmarkCompress, compression per message against
// each library's permessage-deflate, once wirefast's deflate package
// lands.
package micro
