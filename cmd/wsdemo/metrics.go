package main

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// demos names every demo, in the order /metrics lists them.
var demos = []string{"echo", "hello", "time", "tick", "counter", "chat"}

// metrics counts what the server does, for /metrics. Counters only go up;
// open connections is the one gauge. Everything is atomic: handlers
// update them without a lock.
type metrics struct {
	rejected atomic.Int64 // upgrades refused with 503 by -max-conns
	demo     map[string]*demoMetrics
}

// demoMetrics are the counts of one demo's connections. Bytes are message
// payload bytes, not wire bytes (frame headers and masks not counted).
type demoMetrics struct {
	open     atomic.Int64 // connections open now
	accepted atomic.Int64 // connections accepted since start
	msgsIn   atomic.Int64
	msgsOut  atomic.Int64
	bytesIn  atomic.Int64
	bytesOut atomic.Int64
	dropped  atomic.Int64 // slow clients dropped
}

func newMetrics() *metrics {
	m := &metrics{demo: make(map[string]*demoMetrics, len(demos))}
	for _, d := range demos {
		m.demo[d] = new(demoMetrics)
	}
	return m
}

// received counts a message of n payload bytes read from a client.
func (d *demoMetrics) received(n int) {
	d.bytesIn.Add(int64(n)) // bytes first: a message counted has its bytes counted
	d.msgsIn.Add(1)
}

// sent counts a message of n payload bytes written to a client.
func (d *demoMetrics) sent(n int) {
	d.bytesOut.Add(int64(n))
	d.msgsOut.Add(1)
}

// family is one metric of the Prometheus text format: its name, help,
// type and the value for each demo.
type family struct {
	name, help, typ string
	value           func(*demoMetrics) int64
}

var families = []family{
	{"wsdemo_connections", "WebSocket connections open now.", "gauge",
		func(d *demoMetrics) int64 { return d.open.Load() }},
	{"wsdemo_connections_total", "WebSocket connections accepted since the start.", "counter",
		func(d *demoMetrics) int64 { return d.accepted.Load() }},
	{"wsdemo_messages_received_total", "Messages received from clients.", "counter",
		func(d *demoMetrics) int64 { return d.msgsIn.Load() }},
	{"wsdemo_messages_sent_total", "Messages sent to clients.", "counter",
		func(d *demoMetrics) int64 { return d.msgsOut.Load() }},
	{"wsdemo_received_bytes_total", "Payload bytes of the messages received from clients.", "counter",
		func(d *demoMetrics) int64 { return d.bytesIn.Load() }},
	{"wsdemo_sent_bytes_total", "Payload bytes of the messages sent to clients.", "counter",
		func(d *demoMetrics) int64 { return d.bytesOut.Load() }},
	{"wsdemo_slow_clients_dropped_total", "Clients closed with 1013 because their send queue was full.", "counter",
		func(d *demoMetrics) int64 { return d.dropped.Load() }},
}

// WriteTo writes the metrics in the Prometheus text exposition format
// (version 0.0.4), one labelled series per demo.
func (m *metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	for _, f := range families {
		fmt.Fprintf(cw, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, d := range demos {
			fmt.Fprintf(cw, "%s{demo=%q} %d\n", f.name, d, f.value(m.demo[d]))
		}
	}
	fmt.Fprintf(cw, "# HELP wsdemo_connections_rejected_total Upgrades refused with 503 because -max-conns connections were open.\n"+
		"# TYPE wsdemo_connections_rejected_total counter\nwsdemo_connections_rejected_total %d\n", m.rejected.Load())
	return cw.n, cw.err
}

// ServeHTTP serves /metrics.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = m.WriteTo(w)
}

// countWriter counts bytes written and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
