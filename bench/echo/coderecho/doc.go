// Package coderecho is the echo server of github.com/coder/websocket,
// through net/http: each message streamed from Reader to Writer through a
// pooled copy buffer.
package coderecho
