// Package gorillaecho is the echo server of github.com/gorilla/websocket,
// through net/http, in two modes: streaming (NextReader/NextWriter) and
// whole messages (ReadMessage/WriteMessage).
package gorillaecho
