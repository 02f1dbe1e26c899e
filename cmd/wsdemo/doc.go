// Wsdemo serves the classic WebSocket demos, each a small page with plain
// JavaScript and a Go handler written to be read: echo, hello, a clock
// (time and tick), a counter shared by every browser, and chat rooms. It
// is also a client of them, and several wsdemo processes sharing one
// Redis server behave as one app.
//
//	go run ./cmd/wsdemo                 # then open http://127.0.0.1:8080/
//	go run ./cmd/wsdemo -tls            # https:// and wss://, self-signed
//	go run ./cmd/wsdemo -addr 127.0.0.1:8081 -redis redis://127.0.0.1:6379
//	go run ./cmd/wsdemo -client -url ws://127.0.0.1:8080/ws/hello -name Bob
//	go run ./cmd/wsdemo -client -url ws://127.0.0.1:8080/ws/tick
//
// # Endpoints
//
//	/ws/echo                  every message comes back as it was sent
//	/ws/hello                 send a name, get "Hello <name>!", then close 1000
//	/ws/time                  the UTC time (ISO 8601, Z) at random 0-3 s intervals
//	/ws/tick?since=N          {"type":"tick","seq":N+1,"time":…} every second
//	/ws/counter               send {"action":"plus"} or {"action":"minus"};
//	                          get {"type":"state","value":N} and {"type":"users","count":N}
//	/ws/chat?room=R&nick=N    rooms: {"type":"message","nick":…,"text":…,"time":…},
//	                          join, leave, users and error events
//	/healthz, /metrics        health, and counts in the Prometheus text format
//
// # Production touches
//
// A connection limit (-max-conns, 503 before upgrading), a bounded send
// queue per counter and chat client (a slow client is dropped with 1013
// rather than holding back the others), graceful shutdown on SIGINT and
// SIGTERM (1001 to every client, bounded by -shutdown-timeout), keepalive
// pings, structured logs (log/slog) and /metrics.
//
// docs/wsdemo.md at the repository root explains the demos, the flags
// and the scale-out design.
package main
