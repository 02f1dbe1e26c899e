// Package xnetecho is the echo server of golang.org/x/net/websocket,
// through net/http: whole frames received and sent with a Codec that
// keeps the payload type.
package xnetecho
