// Package tcpecho is the raw TCP echo server, the ceiling of every
// benchmark cell: it sends back every byte it reads, with no framing.
package tcpecho
