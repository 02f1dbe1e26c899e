// Package leakcheck fails a test binary whose goroutines outlive its
// tests: a connection, timer or server that a close path forgot. It is
// for tests only and imports nothing of this module.
package leakcheck
