// Package micro holds the peer micro-benchmarks, in test files only:
// reading a frame from memory through each library's server-side read
// API (BenchmarkReadFrame), masking (BenchmarkMask) and UTF-8 validation
// (BenchmarkUTF8), and compressing and inflating one permessage-deflate
// message (BenchmarkCompress, BenchmarkDecompress: wirefast's deflate
// package against compress/flate, which every peer compresses with),
// each beside its ceiling or reference. Peers are reached through their
// public API only; where a peer's masking or validation is not reachable
// that way, the benchmark says so and leaves it out.
package micro
