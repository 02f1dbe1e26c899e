// Package wirefastecho is wirefast's echo server, through the public API
// only, with ConnOptions.CoalesceWrites on, in four modes: a goroutine per connection looping on ReadInto and
// Write, or Conn.Receive (epoll-driven, no goroutine while idle); each
// upgraded on the raw connection (AcceptConn) or through net/http
// (Accept).
package wirefastecho
