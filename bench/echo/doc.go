// Package echo defines the echo servers the peer benchmark drives: one
// [Server] per library, each with one or more [Mode]s (ways of driving
// that library), and [Main], the main function shared by the
// cmd/echo-LIBRARY binaries. The servers themselves live in the
// subpackages, one per library.
package echo
